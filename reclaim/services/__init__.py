"""Writes of the reclaim app, one function per business action."""

from reclaim.services.installments import (
    budget_adjustment_record,
    follow_up_record,
    installment_book,
    installment_waive,
    reclaim_exempt,
    reclaim_plan_close,
)
from reclaim.services.plans import (
    plan_adjustment_start,
    plan_version_approve,
    plan_version_fit,
    plan_version_return,
    plan_version_submit,
    plan_version_update,
    reclaim_plan_draft,
)
from reclaim.services.policy import reclaim_policy_change
from reclaim.services.reorganisations import reorganisation_handle

__all__ = [
    "budget_adjustment_record",
    "follow_up_record",
    "installment_book",
    "installment_waive",
    "plan_adjustment_start",
    "plan_version_approve",
    "plan_version_fit",
    "plan_version_return",
    "plan_version_submit",
    "plan_version_update",
    "reclaim_exempt",
    "reclaim_plan_close",
    "reclaim_plan_draft",
    "reclaim_policy_change",
    "reorganisation_handle",
]
