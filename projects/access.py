"""Who may see projects."""

from core import access
from core.models import Role


def can_list_projects(user) -> bool:
    """Those who read every record, council members, the board secretary, and people of an
    organisation (who see its projects)."""
    return access.is_person(user) and (
        access.reads_everything(user)
        or access.has_any_role(user, {Role.COUNCIL_MEMBER, Role.BOARD_SECRETARY})
        or bool(access.organisations_of(user))
    )
