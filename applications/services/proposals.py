"""The city director's proposal to the board.

The proposal of a call holds the applications the council recommended for a grant. The fund
administrators prepare it and send it to the city director, who edits amounts, approves it or
sends it back; it is rebuilt from the recommendations each time it is sent. The board's
decisions on it are recorded in ``board.py``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notices
from applications.models import (
    Call,
    Proposal,
    ProposalItem,
    ProposalItemYear,
    ProposalState,
)
from applications.selectors.proposals import approval_headroom, recommended_for_grant
from applications.services.locks import call_lock, proposal_lock
from applications.states import CALL_WITH_PROPOSAL, PROPOSAL, with_city_director
from core import access
from core.errors import DomainError
from core.events import event_record
from core.models import Role, User
from core.money import check_years, format_kr
from core.notices import notify
from core.selectors import city_director_and_delegates, fund_administrators, people_with_role
from core.services.ledger import fund_lock

P = ProposalState


def _rebuild_items(proposal: Proposal) -> None:
    """The proposal's applications and amounts, taken afresh from the recommendations."""
    for item in proposal.items.all():
        item.years.all().delete()
        item.delete()
    for recommendation in recommended_for_grant(proposal.call):
        item = ProposalItem.objects.create(
            proposal=proposal,
            application=recommendation.application,
            recommendation=recommendation,
            amount=recommendation.amount,
        )
        ProposalItemYear.objects.bulk_create(
            ProposalItemYear(item=item, year=row.year, amount=row.amount)
            for row in recommendation.years.all()
        )


@transaction.atomic
def proposal_create(*, actor: User, call: Call) -> Proposal:
    """Start the call's proposal (a second click opens the one already started)."""
    call = call_lock(call)
    existing = Proposal.objects.filter(call=call).first()
    if existing is not None:
        return existing
    if call.state not in CALL_WITH_PROPOSAL:
        raise DomainError(
            _("A call that is %(state)s has no proposal to the board.")
            % {"state": call.get_state_display().lower()},
            code="call_state",
        )
    if not recommended_for_grant(call).exists():
        raise DomainError(
            _("The council has not recommended any application of the call for a grant yet."),
            code="nothing_recommended",
        )
    proposal = Proposal.objects.create(call=call, created_by=actor)
    _rebuild_items(proposal)
    event_record(actor=actor, action="proposal.created", target=proposal)
    return proposal


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, summary: str) -> Proposal:
    proposal = proposal_lock(proposal)
    PROPOSAL.check_editable(proposal)
    proposal.summary = (summary or "").strip()
    proposal.save(update_fields=["summary"])
    event_record(actor=actor, action="proposal.updated", target=proposal)
    return proposal


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = proposal_lock(proposal)
    from_state = PROPOSAL.check(proposal, P.SUBMITTED)
    if not proposal.summary:
        raise DomainError(_("Write the council's summary first."), field="summary")
    _rebuild_items(proposal)
    total = proposal.items.aggregate(total=Sum("amount"))["total"] or 0
    count = proposal.items.count()
    if not count:
        raise DomainError(
            _("No application is recommended for a grant any longer: there is nothing to propose."),
            code="empty",
        )
    proposal.state = P.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.return_message = ""
    proposal.save(update_fields=["state", "submitted_at", "return_message"])
    event_record(
        actor=actor,
        action="proposal.submitted",
        target=proposal,
        from_state=from_state,
        to_state=proposal.state,
        data={"count": count, "total": format_kr(total)},
    )
    notify(
        "proposal_submitted",
        case=proposal,
        url=notices.proposal_url(proposal),
        people=city_director_and_delegates(),
        call=proposal.call.title,
    )
    return proposal


def _refuse_unless_director(actor: User, day: dt.date | None = None):
    capacity = access.city_director_capacity(actor, day)
    if capacity is None:
        raise DomainError(
            _("Only the city director or the delegate approves a proposal."), code="not_director"
        )
    return capacity


def _refuse_unless_with_director(proposal: Proposal) -> None:
    if not with_city_director(proposal):
        refusal = PROPOSAL.refusal_of(proposal, P.APPROVED)
        if refusal is not None and refusal.code == "already_approved":
            raise refusal  # names who approved it
        raise DomainError(
            _("The proposal is %(state)s, not with the city director.")
            % {"state": proposal.get_state_display().lower()},
            code="transition",
        )


