"""The board's decisions on the applications of an approved proposal.

The board secretary records the board's decision per application; a grant writes the grant
(commitment) entry to the ledger and tells the projects app (``signals.grant_recorded``). When
the last decision of the proposal is recorded, every other application of the call is closed
as not proposed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notices, signals
from applications.models import (
    Application,
    ApplicationState,
    BoardDecision,
    BoardDecisionYear,
    BoardOutcome,
    CallState,
    Outcome,
    Proposal,
    ProposalItem,
    ProposalState,
)
from applications.services.calls import call_decide
from applications.services.locks import application_lock, call_lock, proposal_lock
from applications.services.to_do import review_tasks_sync
from applications.states import APPLICATION, BOARD_STATE, OPEN_STATES, PROPOSAL
from core.errors import DomainError
from core.events import event_record
from core.models import EntryKind, User
from core.money import check_years, format_kr
from core.notices import notify
from core.services.ledger import fund_lock, ledger_entry_record

P = ProposalState
A = ApplicationState


@transaction.atomic
def board_decision_record(
    *,
    actor: User,
    item: ProposalItem,
    meeting_date: dt.date,
    paragraph: str,
    board_reference: str,
    outcome: str,
    years: dict[int, int] | None = None,
    amount: int | None = None,
    conditions: str = "",
    today: dt.date | None = None,
) -> BoardDecision:
    """Record the board's decision on one application of an approved proposal. Granted: the
    proposed amounts. Granted with a reduced amount: ``amount`` and ``years`` that add up to it,
    less than proposed. A grant writes the grant entry to the ledger (value date: the meeting)."""
    day = today or timezone.localdate()
    # The fund's lock first (a grant writes the ledger), then the proposal's.
    fund_lock(item.proposal.call.fund_id)
    proposal = proposal_lock(item.proposal)
    item = ProposalItem.objects.select_related("application__registration").get(pk=item.pk)
    if not PROPOSAL.allows(proposal, P.DECIDED):
        raise DomainError(
            _(
                "The application is not in an approved proposal; the board's decision cannot be "
                "recorded before the city director approves it."
            )
            if PROPOSAL.reaches(proposal, P.APPROVED)
            else _("The board's decisions on this proposal have all been recorded."),
            code="not_approved",
        )
    application = application_lock(item.application)
    if item.is_decided():
        raise DomainError(
            _("The board's decision on %(number)s has already been recorded.")
            % {"number": item.application.registration},
            code="already_decided",
        )
    from_state = APPLICATION.check(application, BOARD_STATE.get(outcome, A.REJECTED))
    if outcome not in BoardOutcome.values:
        raise DomainError(_("Choose the board's decision."), field="outcome")
    if meeting_date > day:
        raise DomainError(
            _("The board's meeting (%(date)s) has not been held yet.")
            % {"date": meeting_date.isoformat()},
            field="meeting_date",
        )
    if meeting_date < timezone.localdate(proposal.approved_at):
        raise DomainError(
            _("The board met on %(date)s, before the city director approved the proposal.")
            % {"date": meeting_date.isoformat()},
            field="meeting_date",
        )
    paragraph, board_reference = (paragraph or "").strip(), (board_reference or "").strip()
    if not paragraph:
        raise DomainError(_("Give the minute paragraph (§)."), field="paragraph")
    if not board_reference:
        raise DomainError(_("Give the board's registration number."), field="board_reference")
    proposed = {row.year: row.amount for row in item.years.all()}
    if outcome == BoardOutcome.GRANTED:
        years, amount = proposed, item.amount
    elif outcome == BoardOutcome.GRANTED_REDUCED:
        years = {year: value for year, value in (years or {}).items() if value}
        total = check_years(years)
        if not isinstance(amount, int) or amount <= 0:
            raise DomainError(_("Give the reduced amount the board granted."), field="amount")
        if amount >= item.amount:
            raise DomainError(
                _(
                    "A reduced grant must be less than the %(proposed)s proposed; choose granted "
                    "for the whole amount."
                )
                % {"proposed": format_kr(item.amount)},
                field="amount",
            )
        if total != amount:
            raise DomainError(
                _(
                    "The years add up to %(total)s, not to the %(amount)s granted (a difference "
                    "of %(difference)s)."
                )
                % {
                    "total": format_kr(total),
                    "amount": format_kr(amount),
                    "difference": format_kr(abs(amount - total)),
                },
                field="years",
                code="years_total",
            )
    else:
        years, amount = {}, 0
    decision = BoardDecision.objects.create(
        item=item,
        application=application,
        meeting_date=meeting_date,
        paragraph=paragraph,
        board_reference=board_reference,
        outcome=outcome,
        amount=amount,
        conditions=(conditions or "").strip(),
        recorded_by=actor,
    )
    BoardDecisionYear.objects.bulk_create(
        BoardDecisionYear(decision=decision, year=year, amount=value)
        for year, value in sorted(years.items())
    )
    if decision.is_grant:
        decision.grant_entry = ledger_entry_record(
            actor=actor,
            fund=proposal.call.fund,
            kind=EntryKind.GRANT,
            amount=amount,
            value_date=meeting_date,
            reference=decision.reference,
            note=application.title,
            case=application.registration,
            cause=decision,
            today=day,
        )
        decision.save(update_fields=["grant_entry"])
    application.state = BOARD_STATE[outcome]
    application.save(update_fields=["state"])
    review_tasks_sync(application)
    event_record(
        actor=actor,
        action="board.decided",
        target=application,
        from_state=from_state,
        to_state=application.state,
        comment=decision.conditions,
        data={
            "reference": decision.reference,
            "decision": outcome,
            "amount": format_kr(amount) if amount else "",
        },
    )
    notify(
        "application_granted" if decision.is_grant else "application_rejected",
        case=application,
        url=notices.application_url(application),
        **notices.applicant_side(application),
        comment=decision.conditions,
        amount=format_kr(amount),
    )
    if decision.is_grant:
        signals.grant_recorded.send(sender=BoardDecision, decision=decision, actor=actor)
    if not proposal.items.filter(decision__isnull=True).exists():
        _close_call(actor=actor, proposal=proposal, today=day)
    return decision


def _close_call(*, actor: User, proposal: Proposal, today: dt.date) -> None:
    """Every decision of the proposal is recorded: the proposal is decided, and the call's
    other open applications are closed as not proposed, each with its reason."""
    from_state = PROPOSAL.check(proposal, P.DECIDED)
    proposal.state = P.DECIDED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_at"])
    event_record(
        actor=actor,
        action="proposal.decided",
        target=proposal,
        from_state=from_state,
        to_state=proposal.state,
    )
    standard = _("The application was not in the city director's proposal to the board.")
    left = (
        Application.objects.select_for_update(of=("self",))
        .filter(call=proposal.call, state__in=OPEN_STATES, proposal_item__isnull=True)
        .select_related("registration", "recommendation")
        .order_by("pk")
    )
    now = timezone.now()
    for application in left:
        recommendation = getattr(application, "recommendation", None)
        if recommendation is not None and recommendation.outcome == Outcome.REJECT:
            reason = _("%(standard)s The council recommended rejecting it: %(reasons)s") % {
                "standard": standard,
                "reasons": recommendation.reasons,
            }
        elif application.state == A.DRAFT:
            reason = _("%(standard)s It was never submitted.") % {"standard": standard}
        else:
            reason = standard
        from_state = APPLICATION.check(application, A.NOT_PROPOSED)
        application.state = A.NOT_PROPOSED
        application.closed_at = now
        application.closed_reason = reason
        application.save(update_fields=["state", "closed_at", "closed_reason"])
        review_tasks_sync(application)
        event_record(
            actor=actor,
            action="application.not_proposed",
            target=application,
            from_state=from_state,
            to_state=application.state,
            comment=reason,
        )
        notify(
            "application_not_proposed",
            case=application,
            url=notices.application_url(application),
            **notices.applicant_side(application),
            comment=reason,
        )
    call = call_lock(proposal.call)
    # call_decide checks the deadline against the real clock; so does this.
    if call.state == CallState.PUBLISHED and call.application_deadline < timezone.localdate():
        call_decide(actor=actor, call=call)
