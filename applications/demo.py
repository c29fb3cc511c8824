"""Demo calls: the five rounds of 2016-2018 and the 2019 round decided within the four-month
report T2 (seeds/003), one open call and one draft for today's demo. The seeds give the number
of rounds, not their dates or budgets: those are demo figures, and the texts say so.
Each historic round is reviewed and decided by the board (applications.demo_decisions): thirteen
grants, 229.2 MSEK in the fund's ledger, and a project each.
Idempotent: a call that exists (by title) is left as it is; its cases and decisions are
added only where they are missing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from applications import demo_cases, demo_decisions, services
from applications.models import Call, CallState, DecisionRoute
from core import demo as core_demo
from core.events import recorded_at
from core.models import Fund, User

DEMO_NOTE = "\n\nDemodata: datum och belopp är påhittade."
DESCRIPTION = (
    "Stadens nämnder och bolag inbjuds att söka medel ur den sociala investeringsfonden för "
    "förebyggande insatser som ger bättre livsvillkor och lägre kostnader för staden på sikt. "
    "Lämna först en idéskiss; rådet för sociala investeringar bedömer om idén är tillämplig "
    "innan en fullständig ansökan lämnas."
)
HISTORIC = [
    ("Utlysning 1 2016", (2016, 3, 15), (2016, 5, 31), 80_000_000, DecisionRoute.OWN_PROPOSAL),
    ("Utlysning 2 2016", (2016, 9, 15), (2016, 11, 30), 60_000_000, DecisionRoute.OWN_PROPOSAL),
    ("Utlysning 3 2017", (2017, 3, 15), (2017, 5, 31), 50_000_000, DecisionRoute.OWN_PROPOSAL),
    ("Utlysning 4 2017", (2017, 9, 15), (2017, 11, 30), 40_000_000, DecisionRoute.OWN_PROPOSAL),
    ("Utlysning 5 2018", (2018, 3, 15), (2018, 5, 31), 30_000_000, DecisionRoute.OWN_PROPOSAL),
    (
        "Utlysning 2019 (beslut i tertialrapport 2)",
        (2019, 2, 28),
        (2019, 4, 30),
        20_000_000,
        DecisionRoute.FOUR_MONTH_REPORT,
    ),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _call(admin, fund, title, sketch, application, budget, route, *, created=None):
    """The call (created at ``created``, a past moment, or now), unless it exists."""
    call = Call.objects.filter(title=title).first()
    if call is None:
        with recorded_at(created or timezone.now()):
            call = services.call_create(
                actor=admin,
                fund=fund,
                title=title,
                description=DESCRIPTION + DEMO_NOTE,
                idea_sketch_deadline=sketch,
                application_deadline=application,
                indicative_budget=budget,
                decision_route=route,
            )
        if created is not None:
            Call.objects.filter(pk=call.pk).update(created_at=created)
    return call


def _publish(admin, call: Call, at: dt.datetime) -> None:
    with recorded_at(at):
        services.call_publish(actor=admin, call=call, at=at)


@transaction.atomic
def load(*, today: dt.date | None = None) -> list[Call]:
    today = today or timezone.localdate()
    admin = User.objects.get(email=f"{core_demo.FUND_ADMIN}@{core_demo.DEMO_DOMAIN}")
    fund = Fund.objects.get(name=core_demo.FUND_NAME)
    calls = []
    for index, (title, sketch, application, budget, route) in enumerate(HISTORIC):
        sketch, application = dt.date(*sketch), dt.date(*application)
        published = _at(sketch - dt.timedelta(days=60))
        call = _call(
            admin,
            fund,
            title,
            sketch,
            application,
            budget,
            route,
            created=_at(sketch - dt.timedelta(days=67), 9),
        )
        if call.state == CallState.DRAFT:
            _publish(admin, call, published)
        call.refresh_from_db()
        if call.state == CallState.PUBLISHED:
            demo_cases.load_historic(admin, call, index)
        # Review, proposal and the board's decisions; the last decision closes the call.
        demo_decisions.decide_historic(admin, call, index, today)
        call.refresh_from_db()
        if call.state == CallState.PUBLISHED:
            decided = _at(application + dt.timedelta(days=120))
            with recorded_at(decided):
                services.call_decide(actor=admin, call=call, at=decided)
        calls.append(call)
    # Today's demo: an open call (sketches due in six weeks) and a draft for the next one.
    open_title = f"Utlysning {today.year + 1}: tidiga insatser för barn och unga"
    call = _call(
        admin,
        fund,
        open_title,
        today + dt.timedelta(days=42),
        today + dt.timedelta(days=120),
        40_000_000,
        DecisionRoute.OWN_PROPOSAL,
        created=_at(today - dt.timedelta(days=21), 9),
    )
    if call.state == CallState.DRAFT:
        _publish(admin, call, _at(today - dt.timedelta(days=14)))
    call.refresh_from_db()
    if call.state == CallState.PUBLISHED:
        demo_cases.load_today(admin, call, today)
    calls.append(call)
    calls.append(
        _call(
            admin,
            fund,
            f"Utlysning hösten {today.year + 1} (utkast)",
            today + dt.timedelta(days=300),
            today + dt.timedelta(days=380),
            25_000_000,
            DecisionRoute.FOUR_MONTH_REPORT,
        )
    )
    return calls
