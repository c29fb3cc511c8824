"""Who may see and do what with projects, their progress reports, change requests and
evaluation (BRIEF.md "Who uses it", "Who sees what"). Views call these first; services and
pages never restate them.

- Read: those who may see the granted application (its organisations, those who read
  everything, council members not in conflict, the board secretary) and the people assigned to
  the project read all of it; a benefiting organisation reads its summary and evaluation.
- The owner organisation's staff (applicants of the owner) name the project manager, deputy
  and steering group, and revise budget and benefits plan after a reduced grant.
- The project manager and deputy write the progress reports and change requests.
- Fund administrators check conditions, pay, refund and release, decide change requests,
  name the evaluator and, with the evaluator, record the evaluation; they and the city director
  (or delegate) review progress reports.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from applications.models import Application
from core import access, cases, conflicts
from core.models import Membership, Organisation, Role, User
from projects.models import (
    AssignmentRole,
    ChangeRequest,
    Evaluation,
    ProgressReport,
    Project,
    ProjectAssignment,
)

FULL = "full"
SUMMARY = "summary"


def can_list_projects(user) -> bool:
    """Those who read everything, council members, the board secretary, and people of an
    organisation (who see its projects)."""
    return access.is_person(user) and (
        access.reads_everything(user)
        or access.has_any_role(user, {Role.COUNCIL_MEMBER, Role.BOARD_SECRETARY})
        or bool(access.organisation_ids_of(user))
        or works_on_projects(user)
    )


WORKS_ON_PROJECTS = "projects.works_on_projects"
LEADING = (AssignmentRole.MANAGER, AssignmentRole.DEPUTY, AssignmentRole.EVALUATOR)


def _working(day=None, **match):
    return ProjectAssignment.objects.current(day).filter(role__in=LEADING, **match)


def register_standing() -> None:
    """Whether a person leads or evaluates a project today: read with the person's standing
    (one query per request for the menu and the start page)."""
    access.register_standing_flag(
        WORKS_ON_PROJECTS, lambda day: Exists(_working(day, person_id=OuterRef("pk")))
    )


def works_on_projects(user) -> bool:
    """Leads or evaluates a project today (the start page's "Your projects")."""
    return access.standing_flag(
        user, WORKS_ON_PROJECTS, lambda: _working(person_id=user.pk).exists()
    )


def can_manage_projects(user) -> bool:
    return access.has_role(user, Role.FUND_ADMIN)


def _own_parts(user, project: Project) -> dict[int, str]:
    """The user's organisations that take a part in the project, with the part."""
    parts = conflicts.parts_of(project)
    return {pk: parts[pk] for pk in access.organisation_ids_of(user) if pk in parts}


def is_participant(user, project: Project) -> bool:
    """A member of the owner, a co-owner or a partner."""
    return any(part in conflicts.PARTICIPATING for part in _own_parts(user, project).values())


def view_of(user, project: Project) -> str:
    """What of a project the reader sees (the reader may see it): all of it, or, for a
    benefiting organisation that takes no other part, its summary and evaluation."""
    if access.reads_everything(user) or is_participant(user, project):
        return FULL
    if project.assignments.filter(person_id=user.pk, withdrawn_at__isnull=True).exists():
        return FULL
    if Application.objects.visible_to(user).filter(pk=project.application_id).exists():
        return FULL
    return SUMMARY


def is_owner_staff(user, project: Project) -> bool:
    """The owner organisation's staff: applicants who belong to the owner."""
    return any(org.pk == project.owner_id for org in access.applicant_organisations(user))


def leads(user, project: Project) -> bool:
    """The current project manager or deputy."""
    return (
        ProjectAssignment.objects.current()
        .filter(
            project=project,
            person_id=user.pk,
            role__in=(AssignmentRole.MANAGER, AssignmentRole.DEPUTY),
        )
        .exists()
    )


def can_assign(user, project: Project, role: str | None = None) -> bool:
    """The owner's staff name the project's people; fund administrators name the evaluator
    (effect evaluation is steered centrally)."""
    if role == AssignmentRole.EVALUATOR:
        return can_manage_projects(user)
    if role is None and can_manage_projects(user):
        return True
    return is_owner_staff(user, project)


def assignable_people(user, project: Project):
    """Whom the person may name: fund administrators anyone with an account (the evaluator is
    often from outside); the owner's staff the people of the project's organisations (owner,
    co-owners, partners), never the whole user register."""
    people = User.objects.filter(is_active=True).order_by("full_name")
    if can_manage_projects(user):
        return people
    parts = conflicts.parts_of(project)
    own = [pk for pk, part in parts.items() if part in conflicts.PARTICIPATING]
    members = Membership.objects.active_on(timezone.localdate()).filter(organisation_id__in=own)
    return people.filter(pk__in=members.values("user_id"))


def can_report(user, project: Project) -> bool:
    return leads(user, project)


def can_request_change(user, project: Project) -> bool:
    return leads(user, project)


def can_revise(user, project: Project) -> bool:
    """After a reduced grant the owner revises budget and benefits plan."""
    return is_owner_staff(user, project)


def can_review_reports(user) -> bool:
    """Fund administrators and the city director (or delegate) read, comment, mark reviewed
    and return progress reports."""
    return can_manage_projects(user) or access.city_director_capacity(user) is not None


def can_evaluate(user, project: Project) -> bool:
    """Fund administrators and the project's current evaluator."""
    return can_manage_projects(user) or (
        ProjectAssignment.objects.current()
        .filter(project=project, person_id=user.pk, role=AssignmentRole.EVALUATOR)
        .exists()
    )


def comment_organisation(user, project: Project):
    """Who writes in the project's thread: as for every case (``core.cases``)."""
    return cases.comment_organisation(user, project)


def benefiting_organisations(user, project: Project) -> list:
    """The user's organisations among the project's benefiting organisations: they comment on
    the evaluation's rows about them."""
    parts = conflicts.parts_of(project)
    return [
        org
        for org in access.organisations_of(user)
        if org.pk in parts and _benefits(project, org.pk)
    ]


def evaluation_comment_about(user, project: Project) -> list:
    """Whose evaluation rows the person may comment on: a benefiting organisation its own, a
    fund administrator (who answers) any benefiting organisation's."""
    if can_manage_projects(user):
        from projects.conflicts import benefiting_ids

        return list(Organisation.objects.filter(pk__in=benefiting_ids(project)).order_by("name"))
    return benefiting_organisations(user, project)


def _benefits(project: Project, organisation_id: int) -> bool:
    from projects.conflicts import benefiting_ids

    return organisation_id in benefiting_ids(project)


def get_project_for(user, pk: int, *, full: bool = False, may=None) -> Project:
    """A project the reader may see (404 otherwise); ``full``: a page of the whole project,
    which a benefiting organisation does not see (404); ``may(user, project)``: what the page
    does with it, refused with 403."""
    if not access.is_person(user):
        raise Http404
    project = (
        Project.objects.visible_to(user)
        .select_related(
            "owner",
            "registration__fund",
            "board_decision",
            "application",
            "current_version",
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    if full and view_of(user, project) != FULL:
        raise Http404
    if may is not None and not may(user, project):
        raise PermissionDenied
    return project


def get_report_for(user, project_pk: int, pk: int, *, may=None) -> ProgressReport:
    project = get_project_for(user, project_pk, full=True)
    report = ProgressReport.objects.filter(project=project, pk=pk).first()
    if report is None:
        raise Http404
    report.project = project
    if may is not None and not may(user, project):
        raise PermissionDenied
    return report


def get_change_for(user, project_pk: int, pk: int, *, may=None) -> ChangeRequest:
    project = get_project_for(user, project_pk, full=True)
    change = ChangeRequest.objects.select_related("base").filter(project=project, pk=pk).first()
    if change is None:
        raise Http404
    change.project = project
    if may is not None and not may(user, project):
        raise PermissionDenied
    return change


def get_evaluation_for(user, project_pk: int, *, may=None) -> Evaluation | None:
    """The project's evaluation (or None when none has been started), for everyone who may
    see the project, benefiting organisations included."""
    project = get_project_for(user, project_pk)
    if may is not None and not may(user, project):
        raise PermissionDenied
    evaluation = Evaluation.objects.filter(project=project).first()
    if evaluation is not None:
        evaluation.project = project
    return evaluation
