"""Writes of the projects app: one function per business action."""

from .changes import (
    change_request_approve,
    change_request_create,
    change_request_reject,
    change_request_submit,
    change_request_update,
    change_request_withdraw,
)
from .evaluation import evaluation_attachment_add, evaluation_complete, evaluation_update
from .money import disbursement_record, refund_record, release_record
from .people import project_assign, project_assignment_end
from .projects import (
    condition_meet,
    project_activate,
    project_cancel,
    project_close,
    project_create_from_grant,
    project_pause,
    project_phase_end,
    project_reclaim_start,
    project_resume,
)
from .reorganisations import projects_hand_over
from .reports import (
    progress_reminders_send,
    progress_report_return,
    progress_report_review,
    progress_report_submit,
    progress_report_update,
    progress_reports_create_due,
    report_attachment_add,
    report_attachment_remove,
)

__all__ = [
    "change_request_approve",
    "change_request_create",
    "change_request_reject",
    "change_request_submit",
    "change_request_update",
    "change_request_withdraw",
    "condition_meet",
    "disbursement_record",
    "evaluation_attachment_add",
    "evaluation_complete",
    "evaluation_update",
    "progress_reminders_send",
    "progress_report_return",
    "progress_report_review",
    "progress_report_submit",
    "progress_report_update",
    "progress_reports_create_due",
    "project_activate",
    "project_assign",
    "project_assignment_end",
    "project_cancel",
    "project_close",
    "project_create_from_grant",
    "project_pause",
    "project_phase_end",
    "project_reclaim_start",
    "project_resume",
    "projects_hand_over",
    "refund_record",
    "release_record",
    "report_attachment_add",
    "report_attachment_remove",
]
