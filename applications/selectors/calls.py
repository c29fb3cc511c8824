"""Reads of calls: the call page."""

from __future__ import annotations

from django.utils import timezone

from applications import access
from applications.models import Call, CallDocument, CallState
from applications.states import CALL
from core.events import activity_log


def call_page(user, call: Call) -> dict:
    """The call page: its guidance documents (withdrawn ones only for those who manage
    calls), its log (for them too), and what the reader may do."""
    manage = access.can_manage_calls(user)
    documents = CallDocument.objects.filter(call=call).select_related("uploaded_by")
    if not manage:
        documents = documents.filter(withdrawn_at__isnull=True)
    return {
        "call": call,
        "documents": documents,
        "events": activity_log(call) if manage else [],
        "today": timezone.localdate(),
        "can_manage": manage,
        "editable": manage and CALL.is_editable(call),
        "can_publish": manage and CALL.allows(call, CallState.PUBLISHED),
        "can_decide": manage and CALL.allows(call, CallState.DECIDED),
        "can_cancel": manage and CALL.allows(call, CallState.CANCELLED),
        "can_start_sketch": call.sketches_open() and access.can_start_sketch(user),
    }
