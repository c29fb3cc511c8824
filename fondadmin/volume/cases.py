"""The generated cases: calls, idea sketches judged applicable, submitted applications and
their council review, one application at a time through the services.

Application ``i`` belongs to call ``i // per_call`` (``PER_CALL`` unless the spec says
otherwise); calls follow each other every ``CALL_EVERY_DAYS`` days from 2016, each with its own
council meeting. When a call's last application is made, the projects stage
(``fondadmin.volume.projects``) has the board decide the call before it: a share granted, the
rest closed as not proposed. Every date a service
takes (``today``, ``at``) is the case's own historic date, so deadlines and periods are checked
as they would have been then.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from applications import services
from applications.models import (
    Application,
    Call,
    CouncilMeeting,
    Criterion,
    DecisionRoute,
    Outcome,
    ReviewKind,
)
from core.money import split_evenly
from fondadmin.volume import projects
from fondadmin.volume.people import MARK, World

PER_CALL = 500
CALL_EVERY_DAYS = 30
FIRST_CALL = dt.date(2016, 1, 11)
SKETCH_DAYS = 30  # published -> last day for idea sketches
APPLICATION_DAYS = 45  # last day for idea sketches -> last day for applications
MEETING_DAYS = 5  # last day for idea sketches -> the council's applicability meeting
ASSIGN_DAYS = 2  # last day for applications -> reviewers assigned
DUE_DAYS = 30  # assigned -> review due
REVIEW_MEETING_DAYS = 3  # review due -> the council's recommendations
# An application involves at most four organisations (owner, a co-owner, a partner, one
# other benefiting organisation), so at least COUNCIL_SIZE - 4 members are never in conflict.
MAX_REVIEWS = 4
# Years of expected savings per benefiting organisation, from the year after the project (the
# first falls before a plan decided the next year: the reclaim window keeps the other three).
SAVING_YEARS = 4
# Idea sketches judged not applicable (they end there), per application: one for every fourth,
# as the city's 10,000 sketches give 8,000 applications.
DECLINED_PER_APPLICATION = 0.25
THEMES = (
    "Tidigt stöd till familjer",
    "Fullföljda studier",
    "Unga vuxna i arbete",
    "Läsfrämjande insatser",
    "Förebyggande socialt arbete",
    "Trygga skolvägar",
    "Psykisk hälsa bland unga",
    "Föreningsliv för barn",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def review_meeting_day(number: int) -> dt.date:
    """The council's meeting on the call's reviewed applications (its recommendations)."""
    return _assign_day(number) + dt.timedelta(days=DUE_DAYS + REVIEW_MEETING_DAYS)


def _published(number: int) -> dt.date:
    return FIRST_CALL + dt.timedelta(days=number * CALL_EVERY_DAYS)


def _assign_day(number: int) -> dt.date:
    return _published(number) + dt.timedelta(days=SKETCH_DAYS + APPLICATION_DAYS + ASSIGN_DAYS)


def capacity(per_call: int = PER_CALL, today: dt.date | None = None) -> int:
    """How many applications fit in calls whose review could start by today."""
    day = today or timezone.localdate()
    calls = 0
    while _assign_day(calls) <= day:
        calls += 1
    return calls * per_call


def count(fund) -> int:
    return Application.objects.filter(call__fund=fund, title__endswith=MARK).count()


def _call(world: World, spec, number: int) -> tuple[Call, object]:
    """Call ``number`` of the volume and its council meeting, made the first time."""
    cache = world.__dict__.setdefault("calls", {})
    if number in cache:
        return cache[number]
    title = f"Volymutlysning {number + 1:03d}{MARK}"
    call = Call.objects.filter(fund=world.fund, title=title).first()
    published = _published(number)
    sketches_due = published + dt.timedelta(days=SKETCH_DAYS)
    if call is None:
        call = services.call_create(
            actor=world.admin,
            fund=world.fund,
            title=title,
            description="Genererad utlysning för volymmätning.",
            idea_sketch_deadline=sketches_due,
            application_deadline=sketches_due + dt.timedelta(days=APPLICATION_DAYS),
            indicative_budget=spec.per_call * 10_000_000,
            decision_route=DecisionRoute.OWN_PROPOSAL,
        )
        services.call_publish(actor=world.admin, call=call, at=_at(published, 9))
        call.refresh_from_db()
    held_on = sketches_due + dt.timedelta(days=MEETING_DAYS)
    meeting = CouncilMeeting.objects.filter(fund=world.fund, held_on=held_on, note=title).first()
    if meeting is None:
        meeting = services.council_meeting_create(
            actor=world.admin,
            fund=world.fund,
            held_on=held_on,
            members=world.council,
            note=title,
            today=held_on,
        )
    cache[number] = (call, meeting)
    return cache[number]


def _rows(owner, partners, beneficiaries, start: int, years: int, amount: int) -> dict:
    recipients = [owner, *[p for p in partners if p.can_own_cases]]
    return {
        "activities": [
            {
                "pk": None,
                "title": "Genomförande",
                "description": "",
                "starts_on": dt.date(start, 1, 1),
                "ends_on": dt.date(start + years - 1, 12, 31),
            }
        ],
        "milestones": [
            {"pk": None, "title": "Utvärdering klar", "due_on": dt.date(start + years - 1, 12, 1)}
        ],
        "indicators": [
            {
                "pk": None,
                "name": "Antal deltagare",
                "unit": "personer",
                "baseline": 0,
                "target": 100,
                "data_source": "Projektets register",
            }
        ],
        "savings": [
            {
                "pk": None,
                "organisation": organisation,
                "year": start + years + offset,
                "amount": amount // (5 + offset),
                "assumptions": "Färre placeringar (genererat).",
            }
            for organisation in beneficiaries
            for offset in range(SAVING_YEARS)
        ],
        "budget": [
            {
                "pk": None,
                "year": start + index,
                "recipient": recipient,
                "cost_type": "develop" if index == 0 else "introduce",
                "funding_source": "fund",
                "amount": share,
                "note": "",
            }
            for index, part in enumerate(split_evenly(amount, years))
            for recipient, share in zip(
                recipients, split_evenly(part, len(recipients)), strict=True
            )
        ],
    }


def make(world: World, spec, index: int) -> Application:
    """Generated application ``index``: sketch, applicability, application, review."""
    rng = random.Random(f"{spec.seed}:{index}")  # noqa: S311 - reproducible data, not secrets
    number = index // spec.per_call
    call, meeting = _call(world, spec, number)
    owner = rng.choice(world.city)
    others = [org for org in world.city if org.pk != owner.pk]
    co_owners = [rng.choice(others)] if rng.random() < 0.3 else []
    partners = []
    if rng.random() < 0.3:
        pool = world.nonprofits + [o for o in others if o not in co_owners]
        partners = [rng.choice(pool)]
    beneficiaries = [owner, rng.choice(others)]
    applicant = world.applicant(owner, index)
    years = rng.randint(2, 5)
    amount = rng.randrange(4, 80) * 250_000
    title = f"{rng.choice(THEMES)} {index + 1:05d}{MARK}"
    sketch = services.idea_sketch_create(
        actor=applicant,
        call=call,
        owner=owner,
        co_owners=co_owners,
        partners=partners,
        today=_published(number),
        title=title,
        summary=f"{title}: förebyggande insats, genererad för volymmätning.",
        problem_and_target_group="Barn och unga i behov av tidigt stöd (genererat).",
        complements_ordinary_work="Kompletterar ordinarie verksamhet (genererat).",
        estimated_amount=amount,
        estimated_years=years,
        contact_name=applicant.full_name,
        contact_email=applicant.email,
    )
    sketches_due = call.idea_sketch_deadline
    services.idea_sketch_submit(
        actor=applicant,
        sketch=sketch,
        at=_at(sketches_due - dt.timedelta(days=rng.randint(0, SKETCH_DAYS - 1)), 10),
    )
    services.applicability_decide(
        actor=world.admin,
        sketch=sketch,
        meeting=meeting,
        outcome="applicable",
        reason="Tillämplig (genererat).",
    )
    application = services.application_create(
        actor=applicant, sketch=sketch, today=meeting.held_on + dt.timedelta(days=1)
    )
    start = call.application_deadline.year + 1
    services.application_update(
        actor=applicant,
        application=application,
        co_owners=co_owners,
        partners=partners,
        rows=_rows(owner, partners, beneficiaries, start, years, amount),
        planned_start=dt.date(start, 1, 1),
        planned_end=dt.date(start + years - 1, 12, 31),
        project_organisation="Projektledare och styrgrupp (genererat).",
        steering_group="Förvaltningscheferna (genererat).",
        risks="Rekrytering (genererat).",
        evaluation_design="before_after",
        evaluation_design_text="Före- och eftermätning (genererat).",
        evaluator="Extern utvärderare (genererat)",
        benefits_assumptions="Kostnaderna faller hos de nämnder som gynnas (genererat).",
    )
    services.application_submit(
        actor=applicant,
        application=application,
        at=_at(call.application_deadline - dt.timedelta(days=rng.randint(0, 20)), 14),
    )
    application.refresh_from_db()
    _review(world, spec, rng, application, number, {owner, *co_owners, *partners, *beneficiaries})
    for extra in range(declined(index + 1) - declined(index)):
        _declined(world, spec, index, extra, call, meeting)
    if (index + 1) % spec.per_call == 0 and number > 0:
        # The call before is decided when this one is full: the council always has the last
        # call's reviews to do, as it would while the board decides the call before.
        previous, _meeting = _call(world, spec, number - 1)
        projects.grant_call(
            world, spec, number - 1, previous, review_day=review_meeting_day(number - 1)
        )
    return application


def declined(applications: int) -> int:
    """How many idea sketches judged not applicable come with the first ``applications``."""
    return int(applications * DECLINED_PER_APPLICATION)


def _declined(world: World, spec, index: int, extra: int, call: Call, meeting) -> None:
    """An idea sketch of application ``index``'s call that the council judges not applicable;
    drawn from a stream of its own, so the applications' draws are the same with or without."""
    rng = random.Random(f"{spec.seed}:declined:{index}:{extra}")  # noqa: S311 - reproducible
    owner = rng.choice(world.city)
    applicant = world.applicant(owner, index)
    title = f"{rng.choice(THEMES)} {index + 1:05d}-{extra + 1}{MARK}"
    sketch = services.idea_sketch_create(
        actor=applicant,
        call=call,
        owner=owner,
        co_owners=[],
        partners=[],
        today=_published(index // spec.per_call),
        title=title,
        summary=f"{title}: idé som inte prövas vidare, genererad för volymmätning.",
        problem_and_target_group="Vuxna med långvarigt försörjningsstöd (genererat).",
        complements_ordinary_work="Ersätter delvis ordinarie verksamhet (genererat).",
        estimated_amount=rng.randrange(4, 80) * 250_000,
        estimated_years=rng.randint(2, 5),
        contact_name=applicant.full_name,
        contact_email=applicant.email,
    )
    services.idea_sketch_submit(
        actor=applicant,
        sketch=sketch,
        at=_at(call.idea_sketch_deadline - dt.timedelta(days=rng.randint(0, SKETCH_DAYS - 1)), 11),
    )
    services.applicability_decide(
        actor=world.admin,
        sketch=sketch,
        meeting=meeting,
        outcome="not_applicable",
        reason="Kompletterar inte stadens ordinarie arbete; ordinarie verksamhet (genererat).",
    )


def _review(world: World, spec, rng, application: Application, number: int, involved) -> None:
    """Council members not in conflict assigned, declared and scored; with ``open_share`` the
    last one's review is still to do (half of them not yet declared)."""
    involved_ids = {org.pk for org in involved}
    free = [m for m in world.council if world.council_organisation[m.pk] not in involved_ids]
    reviewers = rng.sample(free, spec.reviews_per_application)
    open_review = rng.random() < spec.open_share
    undeclared = rng.random() < 0.5
    day = _assign_day(number)
    for position, member in enumerate(reviewers):
        assignment = services.review_assign(
            actor=world.admin,
            application=application,
            reviewer=member,
            kind=ReviewKind.COUNCIL,
            due_on=day + dt.timedelta(days=DUE_DAYS),
            today=day,
        )
        last = position == len(reviewers) - 1
        if open_review and last and undeclared:
            continue
        assignment = services.review_declare(actor=member, assignment=assignment, conflict=False)
        if open_review and last:
            continue
        points = {c.value: rng.randint(2, 5) for c in Criterion}
        services.application_score(
            actor=member,
            assignment=assignment,
            version=application.current_version,
            criteria={
                value: (value_points >= 3, value_points, "Bedömning (genererat).")
                for value, value_points in points.items()
            },
            suggested_outcome=Outcome.GRANT,
            suggested_amount=application.amount_requested,
            comment="Genererad bedömning.",
        )
