"""Reads of this app: the reclaim policy in force for a fund, and (for the start pages) what
the app asks of a person today (nothing yet)."""

from __future__ import annotations

from core.attention import Attention
from core.models import Fund
from reclaim import plans
from reclaim.models import ReclaimPolicy


def attention_for(user) -> list[Attention]:
    """What this app asks of the person today (nothing yet)."""
    return []


def policy_in_force(fund: Fund) -> ReclaimPolicy | None:
    """The fund's latest policy version, or None while its rules are the starting ones."""
    return ReclaimPolicy.objects.filter(fund=fund).order_by("-version").first()


def rules_for(fund: Fund) -> plans.Policy:
    """The rules in force: the latest version, or the defaults with the fund's window."""
    policy = policy_in_force(fund)
    if policy is not None:
        return policy.rules
    return plans.Policy(window_years=fund.reclaim_window_years)


def policy_versions(fund: Fund) -> list[ReclaimPolicy]:
    """Every version, the latest first, with who recorded it."""
    return list(
        ReclaimPolicy.objects.filter(fund=fund).select_related("created_by").order_by("-version")
    )
