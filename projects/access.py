"""Who may see projects."""

from django.http import Http404

from core import access
from core.models import Role
from projects.models import Project


def can_list_projects(user) -> bool:
    """Those who read every record, council members, the board secretary, and people of an
    organisation (who see its projects)."""
    return access.is_person(user) and (
        access.reads_everything(user)
        or access.has_any_role(user, {Role.COUNCIL_MEMBER, Role.BOARD_SECRETARY})
        or bool(access.organisation_ids_of(user))
    )


def get_project_for(user, pk: int) -> Project:
    """A project, for whoever may see its granted application (``Project.objects.visible_to``);
    missing or not theirs: 404."""
    if not access.is_person(user):
        raise Http404
    project = (
        Project.objects.visible_to(user)
        .select_related("owner", "registration", "board_decision", "application")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project
