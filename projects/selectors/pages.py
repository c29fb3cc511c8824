"""The project's pages: the project (all of it, or for a benefiting organisation its summary),
a progress report, a change request, a comparison of two versions, the evaluation. Each reads
its rows once; money figures come from ``projects.money`` (the ledger), plans are labelled as
plans."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models.sketches import split_participants
from core import links
from core.charts import ReferenceLine, Series, line_chart
from core.events import activity_log
from core.models import Comment, LedgerEntry, Organisation
from core.selectors import thread
from core.together import together
from projects import access
from projects.models import (
    AssignmentRole,
    ChangeKind,
    ChangeRequest,
    EvaluationState,
    ExpectedSaving,
    MeasuredSaving,
    ProgressReport,
    Project,
    ProjectAssignment,
    ProjectState,
    ReportIndicatorValue,
    ReportSpend,
    ReportState,
)
from projects.money import budget_of, ledger_figures
from projects.rules import (
    change_refusal,
    change_start_refusal,
    completion_problems,
    disbursement_refusal,
    evaluation_start_refusal,
    release_refusal,
    report_recipients,
    start_refusal,
    submit_problems,
)
from projects.states import CHANGE, EVALUATION, PROJECT, REPORT

S = ProjectState
COUNTED = (ReportState.SUBMITTED, ReportState.REVIEWED)


@dataclass
class MoneyRow:
    year: int
    recipient: Organisation
    budget: int  # a plan
    disbursed: int
    refunded: int
    reported: int | None  # the latest report's spend so far that year (a report, not money)

    @property
    def paid(self) -> int:
        return self.disbursed - self.refunded

    @property
    def left(self) -> int:
        return self.budget - self.paid


def money_rows(project: Project, figures) -> list[MoneyRow]:
    """Per year and recipient: the budget (plan), what the ledger says was disbursed and
    refunded, the latest submitted report's spend, and what is left of the budget."""
    budget = budget_of(project.current_version)
    keys = set(budget) | set(figures.disbursed) | set(figures.refunded)
    keys.discard((None, None))
    organisations = Organisation.objects.in_bulk({recipient for _year, recipient in keys})
    reported: dict[tuple[int, int], int] = {}
    spend = (
        ReportSpend.objects.filter(report__project=project, report__state__in=COUNTED)
        .values_list("report__period_end", "recipient_id", "amount")
        .order_by("report__period_end")
    )
    for period_end, recipient, amount in spend:
        reported[(period_end.year, recipient)] = amount  # the latest report wins
    return [
        MoneyRow(
            year=year,
            recipient=organisations[recipient],
            budget=budget.get((year, recipient), 0),
            disbursed=figures.disbursed.get((year, recipient), 0),
            refunded=figures.refunded.get((year, recipient), 0),
            reported=reported.get((year, recipient)),
        )
        for year, recipient in sorted(keys, key=lambda k: (k[0], organisations[k[1]].name))
    ]


def _indicator_rows(project: Project) -> dict:
    return {
        "indicator_values": ReportIndicatorValue.objects.filter(
            report__project=project, report__state__in=COUNTED
        )
        .select_related("report")
        .order_by("report__period_end"),
        "indicators": project.indicators.all(),
    }


def indicator_charts(project: Project, read: dict | None = None) -> list:
    """Each indicator's baseline and target against the values the submitted reports gave,
    as a chart with its numbers (from ``read`` when the page read the rows with its others)."""
    read = read if read is not None else together(**_indicator_rows(project))
    values = defaultdict(list)
    for value in read["indicator_values"]:
        values[value.indicator_id].append((value.report.period_end, value.value))
    charts = []
    for indicator in read["indicators"]:
        charts.append(
            (
                indicator,
                line_chart(
                    title=f"{indicator.name} ({indicator.unit})",
                    y_label=indicator.unit,
                    series=[Series(_("Reported"), values[indicator.pk])],
                    reference_lines=[
                        ReferenceLine(_("Baseline"), indicator.baseline),
                        ReferenceLine(_("Target"), indicator.target),
                    ],
                ),
            )
        )
    return charts


def _assignments(project: Project):
    return (
        ProjectAssignment.objects.filter(project=project)
        .select_related("person", "organisation")
        .order_by("role", "-valid_from", "-pk")
    )


def people_of(project: Project, assignments: list | None = None) -> dict:
    """The project's people: who holds each part today ("not appointed" when nobody), the
    steering group, and every assignment ever made (the history; read here unless given)."""
    today = timezone.localdate()
    if assignments is None:
        assignments = list(_assignments(project))
    current = [a for a in assignments if a.is_current(today)]

    def holder(role):
        return next((a for a in current if a.role == role), None)

    return {
        "manager": holder(AssignmentRole.MANAGER),
        "deputy": holder(AssignmentRole.DEPUTY),
        "evaluator": holder(AssignmentRole.EVALUATOR),
        "steering": [a for a in current if a.role == AssignmentRole.STEERING],
        "assignments": assignments,
        "today": today,
    }


