"""Demo reclaim: the evaluated demo investments (``projects.demo``) get their reclaim plans.

Every amount, date and text here is demo data, and the texts say so. The plans are drafted by
the fund administrator from each evaluation in the first months of 2024 (their reclaim years
run 2025-2030 under the fund's rules), fitted to the cap where the savings are above what the
project was paid net of refunds (none of the demo's are), sent and decided by the city director.
The two projects without measured savings are exempted. The lines of
2025 are booked in January 2026, except one left overdue; some lines of 2026 are booked this
autumn. ABC 13-18 år has its follow-up of 2025 (the verified reductions) and an adjustment
(version 2, lower savings from 2027). In 2026
Spånga-Tensta stadsdelsnämnd is replaced by Järva stadsdelsnämnd (demo) and Hässelby-Vällingby,
and the city director moves its open lines to them. The last plan, Idrott som väg in, waits for
the city director. Idempotent: a project that has a plan or is no longer evaluated is left as
it is; the reorganisation is recorded once. E-mails of the history are never sent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core import demo as core_demo
from core.events import recorded_at
from core.models import Organisation, OrganisationKind, Reorganisation, User
from core.notices import muted
from core.services import reorganisation_record
from projects.models import Project, ProjectState
from reclaim import plans, services
from reclaim.models import PlanVersion, VersionState
from reclaim.selectors import plan_cap, rules_for
from reclaim.services.plans import lines_of

DEMO = " (Demodata.)"
EXEMPT = ("Techgården", "Tidig upptäckt av psykisk ohälsa i Älvsjö (demo)")
ADJUSTED = "ABC 13-18 år"
WAITING = "Idrott som väg in (demo)"
# The one line of 2025 left unbooked (overdue since 1 February 2026): (project, short name).
OVERDUE = ("Nya vägar", "Socialnämnden")
# Plans whose lines of 2026 are booked in November 2026.
BOOKED_2026 = ("Flera vägar in", "Skarpnäcksmodellen")
REPLACED = "Spånga-Tensta"
SUCCESSOR = ("Järva stadsdelsnämnd (demo)", "Järva (demo)")
REPLACED_FROM = dt.date(2026, 7, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load(*, today: dt.date | None = None) -> list[Project]:
    today = today or timezone.localdate()
    if today < dt.date(2026, 11, 20):
        return []  # the story's last booking is on 18 November 2026
    people = {user.email.split("@")[0]: user for user in User.objects.filter(is_active=True)}
    admin, director = people[core_demo.FUND_ADMIN], people[core_demo.DIRECTOR]
    evaluated = list(
        Project.objects.filter(state=ProjectState.EVALUATED, reclaim_plan__isnull=True)
        .select_related("registration__fund", "owner")
        .order_by("created_at", "pk")
    )
    done = []
    with muted():
        for index, project in enumerate(evaluated):
            if project.title in EXEMPT:
                with recorded_at(_at(dt.date(2024, 1, 16) + dt.timedelta(days=index))):
                    services.reclaim_exempt(
                        actor=director,
                        project=project,
                        reason="Utvärderingen visar inga mätbara kostnadsminskningar." + DEMO,
                    )
            else:
                _plan(project, index, admin, director)
            done.append(project)
        _reorganisation(admin, director)
        for project in done:
            if project.title in BOOKED_2026:
                _book(project.reclaim_plan, admin, 2026, dt.date(2026, 11, 18))
    return done


def _plan(project: Project, index: int, admin: User, director: User) -> None:
    drafted = dt.date(2024, 1, 9) + dt.timedelta(days=2 * index)
    if project.title == WAITING:
        drafted = dt.date(2026, 11, 10)
    with recorded_at(_at(drafted)):
        plan = services.reclaim_plan_draft(actor=admin, project=project)
    version = plan.versions.get()
    if not lines_of(version):
        return
    cap = plan_cap(project, rules_for(project.registration.fund))
    above = plans.excess(lines_of(version), cap)
    with recorded_at(_at(drafted, 14)):
        if above:
            services.plan_version_fit(actor=admin, version=version)
        services.plan_version_submit(actor=admin, version=version)
    if project.title == WAITING:
        return
    with recorded_at(_at(drafted + dt.timedelta(days=21), 11)):
        services.plan_version_approve(
            actor=director,
            version=version,
            comment="Beslutad enligt fondens riktlinjer." + DEMO,
        )
    if project.title == ADJUSTED:
        _adjust(plan, admin, director)
    _book(plan, admin, 2025, dt.date(2026, 1, 20))


def _adjust(plan, admin: User, director: User) -> None:
    """The follow-up of 2025: Socialnämnden's reduction from 2027 is lower than planned."""
    social = Organisation.objects.get(short_name="Socialnämnden")
    in_force = PlanVersion.objects.get(plan=plan, state=VersionState.APPROVED)
    with recorded_at(_at(dt.date(2026, 3, 3))):
        services.follow_up_record(
            actor=admin,
            plan=plan,
            year=2025,
            amounts={
                line.organisation_id: line.amount * 9 // 10 // 1000 * 1000
                for line in in_force.lines.filter(year=2025)
            },
            note="Bokslut 2025 och socialförvaltningens registerdata." + DEMO,
        )
    with recorded_at(_at(dt.date(2026, 3, 10))):
        version = services.plan_adjustment_start(actor=admin, plan=plan)
        lines = lines_of(version)
        for key in list(lines):
            if key[0] == social.pk and key[1] >= 2027:
                lines[key] = int(lines[key] * Decimal("0.7"))
        services.plan_version_update(
            actor=admin,
            version=version,
            start_year=version.start_year,
            lines=lines,
            reason="Uppföljningen 2025: socialnämndens minskning från 2027 är lägre än "
            "beräknat, som förvaltningen påpekade." + DEMO,
        )
        services.plan_version_submit(actor=admin, version=version)
    with recorded_at(_at(dt.date(2026, 3, 24))):
        services.plan_version_approve(
            actor=director, version=version, comment="Justeringen godkänns." + DEMO
        )


