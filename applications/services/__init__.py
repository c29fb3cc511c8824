"""Writes. One function per business action, named ``<thing>_<verb>``."""

from .applications import (
    application_attachment_add,
    application_attachment_remove,
    application_create,
    application_request_revision,
    application_submit,
    application_update,
    application_withdraw,
)
from .calls import (
    call_cancel,
    call_create,
    call_decide,
    call_document_add,
    call_document_withdraw,
    call_publish,
    call_update,
)
from .sketches import (
    applicability_decide,
    council_meeting_create,
    idea_sketch_create,
    idea_sketch_submit,
    idea_sketch_update,
    idea_sketch_withdraw,
)

__all__ = [
    "applicability_decide",
    "application_attachment_add",
    "application_attachment_remove",
    "application_create",
    "application_request_revision",
    "application_submit",
    "application_update",
    "application_withdraw",
    "call_cancel",
    "call_create",
    "call_decide",
    "call_document_add",
    "call_document_withdraw",
    "call_publish",
    "call_update",
    "council_meeting_create",
    "idea_sketch_create",
    "idea_sketch_submit",
    "idea_sketch_update",
    "idea_sketch_withdraw",
]
