"""The generated projects: when the call after it is full (``fondadmin.volume.cases``), the
council recommends a share of a call's scored applications, the fund administrator proposes
them, the city director approves and the board grants them (the call's other applications are
closed as not proposed, as the board's last decision does); then each project runs up to
today, step by step through the projects services, each step recorded at its historic moment
(``core.events.recorded_at``):

- the project manager (who wrote the idea sketch) is named three weeks after the grant, and
  the project started six weeks after it;
- each budget year is paid quarterly per recipient (15 February, May, August, November);
- the report of each period is created the day after the period ends, written and submitted
  two days before it is due and reviewed four days after;
- the investment phase ends twelve days after its last day;
- with ``open_share`` the final report is still to do: half of those not yet written (late),
  the others submitted and waiting for the fund administrator's review.

A call whose board meeting would fall after today is not decided (its applications stay
submitted): only the date the volume is built on changes that. Calls are decided in order, in
the batch of the next call's last application, so a volume topped up batch by batch is the
same.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from applications import services as case_services
from applications.models import (
    Application,
    BoardOutcome,
    Call,
    CouncilMeeting,
    Criterion,
    Outcome,
    Proposal,
)
from applications.selectors.reviews import fund_years
from core.events import recorded_at, recording_day
from core.models import Organisation
from fondadmin.volume import reclaim
from fondadmin.volume.people import MARK, World
from projects import services
from projects.models import AssignmentRole, ProgressReport, Project
from projects.money import budget_of, ledger_figures
from projects.plans import period_ends
from projects.rules import report_recipients

GENERATED = " (genererat)"
# Days from the council's recommendations to each step of the decision.
PROPOSED, SUBMITTED, APPROVED, BOARD, RECORDED = 1, 3, 10, 20, 21
NAMED, STARTED = 19, 40  # days from the grant to the manager named, the project started
REPORT_DUE = 15  # days from a period's end to the report's due day
PAYMENT_MONTHS = (2, 5, 8, 11)  # a budget year is paid quarterly, on the 15th
SPENT_BY = {4: Decimal("0.28"), 8: Decimal("0.61"), 12: Decimal("1")}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _thousands(amount) -> int:
    return int((Decimal(amount) / 1000).quantize(Decimal(1))) * 1000


def grants_per_call(spec) -> int:
    """How many of a decided call's applications the board grants: the share, at least one."""
    return max(1, round(spec.grant_share * spec.per_call))


def grant_call(world: World, spec, number: int, call: Call, *, review_day: dt.date) -> None:
    """The board's grants in call ``number`` (a share of its fully scored applications) and
    their projects up to today. Nothing when the board's meeting is still to come."""
    today = timezone.localdate()
    if review_day + dt.timedelta(days=RECORDED) > today or spec.grant_share == 0:
        return
    if Proposal.objects.filter(call=call).exists():  # decided in an earlier run
        return
    rng = random.Random(f"{spec.seed}:call:{number}")  # noqa: S311 - reproducible data
    scored = [
        application
        for application in Application.objects.filter(call=call, title__endswith=MARK)
        .prefetch_related("assignments__scores", "budget")
        .order_by("pk")
        if all(a.scores.all() for a in application.assignments.all())
    ]
    wanted = grants_per_call(spec)
    chosen = sorted(rng.sample(scored, min(wanted, len(scored))), key=lambda a: a.pk)
    if not chosen:
        return
    with recorded_at(_at(review_day, 9)):
        meeting = case_services.council_meeting_create(
            actor=world.admin,
            fund=world.fund,
            held_on=review_day,
            members=world.council,
            note=f"Bedömning av {call.title}",
            today=review_day,
        )
    with recorded_at(_at(review_day, 15)):
        for application in chosen:
            _recommend(world, application, meeting, review_day)
    day = review_day
    with recorded_at(_at(day + dt.timedelta(days=PROPOSED), 9)):
        proposal = case_services.proposal_create(actor=world.admin, call=call)
        proposal = case_services.proposal_update(
            actor=world.admin,
            proposal=proposal,
            summary=f"Rådet rekommenderar {len(chosen)} ansökningar i {call.title}.",
        )
    with recorded_at(_at(day + dt.timedelta(days=SUBMITTED), 16)):
        proposal = case_services.proposal_submit(actor=world.admin, proposal=proposal)
    approved = _at(day + dt.timedelta(days=APPROVED), 11)
    with recorded_at(approved):
        proposal = case_services.proposal_approve(
            actor=world.director, proposal=proposal, at=approved
        )
    board = day + dt.timedelta(days=BOARD)
    recorded = day + dt.timedelta(days=RECORDED)
    decisions = []
    with recorded_at(_at(recorded, 10)):
        for position, item in enumerate(proposal.items.order_by("pk")):
            decisions.append(
                case_services.board_decision_record(
                    actor=world.secretary,
                    item=item,
                    meeting_date=board,
                    paragraph=str(position + 1),
                    board_reference=f"KS {board.year}/{number + 1:03d}-{position + 1:03d}",
                    outcome=BoardOutcome.GRANTED,
                    today=recorded,
                )
            )
    for project in Project.objects.filter(board_decision__in=decisions).order_by("pk"):
        project_rng = random.Random(f"{spec.seed}:project:{project.title}")  # noqa: S311
        unfinished = None
        if project_rng.random() < spec.open_share:
            unfinished = "write" if project_rng.random() < 0.5 else "review"
        run(world, project, today, unfinished=unfinished)


