"""Writes. One function per business action, named ``<thing>_<verb>``."""

from .calls import (
    call_cancel,
    call_create,
    call_decide,
    call_document_add,
    call_document_withdraw,
    call_publish,
    call_update,
)

__all__ = [
    "call_cancel",
    "call_create",
    "call_decide",
    "call_document_add",
    "call_document_withdraw",
    "call_publish",
    "call_update",
]