@transaction.atomic
def proposal_amounts_update(
    *, actor: User, proposal: Proposal, amounts: dict[int, dict[int, int]]
) -> Proposal:
    """The city director's (or delegate's) amounts per application and year:
    ``{item_pk: {year: amount}}``. Each application keeps at least something (to leave one
    out, send the proposal back) and never more than was applied for."""
    _refuse_unless_director(actor)
    proposal = proposal_lock(proposal)
    _refuse_unless_with_director(proposal)
    items = {item.pk: item for item in proposal.items.select_related("application")}
    changed = []
    for item_pk, years in amounts.items():
        item = items.get(item_pk)
        if item is None:
            raise DomainError(_("The application is not in this proposal."), code="not_in")
        years = {year: amount for year, amount in years.items() if amount}
        total = check_years(years, field=f"item_{item_pk}")
        requested = item.application.amount_requested or 0
        if not 0 < total <= requested:
            raise DomainError(
                _(
                    "%(number)s: the amount must be more than 0 kr and at most the %(requested)s "
                    "applied for (now %(total)s)."
                )
                % {
                    "number": item.application.registration,
                    "requested": format_kr(requested),
                    "total": format_kr(total),
                },
                field=f"item_{item_pk}",
                code="amount",
            )
        old = {row.year: row.amount for row in item.years.all()}
        if old == years:
            continue
        item.years.all().delete()
        ProposalItemYear.objects.bulk_create(
            ProposalItemYear(item=item, year=year, amount=amount)
            for year, amount in sorted(years.items())
        )
        item.amount = total
        item.save(update_fields=["amount"])
        changed.append(f"{item.application.registration} {format_kr(total)}")
    if changed:
        event_record(
            actor=actor,
            action="proposal.amounts_changed",
            target=proposal,
            data={"changed": ", ".join(changed)},
        )
    return proposal


@transaction.atomic
def proposal_return(*, actor: User, proposal: Proposal, message: str) -> Proposal:
    _refuse_unless_director(actor)
    proposal = proposal_lock(proposal)
    _refuse_unless_with_director(proposal)
    from_state = PROPOSAL.check(proposal, P.RETURNED)
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say why the proposal is sent back."), field="message")
    proposal.state = P.RETURNED
    proposal.return_message = message
    proposal.save(update_fields=["state", "return_message"])
    event_record(
        actor=actor,
        action="proposal.returned",
        target=proposal,
        from_state=from_state,
        to_state=proposal.state,
        comment=message,
    )
    notify(
        "proposal_returned",
        case=proposal,
        url=notices.proposal_url(proposal),
        people=list(fund_administrators()),
        comment=message,
        call=proposal.call.title,
    )
    return proposal


@transaction.atomic
def proposal_approve(*, actor: User, proposal: Proposal, at: dt.datetime | None = None) -> Proposal:
    """The city director (or the delegate, "på delegation") approves the proposal. Never above
    what the fund has available for new grants, less what other approved proposals promise."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    capacity = _refuse_unless_director(actor, day)
    # The fund's lock first, as every writer of fund money takes it, so that no grant slips in
    # between the check and the approval.
    fund_lock(proposal.call.fund_id)
    proposal = proposal_lock(proposal)
    from_state = PROPOSAL.check(proposal, P.APPROVED)
    headroom = approval_headroom(proposal, day)
    if headroom.exceeded:
        raise DomainError(
            _(
                "The proposal (%(total)s) is more than the fund has available for new grants: "
                "%(available)s available on %(date)s, of which %(elsewhere)s is already in "
                "other approved proposals, leaves %(left)s. Lower the amounts or send the "
                "proposal back."
            )
            % {
                "total": format_kr(headroom.total),
                "available": format_kr(headroom.available),
                "date": day.isoformat(),
                "elsewhere": format_kr(headroom.elsewhere),
                "left": format_kr(max(headroom.room, 0)),
            },
            code="exceeds_available",
        )
    proposal.state = P.APPROVED
    proposal.approved_at = at
    proposal.approved_by = actor
    proposal.approved_on_delegation = capacity.delegation
    proposal.available_at_approval = headroom.room
    proposal.save(
        update_fields=[
            "state",
            "approved_at",
            "approved_by",
            "approved_on_delegation",
            "available_at_approval",
        ]
    )
    event_record(
        actor=actor,
        action="proposal.approved",
        target=proposal,
        from_state=from_state,
        to_state=proposal.state,
        data={
            "total": format_kr(headroom.total),
            "capacity": "delegation" if capacity.on_delegation else "",
        },
    )
    notify(
        "proposal_approved",
        case=proposal,
        url=notices.proposal_url(proposal),
        people=[*fund_administrators(), *people_with_role(Role.BOARD_SECRETARY)],
        call=proposal.call.title,
    )
    return proposal