def project_thread(project: Project, may_comment: bool) -> dict:
    return thread(
        project,
        url=reverse("projects:comment", args=[project.pk]),
        withdraw=lambda comment: reverse(
            "projects:comment_withdraw", args=[project.pk, comment.pk]
        ),
        can_comment=may_comment,
    )


def report_thread(report: ProgressReport, may_comment: bool) -> dict:
    args = [report.project_id, report.pk]
    return thread(
        report,
        url=reverse("projects:report_comment", args=args),
        withdraw=lambda comment: reverse(
            "projects:report_comment_withdraw", args=[*args, comment.pk]
        ),
        can_comment=may_comment,
    )


def evaluation_thread(project, evaluation, organisation, about_choices=(), comments=None) -> dict:
    """The comments on one benefiting organisation's rows (or, without one, the form that
    writes about the rows of ``about_choices``)."""
    found = thread(
        evaluation,
        about=organisation,
        url=reverse("projects:evaluation_comment", args=[project.pk]),
        withdraw=lambda comment: reverse(
            "projects:evaluation_comment_withdraw", args=[project.pk, comment.pk]
        ),
        can_comment=bool(about_choices),
        about_choices=about_choices,
        anchor=f"comments-{organisation.pk}" if organisation else "comments",
        comments=comments,
    )
    if organisation is None:
        found["form_only"] = True  # each organisation's thread is shown apart
    return found


def project_page(user, project: Project) -> dict:
    """The project page, for a reader who sees all of it (``access.view_of`` is FULL)."""
    manage = access.can_manage_projects(user)
    figures = ledger_figures(project)
    today = timezone.localdate()
    # The page's short lists, in one query.
    read = together(
        reports=project.reports.order_by("-period_end"),
        changes=project.changes.select_related("created_by", "result").order_by(
            "-created_at", "-pk"
        ),
        participants=project.participants.select_related("organisation"),
        conditions=project.conditions.select_related("met_by"),
        assignments=_assignments(project),
        savings=ExpectedSaving.objects.filter(version_id=project.current_version_id).select_related(
            "organisation"
        ),
        versions=project.versions.order_by("number"),
        **_indicator_rows(project),
    )
    reports = read["reports"]
    may_comment, _organisation = access.comment_organisation(user, project)
    changes = read["changes"]
    disbursement = disbursement_refusal(project)
    release = release_refusal(project)
    evaluation = getattr(project, "evaluation", None) if hasattr(project, "evaluation") else None
    return {
        "project": project,
        "later_stages": links.later_stages(project.registration_id, "project"),
        **split_participants(read["participants"]),
        "conditions": read["conditions"],
        **people_of(project, read["assignments"]),
        "figures": figures,
        "money": money_rows(project, figures),
        "entries": list(LedgerEntry.objects.for_case(project.registration_id).for_list()),
        "savings": read["savings"],
        "reports": [(report, report.due_on < today and report.state in OPEN) for report in reports],
        "indicators": indicator_charts(project, read),
        "changes": changes,
        "versions": read["versions"],
        "evaluation": evaluation,
        "thread": project_thread(project, may_comment),
        "events": activity_log(project),
        "can_manage": manage,
        "can_assign": access.can_assign(user, project),
        "can_revise": access.can_revise(user, project)
        and change_start_refusal(project, ChangeKind.REVISION) is None,
        "can_request_change": access.can_request_change(user, project)
        and change_start_refusal(project, ChangeKind.CHANGE) is None,
        "can_activate": manage and project.state == S.STARTING,
        "start_refusal": start_refusal(project) if project.state == S.STARTING else None,
        "can_pause": manage and PROJECT.allows(project, S.PAUSED),
        "can_resume": manage and project.state == S.PAUSED,
        "can_cancel": manage and PROJECT.allows(project, S.CANCELLED),
        "can_end_phase": manage and PROJECT.allows(project, S.PHASE_ENDED),
        "can_disburse": manage and disbursement is None,
        "disbursement_refusal": disbursement if manage else None,
        "can_refund": manage and figures.net_paid > 0,
        "can_release": manage and release is None and figures.outstanding > 0,
        "can_evaluate": access.can_evaluate(user, project)
        and (evaluation is not None or evaluation_start_refusal(project) is None),
    }


OPEN = (ReportState.DUE, ReportState.RETURNED)


def summary_page(user, project: Project) -> dict:
    """What a benefiting organisation reads of a project: its summary, its benefits plan's
    rows about the reader's organisations, and a link to the evaluation."""
    own = {org.pk for org in access.benefiting_organisations(user, project)}
    return {
        "project": project,
        "savings": [
            row
            for row in ExpectedSaving.objects.filter(
                version_id=project.current_version_id
            ).select_related("organisation")
            if row.organisation_id in own
        ],
        "has_evaluation": hasattr(project, "evaluation"),
    }


