from .comments import Comment
from .funds import (
    BASE_KINDS,
    CASE_KINDS,
    HAND_KINDS,
    ORGANISATION_KINDS,
    EntryKind,
    Fund,
    LedgerEntry,
    Position,
    RegistrationNumber,
)
from .organisations import Reorganisation, ReorganisationShare
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
from .records import AccessibilityReport, Event, IdempotencyKey, OutboundEmail, StoredFile

__all__ = [
    "BASE_KINDS",
    "CASE_KINDS",
    "HAND_KINDS",
    "ORGANISATION_KINDS",
    "AccessibilityReport",
    "Comment",
    "Delegation",
    "EntryKind",
    "Event",
    "Fund",
    "IdempotencyKey",
    "Invitation",
    "LedgerEntry",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "OutboundEmail",
    "Position",
    "RegistrationNumber",
    "Reorganisation",
    "ReorganisationShare",
    "Role",
    "RoleAssignment",
    "StoredFile",
    "User",
]
