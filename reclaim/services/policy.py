"""A fund's reclaim policy: each change a new version, with its reason."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recording_time
from core.models import Fund
from core.services import fund_update
from core.services.ledger import fund_lock
from reclaim import plans
from reclaim.models import MAX_START_OFFSET, ReclaimPolicy
from reclaim.selectors import rules_for


@transaction.atomic
def reclaim_policy_change(
    *,
    actor,
    fund: Fund,
    window_years: int,
    start_offset: int,
    cap_at_net_paid: bool,
    reason: str,
) -> ReclaimPolicy:
    """Record the city's change of the fund's reclaim rules as a new version (plans approved
    from now on store it; approved plans keep theirs). The window's length is also kept on the
    fund, where the applications' benefits plans read it."""
    fund = fund_lock(fund)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the rules change (the city's decision)."), field="reason")
    if not 1 <= window_years <= plans.MAX_WINDOW_YEARS:
        raise DomainError(
            _("The guidelines allow a reclaim period of at most six calendar years."),
            field="window_years",
        )
    if not 0 <= start_offset <= MAX_START_OFFSET:
        raise DomainError(
            _("The first reclaim year is at most %(years)s years after the decision.")
            % {"years": MAX_START_OFFSET},
            field="start_offset",
        )
    rules = plans.Policy(
        window_years=window_years, start_offset=start_offset, cap_at_net_paid=cap_at_net_paid
    )
    if rules == rules_for(fund):
        raise DomainError(
            _("These are the rules already in force: nothing to record."), code="unchanged"
        )
    last = ReclaimPolicy.objects.filter(fund=fund).order_by("-version").first()
    policy = ReclaimPolicy.objects.create(
        fund=fund,
        version=(last.version + 1) if last else 1,
        window_years=window_years,
        start_offset=start_offset,
        cap_at_net_paid=cap_at_net_paid,
        reason=reason,
        created_at=recording_time(),
        created_by=actor,
    )
    if fund.reclaim_window_years != window_years:
        fund_update(actor=actor, fund=fund, reclaim_window_years=window_years)
    event_record(
        actor=actor,
        action="reclaim.policy_changed",
        target=fund,
        comment=reason,
        data={"version": policy.version},
    )
    return policy
