"""Who may do what in reclaim (role questions: ``core.access``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import access
from core.models import Fund, Role
from projects import access as project_access
from reclaim.models import PlanLine, PlanVersion, ReclaimPlan, VersionState


def can_read_policy(user) -> bool:
    """A fund's reclaim rules are no secret: every person with an account reads them (the
    departments that will owe the fund most of all)."""
    return access.is_person(user)


def can_change_policy(user) -> bool:
    """Fund administrators record a change of the rules the city has decided."""
    return access.has_role(user, Role.FUND_ADMIN)


def get_policy_fund_for(viewer, pk: int, *, write: bool = False) -> Fund:
    if not can_read_policy(viewer):
        raise Http404
    try:
        fund = Fund.objects.get(pk=pk)
    except Fund.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_change_policy(viewer):
        raise PermissionDenied
    return fund


# --- Reclaim plans -------------------------------------------------------------------------

FULL, OWN = "full", "own"


def plan_view(user, project) -> str:
    """What of a project's reclaim plan the reader sees (the reader may see the project): all
    of it, or, for a benefiting organisation that takes no other part, its own lines."""
    return FULL if project_access.view_of(user, project) == project_access.FULL else OWN


def own_organisations(user) -> set[int]:
    return set(access.organisation_ids_of(user))


def get_plan_project_for(user, project_pk: int, *, may=None):
    """The project whose reclaim plan is read (404 unless the reader sees the project);
    ``may(user, project)`` refused with 403."""
    return project_access.get_project_for(user, project_pk, may=may)


def can_draft(user) -> bool:
    return access.has_role(user, Role.FUND_ADMIN)


def can_book(user) -> bool:
    return access.has_role(user, Role.FUND_ADMIN)


def can_decide(user) -> bool:
    """The city director, or the delegate during the delegation."""
    return access.city_director_capacity(user) is not None


def get_version_for(project, version_pk: int) -> PlanVersion:
    """A version of the project's plan (404 otherwise); the project was read with
    ``get_plan_project_for``."""
    version = (
        PlanVersion.objects.select_related("plan__project")
        .filter(pk=version_pk, plan__project=project)
        .first()
    )
    if version is None:
        raise Http404
    return version


def get_line_for(project, organisation_pk: int, year: int):
    """The plan and its line in force for the organisation and year (404 when there is none)."""
    plan = ReclaimPlan.objects.filter(project=project).first()
    line = (
        PlanLine.objects.select_related("organisation")
        .filter(
            version__plan=plan,
            version__state=VersionState.APPROVED,
            organisation_id=organisation_pk,
            year=year,
        )
        .first()
        if plan is not None
        else None
    )
    if line is None:
        raise Http404
    return plan, line


def get_plan_for(project) -> ReclaimPlan:
    """The project's reclaim plan (404 while it has none)."""
    plan = ReclaimPlan.objects.filter(project=project).first()
    if plan is None:
        raise Http404
    return plan


# --- Reorganisations --------------------------------------------------------------------------


def can_read_reorganisations(user) -> bool:
    """The city director (or the delegate), who hands over a replaced organisation's open
    lines and cases, and the fund administrators, who follow the plans."""
    return can_decide(user) or can_draft(user)


def get_reorganisation_for(user, pk: int, *, write: bool = False):
    from core.models import Reorganisation

    if not can_read_reorganisations(user):
        raise Http404
    reorganisation = Reorganisation.objects.select_related("organisation").filter(pk=pk).first()
    if reorganisation is None:
        raise Http404
    if write and not can_decide(user):
        raise PermissionDenied
    return reorganisation


# --- Overviews and comments -------------------------------------------------------------------


def can_read_overview(user) -> bool:
    """A fund's reclaim overview: the city director (and the delegate), fund administrators
    and auditors."""
    return access.reads_everything(user)


def can_open_reclaim(user) -> bool:
    """Reclaim's start page: the overview's readers, and the people of organisations (what
    their organisation owes the fund)."""
    return can_read_overview(user) or bool(access.organisation_ids_of(user))


def get_overview_fund_for(user, pk: int) -> Fund:
    if not can_read_overview(user):
        raise Http404
    fund = Fund.objects.filter(pk=pk).first()
    if fund is None:
        raise Http404
    return fund


def comment_about(user, project) -> tuple[list, object]:
    """Whose reclaim lines the reader may comment on, and for which organisation they speak:
    an organisation's people on their own organisation's lines, fund administrators (who
    answer, for the fund) on any line organisation's."""
    from reclaim.selectors import plan_line_organisations

    named = plan_line_organisations(project)
    if can_draft(user):
        return named, None
    own = own_organisations(user)
    mine = [organisation for organisation in named if organisation.pk in own]
    return mine, (mine[0] if mine else None)
