"""Who may see and change calls (and, with later issues, sketches and applications)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Call, CallDocument
from core import access
from core.models import Role


def can_manage_calls(user) -> bool:
    return access.has_role(user, Role.FUND_ADMIN)


def can_read_calls(user) -> bool:
    """Published calls are announcements to the whole city: every person with an account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def get_call_for(user, pk: int, *, write: bool = False) -> Call:
    if not can_read_calls(user):
        raise Http404
    call = Call.objects.visible_to(user).select_related("fund").filter(pk=pk).first()
    if call is None:
        raise Http404
    if write and not can_manage_calls(user):
        raise PermissionDenied
    return call


def get_call_document_for(user, call_pk: int, pk: int, *, write: bool = False) -> CallDocument:
    call = get_call_for(user, call_pk, write=write)
    document = CallDocument.objects.filter(call=call, pk=pk).first()
    if document is None or (document.withdrawn_at and not can_manage_calls(user)):
        raise Http404
    document.call = call
    return document
