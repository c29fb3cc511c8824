"""What this app puts on the start page: reports to write and to read, projects to start,
changes to decide, evaluations to record; counts and the first few rows, from the database."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from core import access
from core.attention import DELEGATE, PROJECT_WORK, Attention, counted, counts
from core.models import Role
from projects.access import works_on_projects
from projects.models import (
    AssignmentRole,
    ChangeRequest,
    ChangeState,
    Condition,
    ProgressReport,
    Project,
    ProjectAssignment,
    ProjectState,
    ReportState,
)

FIRST = 5
LEADS = (AssignmentRole.MANAGER, AssignmentRole.DEPUTY)


def _report_item(role: str, report: ProgressReport, today) -> Attention:
    late = report.due_on < today
    return Attention(
        role=role,
        title=(
            _("Overdue progress report: %(title)s") if late else _("Progress report due: %(title)s")
        )
        % {"title": report.project.title},
        url=reverse("projects:report", args=[report.project_id, report.pk]),
        detail=_("Period ending %(period)s, due %(due)s.")
        % {"period": report.period_end.isoformat(), "due": report.due_on.isoformat()},
    )


def _leads_items(user, today) -> list[Attention]:
    led = ProjectAssignment.objects.current(today).filter(person_id=user.pk, role__in=LEADS)
    reports = (
        ProgressReport.objects.open()
        .filter(project__in=led.values("project_id"))
        .select_related("project")
        .order_by("due_on", "pk")
    )
    items = [_report_item(PROJECT_WORK, report, today) for report in reports[:FIRST]]
    evaluating = Project.objects.filter(
        state=ProjectState.PHASE_ENDED,
        pk__in=ProjectAssignment.objects.current(today)
        .filter(person_id=user.pk, role=AssignmentRole.EVALUATOR)
        .values("project_id"),
    ).order_by("ends_on", "pk")[:FIRST]
    items += [
        Attention(
            role=PROJECT_WORK,
            title=_("Record the evaluation of %(title)s") % {"title": project.title},
            url=reverse("projects:evaluation", args=[project.pk]),
        )
        for project in evaluating
    ]
    return items


def _owner_items(user, today) -> list[Attention]:
    own = [org.pk for org in access.applicant_organisations(user)]
    if not own:
        return []
    projects = Project.objects.filter(owner_id__in=own)
    no_manager = projects.filter(
        state__in=(ProjectState.STARTING, ProjectState.ACTIVE, ProjectState.PAUSED)
    ).exclude(
        Exists(
            ProjectAssignment.objects.current(today).filter(
                project=OuterRef("pk"), role=AssignmentRole.MANAGER
            )
        )
    )
    revise = projects.filter(revision_required=True).exclude(
        Exists(ChangeRequest.objects.filter(project=OuterRef("pk"), state=ChangeState.SUBMITTED))
    )
    items = [
        Attention(
            role=Role.APPLICANT,
            title=_("Name the project manager of %(title)s") % {"title": project.title},
            url=reverse("projects:assign", args=[project.pk]),
            detail=_("The project shows “not appointed” until someone is named."),
        )
        for project in no_manager.order_by("-created_at", "-pk")[:FIRST]
    ]
    items += [
        Attention(
            role=Role.APPLICANT,
            title=_("Revise the budget of %(title)s to the reduced grant")
            % {"title": project.title},
            url=reverse("projects:detail", args=[project.pk]),
            detail=_("The fund administrators accept the revision before the first payment."),
        )
        for project in revise.order_by("-created_at", "-pk")[:FIRST]
    ]
    items += counted(
        Role.APPLICANT,
        ProgressReport.objects.overdue(today).filter(project__owner_id__in=own).count(),
        ngettext_lazy(
            "%(count)s overdue progress report in your organisation's projects",
            "%(count)s overdue progress reports in your organisation's projects",
            "count",
        ),
        url=reverse("projects:list"),
        kind="info",
    )
    return items


def _admin_items(today) -> list[Attention]:
    starting = Project.objects.filter(state=ProjectState.STARTING)
    unmet = Condition.objects.filter(project=OuterRef("pk"), met_on__isnull=True)
    conditions, ready, changes, ended, evaluation, overdue, submitted = counts(
        starting.filter(Exists(unmet)),
        starting.filter(revision_required=False).exclude(Exists(unmet)),
        ChangeRequest.objects.filter(state=ChangeState.SUBMITTED),
        Project.objects.filter(state=ProjectState.ACTIVE, ends_on__lt=today),
        Project.objects.filter(state=ProjectState.PHASE_ENDED),
        ProgressReport.objects.overdue(today),
        _submitted(),
    )
    items = counted(
        Role.FUND_ADMIN,
        conditions,
        ngettext_lazy(
            "%(count)s project with conditions to check before the first payment",
            "%(count)s projects with conditions to check before the first payment",
            "count",
        ),
        url=reverse("projects:list") + "?state=starting",
    )
    items += counted(
        Role.FUND_ADMIN,
        ready,
        ngettext_lazy(
            "%(count)s project ready to start",
            "%(count)s projects ready to start",
            "count",
        ),
        url=reverse("projects:list") + "?state=starting",
    )
    items += counted(
        Role.FUND_ADMIN,
        changes,
        ngettext_lazy(
            "%(count)s change request to decide",
            "%(count)s change requests to decide",
            "count",
        ),
        url=reverse("projects:list"),
    )
    items += counted(
        Role.FUND_ADMIN,
        ended,
        ngettext_lazy(
            "%(count)s project whose investment phase has ended: mark it ended",
            "%(count)s projects whose investment phase has ended: mark them ended",
            "count",
        ),
        url=reverse("projects:list") + "?state=active",
    )
    items += counted(
        Role.FUND_ADMIN,
        evaluation,
        ngettext_lazy(
            "%(count)s project waiting for its evaluation",
            "%(count)s projects waiting for their evaluation",
            "count",
        ),
        url=reverse("projects:list") + "?state=phase_ended",
    )
    items += counted(
        Role.FUND_ADMIN,
        overdue,
        ngettext_lazy(
            "%(count)s overdue progress report",
            "%(count)s overdue progress reports",
            "count",
        ),
        url=reverse("projects:list"),
        kind="info",
    )
    return items + _submitted_reports(Role.FUND_ADMIN, submitted)


def _submitted():
    return ProgressReport.objects.filter(state=ReportState.SUBMITTED)


def _submitted_reports(role: str, count: int) -> list[Attention]:
    return counted(
        role,
        count,
        ngettext_lazy(
            "%(count)s progress report to read and review",
            "%(count)s progress reports to read and review",
            "count",
        ),
        url=reverse("projects:list"),
    )


def attention_for(user) -> list[Attention]:
    if not access.is_person(user):
        return []
    today = timezone.localdate()
    roles = access.active_roles(user)
    items: list[Attention] = []
    if works_on_projects(user):
        items += _leads_items(user, today)
    if Role.APPLICANT in roles:
        items += _owner_items(user, today)
    if Role.FUND_ADMIN in roles:
        items += _admin_items(today)
    if Role.CITY_DIRECTOR in roles:
        items += _submitted_reports(Role.CITY_DIRECTOR, _submitted().count())
    elif access.active_delegation_for(user) is not None:
        items += _submitted_reports(DELEGATE, _submitted().count())
    if Role.AUDITOR in roles:
        items.append(
            Attention(
                role=Role.AUDITOR, title=_("Projects"), url=reverse("projects:list"), kind="link"
            )
        )
    return items
