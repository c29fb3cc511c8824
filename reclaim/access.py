"""Who may do what in reclaim (role questions: ``core.access``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import access
from core.models import Fund, Role


def can_read_policy(user) -> bool:
    """A fund's reclaim rules are no secret: every person with an account reads them (the
    departments that will owe the fund most of all)."""
    return access.is_person(user)


def can_change_policy(user) -> bool:
    """Fund administrators record a change of the rules the city has decided."""
    return access.has_role(user, Role.FUND_ADMIN)


def get_policy_fund_for(viewer, pk: int, *, write: bool = False) -> Fund:
    if not can_read_policy(viewer):
        raise Http404
    try:
        fund = Fund.objects.get(pk=pk)
    except Fund.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_change_policy(viewer):
        raise PermissionDenied
    return fund