def _book(plan, admin: User, year: int, day: dt.date) -> None:
    version = PlanVersion.objects.get(plan=plan, state=VersionState.APPROVED)
    with recorded_at(_at(day)):
        for line in version.lines.filter(year=year).select_related("organisation"):
            if (plan.project.title, line.organisation.short_name) == OVERDUE:
                continue
            if plan.installments.filter(organisation=line.organisation, year=year).exists():
                continue
            services.installment_book(
                actor=admin,
                plan=plan,
                organisation=line.organisation,
                year=year,
                amount=line.amount,
                value_date=day,
            )


def _reorganisation(admin: User, director: User) -> None:
    replaced = Organisation.objects.filter(short_name=REPLACED).first()
    if replaced is None or Reorganisation.objects.filter(organisation=replaced).exists():
        return
    name, short = SUCCESSOR
    jarva, _created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "short_name": short,
            "kind": OrganisationKind.DISTRICT_COMMITTEE,
            "active_from": REPLACED_FROM,
        },
    )
    hasselby = Organisation.objects.get(short_name="Hässelby-Vällingby")
    with recorded_at(_at(dt.date(2026, 3, 16))):
        reorganisation = reorganisation_record(
            actor=admin,
            organisation=replaced,
            effective_from=REPLACED_FROM,
            decided_on=dt.date(2026, 3, 16),
            decision_reference="KF 2026-03-16 § 5 (demo)",
            shares=[(jarva, Decimal(70)), (hasselby, Decimal(30))],
            description="Spånga-Tensta delas mellan Järva och Hässelby-Vällingby." + DEMO,
        )
    with recorded_at(_at(dt.date(2026, 8, 20))):
        services.reorganisation_handle(
            actor=director,
            reorganisation=reorganisation,
            lines="move",
            successor=jarva,
            reason="Enligt beslutet KF 2026-03-16 § 5 (demo).",
        )
