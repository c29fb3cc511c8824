"""The investment report: one case from its idea sketch to its reclaim, for everyone who may see
the whole project (``reports.access``).

- The decisions with their references: the council's applicability decision and joint
  recommendation, the city director's approval of the proposal, the board's decision, the
  change requests decided and the reclaim plan versions decided.
- Money per year and recipient: the budget (a plan) against what the ledger says was paid and
  refunded up to the value date; the case's ledger position (granted, released, paid,
  outstanding, returned).
- The indicators with their charts, the progress reports, the evaluation with its measured
  savings, the reclaim plan's versions, its decided lines and what became of each.

Never an individual score or a reviewer's name (BRIEF.md "What the city director reads"): the
council appears only as a body. A fixed number of queries whatever the project's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models.sketches import split_participants
from core.models import Position
from core.models.funds import LedgerEntry
from projects.models import ChangeState, Project, ReportState
from projects.money import ledger_figures
from projects.selectors.pages import indicator_charts, money_rows, people_of
from reclaim.models import VersionState
from reclaim.overview import Totals, plan_rows
from reclaim.selectors import grid, plan_of, rules_of
from reports.models import ReportJob
from reports.render import running


@dataclass
class Decision:
    day: dt.date
    what: str
    detail: str
    by: str
    reference: str


@dataclass
class ReportRow:
    report: object
    days_late: int  # on the value date (0: on time or not yet due)


def _day(moment) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _decided_by(person, on_delegation: bool) -> str:
    name = person.full_name if person else ""
    return _("%(name)s (on delegation)") % {"name": name} if on_delegation else name


def _decisions(project: Project) -> list[Decision]:
    application = project.application
    registration = str(project.registration)
    rows: list[Decision] = []
    for decision in application.sketch.decisions.select_related("meeting").order_by("pk"):
        rows.append(
            Decision(
                day=decision.meeting.held_on,
                what=_("Idea sketch: %(outcome)s") % {"outcome": decision.get_outcome_display()},
                detail=decision.reason,
                by=_("The council for social investments"),
                reference=registration,
            )
        )
    recommendation = getattr(application, "recommendation", None)
    if recommendation is not None:
        rows.append(
            Decision(
                day=recommendation.meeting.held_on,
                what=_("The council's recommendation: %(outcome)s")
                % {"outcome": recommendation.get_outcome_display()},
                detail=recommendation.summary,
                by=_("The council for social investments"),
                reference=registration,
            )
        )
    board = project.board_decision
    proposal = board.item.proposal
    if proposal.approved_at:
        by = _decided_by(proposal.approved_by, bool(proposal.approved_on_delegation_id))
        rows.append(
            Decision(
                day=_day(proposal.approved_at),
                what=_("Proposal to the board approved"),
                detail=proposal.call.title,
                by=by,
                reference=registration,
            )
        )
    years = ", ".join(f"{y.year}: {y.amount:,}".replace(",", "\u00a0") for y in board.years.all())
    rows.append(
        Decision(
            day=board.meeting_date,
            what=_("The board's decision: %(outcome)s") % {"outcome": board.get_outcome_display()},
            detail=" ".join(part for part in (years and f"{years} kr.", board.conditions) if part),
            by=_("The city executive board, § %(paragraph)s") % {"paragraph": board.paragraph},
            reference=board.board_reference,
        )
    )
    for change in project.changes.filter(
        state__in=(ChangeState.APPROVED, ChangeState.REJECTED)
    ).select_related("decided_by"):
        rows.append(
            Decision(
                day=_day(change.decided_at),
                what=_("%(kind)s: %(state)s")
                % {"kind": change.get_kind_display(), "state": change.get_state_display()},
                detail=change.decision_reason or change.reason,
                by=change.decided_by.full_name if change.decided_by else "",
                reference=registration,
            )
        )
    return sorted(rows, key=lambda row: row.day or dt.date.min)


def _reclaim_decisions(plan) -> list[Decision]:
    rows = []
    for version in plan.versions.all() if plan else []:
        if not version.decided_at:
            continue
        by = _decided_by(version.decided_by, version.on_delegation)
        rows.append(
            Decision(
                day=_day(version.decided_at),
                what=_("Reclaim plan, version %(number)s: %(state)s")
                % {"number": version.number, "state": version.get_state_display()},
                detail=version.decision_comment or version.reason,
                by=by,
                reference=str(plan.project.registration),
            )
        )
    return rows


def _reports(project: Project, at: dt.date) -> list[ReportRow]:
    rows = []
    for report in project.reports.select_related("submitted_by").order_by("period_end"):
        submitted = _day(report.submitted_at)
        late_until = submitted if submitted else at
        late = report.due_on < at and (submitted is None or submitted > report.due_on)
        rows.append(
            ReportRow(report=report, days_late=(late_until - report.due_on).days if late else 0)
        )
    return rows


def investment_context(job: ReportJob, generated_at: dt.datetime) -> dict:
    today = timezone.localdate()
    at = job.value_date
    project = Project.objects.select_related(
        "owner",
        "registration__fund",
        "current_version",
        "application__sketch",
        "application__recommendation__meeting",
        "board_decision__item__proposal__approved_by",
        "board_decision__item__proposal__call",
    ).get(registration_id=job.case_id)
    position: Position = LedgerEntry.objects.for_case(project.registration_id).position(at)
    figures = ledger_figures(project, at=at)
    money = money_rows(project, figures)
    plan = plan_of(project)
    in_force = (
        next((v for v in plan.versions.all() if v.state == VersionState.APPROVED), None)
        if plan
        else None
    )
    # What became of each line, as of the value date (a job rendered later says the same).
    lines = plan_rows(plan, at) if plan else []
    reclaim = Totals()
    for row in lines:
        reclaim.add(row.line.amount, row.installment, row.overdue)
    line_returned = [
        figures.returned.get((row.line.year, row.line.organisation_id), 0) for row in lines
    ]
    evaluation = getattr(project, "evaluation", None) if hasattr(project, "evaluation") else None
    reports = _reports(project, at)
    decisions = sorted(
        [*_decisions(project), *_reclaim_decisions(plan)], key=lambda row: row.day or dt.date.min
    )
    return {
        "project": project,
        "fund": project.registration.fund,
        "value_date": at,
        "generated_at": generated_at,
        "today": today,
        "title": _("Investment report: %(title)s") % {"title": project.title},
        **split_participants(project.participants.select_related("organisation")),
        "people": people_of(project),
        "decisions": decisions,
        "position": position,
        "money": money,
        "money_total": {
            "budget": sum(row.budget for row in money),
            "disbursed": sum(row.disbursed for row in money),
            "refunded": sum(row.refunded for row in money),
            "paid": sum(row.paid for row in money),
        },
        "indicators": indicator_charts(project),
        "reports": reports,
        "late_count": sum(1 for row in reports if row.days_late),
        "open_count": sum(
            1 for row in reports if row.report.state in (ReportState.DUE, ReportState.RETURNED)
        ),
        "evaluation": evaluation,
        "measured": list(
            evaluation.savings.select_related("organisation").order_by("organisation__name", "year")
        )
        if evaluation
        else [],
        "plan": plan,
        "grid": grid(in_force, rules_of(in_force)) if in_force else None,
        "lines": [(row, line_returned[index]) for index, row in enumerate(lines)],
        "lines_returned": sum(line_returned),
        "returned_elsewhere": position.returned - sum(line_returned),
        "reclaim": reclaim,
        "running": running(
            fund_name=project.registration.fund.name,
            registration=str(project.registration),
            value_date=at,
            generated_at=generated_at,
        ),
    }
