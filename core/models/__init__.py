from .people import (
    Delegation,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)
from .records import AccessibilityReport, Event, IdempotencyKey, OutboundEmail

__all__ = [
    "AccessibilityReport",
    "Delegation",
    "Event",
    "IdempotencyKey",
    "Invitation",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "OutboundEmail",
    "Role",
    "RoleAssignment",
    "User",
]
