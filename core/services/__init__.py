"""Writes. One function per business action, named ``<thing>_<verb>``."""

from .comments import comment_add, comment_withdraw
from .delegations import delegation_create, delegation_end
from .feedback import accessibility_report_submit
from .ledger import fund_create, fund_update, ledger_entry_record, ledger_entry_reverse
from .mail import email_queue, email_render, outbound_email_send
from .organisations import organisation_create, organisation_update, reorganisation_record
from .registration import registration_number_allocate, registration_number_describe
from .roles import (
    membership_add,
    membership_end,
    membership_withdraw,
    role_assign,
    role_end,
    role_withdraw,
)
from .users import (
    invitation_accept,
    invitation_check,
    invitation_resend,
    password_reset_send,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

__all__ = [
    "accessibility_report_submit",
    "comment_add",
    "comment_withdraw",
    "delegation_create",
    "delegation_end",
    "email_queue",
    "email_render",
    "fund_create",
    "fund_update",
    "invitation_accept",
    "invitation_check",
    "invitation_resend",
    "ledger_entry_record",
    "ledger_entry_reverse",
    "membership_add",
    "membership_end",
    "membership_withdraw",
    "organisation_create",
    "organisation_update",
    "outbound_email_send",
    "password_reset_send",
    "registration_number_allocate",
    "registration_number_describe",
    "reorganisation_record",
    "role_assign",
    "role_end",
    "role_withdraw",
    "user_deactivate",
    "user_invite",
    "user_reactivate",
    "user_update",
]