def report_page(user, report: ProgressReport) -> dict:
    """A progress report: what it says, its attachments, what the reader may do."""
    project = report.project
    writes = access.can_report(user, project)
    reviews = access.can_review_reports(user)
    editable = REPORT.is_editable(report)
    return {
        "project": project,
        "report": report,
        "spend": list(report.spend.select_related("recipient")),
        "values": list(report.values.select_related("indicator")),
        "attachments": list(report.attachments.filter(removed_at__isnull=True)),
        "overdue": report.state in OPEN and report.due_on < timezone.localdate(),
        "problems": submit_problems(report) if writes and editable else [],
        "can_edit": writes and editable,
        "can_submit": writes and REPORT.allows(report, ReportState.SUBMITTED),
        "can_review": reviews and REPORT.allows(report, ReportState.REVIEWED),
        "can_return": reviews and REPORT.allows(report, ReportState.RETURNED),
        "thread": report_thread(report, reviews or writes),
    }


def report_form_context(report: ProgressReport) -> dict:
    """What the report's form lays out: the year's recipients and the indicators."""
    return {
        "recipients": report_recipients(report),
        "indicators": list(report.project.indicators.all()),
        "year": report.year,
    }


def change_page(user, change: ChangeRequest) -> dict:
    """A change request: what it proposes against the version it was made from, compared line
    by line, and what the reader may do."""
    from projects.selectors.versions import compare_change

    project = change.project
    owns = (
        access.can_revise(user, project)
        if change.kind == ChangeKind.REVISION
        else access.can_request_change(user, project)
    )
    manage = access.can_manage_projects(user)
    editable = CHANGE.is_editable(change)
    refusal = change_refusal(change) if editable or change.state == "submitted" else None
    return {
        "project": project,
        "change": change,
        "diff": compare_change(change),
        "refusal": refusal,
        "can_edit": owns and editable,
        "can_submit": owns and CHANGE.allows(change, "submitted"),
        "can_withdraw": owns and CHANGE.allows(change, "withdrawn"),
        "can_decide": manage and CHANGE.allows(change, "approved"),
    }


def evaluation_page(user, project: Project) -> dict:
    """The evaluation, with the expected reductions (a plan) next to the measured ones, and
    the benefiting organisations' comments on the rows about them."""
    evaluation = getattr(project, "evaluation", None) if hasattr(project, "evaluation") else None
    expected = defaultdict(int)
    for row in ExpectedSaving.objects.filter(version_id=project.current_version_id):
        expected[(row.organisation_id, row.year)] += row.amount
    measured = (
        list(MeasuredSaving.objects.filter(evaluation=evaluation).select_related("organisation"))
        if evaluation
        else []
    )
    keys = set(expected) | {(row.organisation_id, row.year) for row in measured}
    organisations = Organisation.objects.in_bulk({org for org, _year in keys})
    by_key = {(row.organisation_id, row.year): row for row in measured}
    rows = [
        {
            "organisation": organisations[org],
            "year": year,
            "expected": expected.get((org, year)),
            "measured": by_key.get((org, year)),
        }
        for org, year in sorted(keys, key=lambda k: (organisations[k[0]].name, k[1]))
    ]
    own = access.benefiting_organisations(user, project)
    full = access.view_of(user, project) == access.FULL
    # A benefiting organisation reads the rows about it; the project's own readers read all.
    if not full:
        own_ids = {org.pk for org in own}
        rows = [row for row in rows if row["organisation"].pk in own_ids]
    threads = []
    completed = evaluation is not None and evaluation.state == EvaluationState.COMPLETED
    if completed:
        about = {row["organisation"].pk: row["organisation"] for row in rows}
        by_about = defaultdict(list)
        for comment in Comment.objects.on(evaluation):
            by_about[comment.about_id].append(comment)
        for organisation in sorted(about.values(), key=lambda org: org.name):
            threads.append(
                (
                    organisation,
                    evaluation_thread(
                        project, evaluation, organisation, comments=by_about[organisation.pk]
                    ),
                )
            )
    can_edit = access.can_evaluate(user, project) and (
        (evaluation is None and evaluation_start_refusal(project) is None)
        or (evaluation is not None and EVALUATION.is_editable(evaluation))
    )
    return {
        "project": project,
        "evaluation": evaluation,
        "rows": rows,
        "full": full,
        "attachments": list(evaluation.attachments.filter(removed_at__isnull=True))
        if evaluation
        else [],
        "threads": threads,
        "comment_form": evaluation_thread(
            project,
            evaluation,
            None,
            about_choices=access.evaluation_comment_about(user, project),
            comments=[],
        )
        if completed
        else None,
        "can_edit": can_edit,
        "can_complete": can_edit and evaluation is not None,
        "problems": completion_problems(evaluation) if can_edit and evaluation else [],
    }


def open_projects_of(organisation_id: int):
    """The projects the organisation owns or takes part in that are not closed or cancelled."""
    return (
        Project.objects.filter(
            Q(owner_id=organisation_id) | Q(participants__organisation_id=organisation_id),
            state__in=PROJECT.open_states,
        )
        .distinct()
        .order_by("pk")
    )
