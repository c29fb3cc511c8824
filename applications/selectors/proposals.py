"""Reads of proposals to the board: what the council recommended, the approval headroom, and
the proposal page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Sum
from django.utils import timezone

from applications import access
from applications.models import (
    GRANT_OUTCOMES,
    Application,
    ApplicationState,
    BoardDecision,
    Call,
    CouncilRecommendation,
    Proposal,
    ProposalItem,
    ProposalState,
)
from applications.states import PROPOSAL
from core.events import activity_log


def recommended_for_grant(call: Call):
    """The recommendations for a grant of the call's applications still recommended: what the
    proposal is built from."""
    return (
        CouncilRecommendation.objects.filter(
            application__call=call,
            application__state=ApplicationState.RECOMMENDED,
            outcome__in=GRANT_OUTCOMES,
        )
        .select_related("application__registration")
        .prefetch_related("years")
    )


def calls_ready_for_proposal():
    """Calls whose council has recommended a grant and which have no proposal yet."""
    return Call.objects.filter(
        proposal__isnull=True,
        applications__state=ApplicationState.RECOMMENDED,
        applications__recommendation__outcome__in=GRANT_OUTCOMES,
    ).distinct()


def committed_elsewhere(proposal: Proposal) -> int:
    """Amounts of other approved proposals of the fund whose board decisions are not all
    recorded yet: promised to the board, not yet in the ledger."""
    return (
        ProposalItem.objects.filter(
            proposal__call__fund=proposal.call.fund,
            proposal__state=ProposalState.APPROVED,
            decision__isnull=True,
        )
        .exclude(proposal=proposal)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )


@dataclass(frozen=True)
class Headroom:
    """What a proposal may take from the fund on a day (BRIEF: never above the available
    amount): the ledger's available amount, less what other approved proposals still promise
    to the board, against the proposal's total."""

    available: int  # the ledger's available amount on the day
    elsewhere: int  # in other approved proposals, not yet decided by the board
    total: int  # this proposal

    @property
    def room(self) -> int:
        return self.available - self.elsewhere

    @property
    def left(self) -> int:
        return self.room - self.total

    @property
    def exceeded(self) -> bool:
        return self.total > self.room


def approval_headroom(proposal: Proposal, day: dt.date, *, total: int | None = None) -> Headroom:
    """The one rule for how much a proposal may be approved for (the approval service refuses
    above it; the proposal page shows it). ``total``: the proposal's, when already summed."""
    if total is None:
        total = proposal.items.aggregate(total=Sum("amount"))["total"] or 0
    return Headroom(
        available=proposal.call.fund.position(day).available,
        elsewhere=committed_elsewhere(proposal),
        total=total,
    )


def proposal_items(proposal: Proposal) -> list[ProposalItem]:
    """The proposal's applications with their amounts per year, recommendations and the
    board's decisions; ``year_list`` on each item."""
    items = list(
        proposal.items.select_related(
            "application__registration", "application__owner", "recommendation__meeting"
        ).prefetch_related(
            "years",
            Prefetch(
                "decision",
                queryset=BoardDecision.objects.select_related("recorded_by").prefetch_related(
                    "years"
                ),
            ),
        )
    )
    for item in items:
        item.year_list = [row.year for row in item.years.all()]
    return items


def not_proposed(user, proposal: Proposal, items: list[ProposalItem]) -> list:
    """The call's other submitted applications the reader may see (never drafts: they will be
    closed as not proposed), each with the council's recommendation or None (two queries)."""
    others = list(
        Application.objects.visible_to(user)
        .filter(call=proposal.call, current_version__gt=0)
        .exclude(pk__in=[item.application_id for item in items])
        .select_related("registration", "owner")
        .order_by("registration__year", "registration__sequence", "pk")
    )
    recommendations = {
        r.application_id: r
        for r in CouncilRecommendation.objects.filter(application__in=others).only(
            "application_id", "outcome"
        )
    }
    return [(application, recommendations.get(application.pk)) for application in others]


def proposal_page(user, proposal: Proposal) -> dict:
    """The proposal page: its applications and amounts, the fund's headroom today, the call's
    other submitted applications the reader may see (never drafts: they will be closed as not
    proposed), the log, and what the reader may do."""
    items = proposal_items(proposal)
    total = sum(item.amount for item in items)
    headroom = approval_headroom(proposal, timezone.localdate(), total=total)
    others = not_proposed(user, proposal, items)
    manage = access.can_manage_cases(user)
    return {
        "proposal": proposal,
        "items": items,
        "total": total,
        "years": sorted({year for item in items for year in item.year_list}),
        "headroom": headroom,
        "before_approval": PROPOSAL.reaches(proposal, ProposalState.APPROVED),
        "others": others,
        "events": activity_log(proposal),
        "can_edit": manage and PROPOSAL.is_editable(proposal),
        "can_submit": manage and PROPOSAL.allows(proposal, ProposalState.SUBMITTED),
        "can_decide_as_director": access.can_approve_proposals(user)
        and PROPOSAL.allows(proposal, ProposalState.APPROVED),
        "can_record": access.can_record_board_decisions(user)
        and PROPOSAL.allows(proposal, ProposalState.DECIDED),
    }
