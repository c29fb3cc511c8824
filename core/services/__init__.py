"""Writes. One function per business action, named ``<thing>_<verb>``."""

from .delegations import delegation_create, delegation_end
from .feedback import accessibility_report_submit
from .mail import email_queue, email_render, outbound_email_send
from .people import (
    invitation_accept,
    invitation_check,
    invitation_resend,
    membership_add,
    membership_end,
    membership_withdraw,
    password_reset_send,
    role_assign,
    role_end,
    role_withdraw,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

__all__ = [
    "accessibility_report_submit",
    "delegation_create",
    "delegation_end",
    "email_queue",
    "email_render",
    "invitation_accept",
    "invitation_check",
    "invitation_resend",
    "membership_add",
    "membership_end",
    "membership_withdraw",
    "outbound_email_send",
    "password_reset_send",
    "role_assign",
    "role_end",
    "role_withdraw",
    "user_deactivate",
    "user_invite",
    "user_reactivate",
    "user_update",
]
