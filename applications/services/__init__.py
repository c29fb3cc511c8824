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
from .board import board_decision_record
from .calls import (
    call_cancel,
    call_create,
    call_decide,
    call_document_add,
    call_document_withdraw,
    call_publish,
    call_update,
)
from .proposals import (
    proposal_amounts_update,
    proposal_approve,
    proposal_create,
    proposal_return,
    proposal_submit,
    proposal_update,
)
from .reorganisations import cases_hand_over
from .reviews import (
    application_score,
    recommendation_record,
    review_assign,
    review_declare,
    review_statement_submit,
    review_unassign,
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
    "application_score",
    "application_submit",
    "application_update",
    "application_withdraw",
    "board_decision_record",
    "call_cancel",
    "call_create",
    "call_decide",
    "call_document_add",
    "call_document_withdraw",
    "call_publish",
    "call_update",
    "cases_hand_over",
    "council_meeting_create",
    "idea_sketch_create",
    "idea_sketch_submit",
    "idea_sketch_update",
    "idea_sketch_withdraw",
    "proposal_amounts_update",
    "proposal_approve",
    "proposal_create",
    "proposal_return",
    "proposal_submit",
    "proposal_update",
    "recommendation_record",
    "review_assign",
    "review_declare",
    "review_statement_submit",
    "review_unassign",
]