def _recommend(world: World, application: Application, meeting: CouncilMeeting, day) -> None:
    case_services.recommendation_record(
        actor=world.admin,
        application=application,
        meeting=meeting,
        outcome=Outcome.GRANT,
        criteria_met={criterion.value: True for criterion in Criterion},
        years=fund_years(application),
        summary="Rådet rekommenderar att det sökta beloppet beviljas" + GENERATED + ".",
        reasons="Uppfyller fondens kriterier" + GENERATED + ".",
        today=day,
    )


# --- a project's life up to today ---------------------------------------------------------------


def run(world: World, project: Project, today: dt.date, *, unfinished: str | None = None) -> None:
    """The project's steps up to ``today`` in time order, each recorded at its moment; with
    ``unfinished`` ("write" or "review") the final report stops before that step."""
    steps = _steps(world, project, unfinished)
    for moment, _order, action in sorted(steps, key=lambda step: step[:2]):
        if timezone.localdate(moment) > today:
            break
        with recorded_at(moment):
            action()


def _steps(world: World, project: Project, unfinished: str | None) -> list:
    granted = project.board_decision.meeting_date
    started = granted + dt.timedelta(days=STARTED)
    steps: list = []

    def add(day: dt.date, hour: int, action) -> None:
        steps.append((_at(day, hour), len(steps), action))

    add(granted + dt.timedelta(days=NAMED), 9, lambda: _name_manager(world, project))
    add(started, 10, lambda: services.project_activate(actor=world.admin, project=_fresh(project)))
    starts_on, ends_on = project.starts_on, project.ends_on
    for year in range(starts_on.year, ends_on.year + 1):
        earliest = started + dt.timedelta(days=7)
        for quarter, month in enumerate(PAYMENT_MONTHS):
            day = max(dt.date(year, month, 15), earliest)
            add(day, 11, lambda y=year, q=quarter: _pay(world, project, y, q))
            earliest = day
    ends = period_ends(starts_on, ends_on)
    for end in ends:
        due = end + dt.timedelta(days=REPORT_DUE)
        final = end == ends[-1]
        add(
            end + dt.timedelta(days=1),
            6,
            lambda e=end: services.progress_reports_create_due(
                today=e + dt.timedelta(days=1), project=_fresh(project)
            ),
        )
        if final and unfinished == "write":
            continue
        add(due - dt.timedelta(days=2), 10, lambda e=end: _write_and_submit(world, project, e))
        if final and unfinished == "review":
            continue
        add(
            due + dt.timedelta(days=4),
            11,
            lambda e=end: services.progress_report_review(
                actor=world.admin, report=_report(project, e)
            ),
        )
    add(
        ends_on + dt.timedelta(days=12),
        10,
        lambda: services.project_phase_end(actor=world.admin, project=_fresh(project)),
    )
    reclaim.steps(world, project, add)
    return steps


def _fresh(project: Project) -> Project:
    return Project.objects.select_related("registration", "board_decision", "owner").get(
        pk=project.pk
    )


def _name_manager(world: World, project: Project) -> None:
    project = _fresh(project)
    services.project_assign(
        actor=world.admin,
        project=project,
        role=AssignmentRole.MANAGER,
        person=_author(project),
        organisation=project.owner,
    )


def _pay(world: World, project: Project, year: int, quarter: int) -> None:
    """A quarter of the year's budget per recipient each quarter, what is left in the last."""
    project = _fresh(project)
    figures = ledger_figures(project)
    budget = budget_of(project.current_version)
    last = quarter == len(PAYMENT_MONTHS) - 1
    for (budget_year, recipient_id), amount in sorted(budget.items()):
        if budget_year != year:
            continue
        left = amount - figures.paid((year, recipient_id))
        paying = left if last else min(_thousands(amount / len(PAYMENT_MONTHS)), left)
        if paying <= 0:
            continue
        services.disbursement_record(
            actor=world.admin,
            project=project,
            year=year,
            recipient=Organisation.objects.get(pk=recipient_id),
            amount=paying,
            value_date=recording_day(),
            note=f"Utbetalning {quarter + 1} av {len(PAYMENT_MONTHS)} för {year}{GENERATED}",
        )


def _author(project: Project):
    """The project's manager: the person who wrote its idea sketch."""
    return project.application.sketch.created_by


def _report(project: Project, end: dt.date) -> ProgressReport:
    return ProgressReport.objects.select_related("project").get(project=project, period_end=end)


def _write_and_submit(world: World, project: Project, end: dt.date) -> None:
    report = _report(project, end)
    budget = budget_of(report.project.current_version)
    spend = {
        org.pk: _thousands(budget.get((end.year, org.pk), 0) * SPENT_BY[end.month])
        for org in report_recipients(report)
    }
    indicator = report.project.indicators.order_by("pk").first()
    manager = _author(report.project)
    services.progress_report_update(
        actor=manager,
        report=report,
        narrative=f"Arbetet har fortsatt enligt plan under perioden{GENERATED}.",
        deviations="Inga väsentliga avvikelser" + GENERATED + ".",
        risks="Rekrytering" + GENERATED + ".",
        spend=spend,
        values={indicator.pk: Decimal(10 * end.month)} if indicator is not None else None,
    )
    services.progress_report_submit(actor=manager, report=_report(project, end))
