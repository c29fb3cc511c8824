"""The city director's proposal to the board and the board's decisions.

The proposal of a call holds the applications the council recommended for a grant. The fund
administrators prepare it and send it to the city director, who edits amounts, approves it or
sends it back; it is rebuilt from the recommendations each time it is sent. The board secretary
records the board's decision per application; a grant writes the grant (commitment) entry to
the ledger and tells the projects app (``signals.grant_recorded``). When the last decision of
the proposal is recorded, every other application of the call is closed as not proposed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import notifications, signals
from applications.models import (
    GRANT_OUTCOMES,
    Application,
    ApplicationState,
    BoardDecision,
    BoardDecisionYear,
    BoardOutcome,
    Call,
    CallState,
    CouncilRecommendation,
    Outcome,
    Proposal,
    ProposalItem,
    ProposalItemYear,
    ProposalState,
)
from applications.services.applications import _refuse_transition
from applications.services.reviews import check_years
from core import access
from core.errors import DomainError
from core.events import event_record, register_actions, register_value_labels
from core.models import Delegation, EntryKind, Role, User
from core.money import format_kr
from core.selectors import fund_administrators, people_with_role
from core.services.ledger import ledger_entry_record

P = ProposalState
A = ApplicationState
ALLOWED_TRANSITIONS = {
    P.DRAFT: {P.SUBMITTED},
    P.SUBMITTED: {P.APPROVED, P.RETURNED},
    P.RETURNED: {P.SUBMITTED},
    P.APPROVED: {P.DECIDED},
    P.DECIDED: set(),
}
EDITABLE_STATES = {P.DRAFT, P.RETURNED}
BOARD_STATE = {
    BoardOutcome.GRANTED: A.GRANTED,
    BoardOutcome.GRANTED_REDUCED: A.GRANTED,
    BoardOutcome.REJECTED: A.REJECTED,
}
# Still open when the board's decisions on the call are recorded: closed as not proposed.
OPEN_STATES = (A.DRAFT, A.SUBMITTED, A.REVISION_REQUESTED, A.RECOMMENDED)

register_actions(
    {
        "proposal.created": gettext_lazy("Proposal to the board started"),
        "proposal.updated": gettext_lazy("The council's summary changed"),
        "proposal.submitted": gettext_lazy(
            "Sent to the city director (applications: %(count)s, in total %(total)s)"
        ),
        "proposal.amounts_changed": gettext_lazy("Amounts changed: %(changed)s"),
        "proposal.returned": gettext_lazy("Sent back by the city director"),
        "proposal.approved": gettext_lazy("Approved%(capacity)s: %(total)s"),
        "proposal.decided": gettext_lazy("The board's decisions recorded"),
        "board.decided": gettext_lazy(
            "The board's decision %(reference)s: %(decision)s %(amount)s"
        ),
        "application.not_proposed": gettext_lazy("Closed as not proposed"),
    }
)
register_value_labels(
    {
        "capacity": lambda value: str(gettext_lazy(" on delegation")) if value else "",
        "decision": lambda value: (
            str(BoardOutcome(value).label).lower() if value in BoardOutcome.values else value
        ),
    }
)


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call__fund", "approved_by")
        .get(pk=proposal.pk)
    )


def _transition(proposal: Proposal, to: str) -> str:
    if to not in ALLOWED_TRANSITIONS[P(proposal.state)]:
        if to == P.APPROVED and proposal.state in (P.APPROVED, P.DECIDED):
            raise DomainError(
                _("The proposal was already approved by %(name)s on %(date)s.")
                % {
                    "name": proposal.approved_by.full_name if proposal.approved_by else "–",
                    "date": timezone.localdate(proposal.approved_at).isoformat(),
                },
                code="already_approved",
            )
        raise DomainError(
            _("A proposal that is %(state)s cannot become %(to)s.")
            % {"state": proposal.get_state_display().lower(), "to": P(to).label.lower()},
            code="transition",
        )
    return proposal.state


def recommended_for_grant(call: Call):
    return (
        CouncilRecommendation.objects.filter(
            application__call=call,
            application__state=A.RECOMMENDED,
            outcome__in=GRANT_OUTCOMES,
        )
        .select_related("application__registration")
        .prefetch_related("years")
    )


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
    call = Call.objects.select_for_update().get(pk=call.pk)
    existing = Proposal.objects.filter(call=call).first()
    if existing is not None:
        return existing
    if call.state not in (CallState.PUBLISHED, CallState.DECIDED):
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
    proposal = _lock(proposal)
    if proposal.state not in EDITABLE_STATES:
        raise DomainError(
            _("The proposal is %(state)s and cannot be changed by the administrators now.")
            % {"state": proposal.get_state_display().lower()},
            code="not_editable",
        )
    proposal.summary = (summary or "").strip()
    proposal.save(update_fields=["summary"])
    event_record(actor=actor, action="proposal.updated", target=proposal)
    return proposal


def _city_directors() -> list[User]:
    """The city director and the delegates acting today: those who approve proposals."""
    people = list(people_with_role(Role.CITY_DIRECTOR))
    today = timezone.localdate()
    people += [d.delegate for d in Delegation.objects.active_on(today).select_related("delegate")]
    return people


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = _lock(proposal)
    from_state = _transition(proposal, P.SUBMITTED)
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
    notifications.notify(
        "proposal_submitted",
        case=proposal,
        url=notifications.proposal_url(proposal),
        people=_city_directors(),
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
    if proposal.state != P.SUBMITTED:
        if proposal.state in (P.APPROVED, P.DECIDED):
            _transition(proposal, P.APPROVED)  # names who approved it
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
    proposal = _lock(proposal)
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
    proposal = _lock(proposal)
    _refuse_unless_with_director(proposal)
    from_state = _transition(proposal, P.RETURNED)
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
    notifications.notify(
        "proposal_returned",
        case=proposal,
        url=notifications.proposal_url(proposal),
        people=list(fund_administrators()),
        comment=message,
        call=proposal.call.title,
    )
    return proposal


def committed_elsewhere(proposal: Proposal) -> int:
    """Amounts of other approved proposals of the fund whose board decisions are not all
    recorded yet: promised to the board, not yet in the ledger."""
    return (
        ProposalItem.objects.filter(
            proposal__call__fund=proposal.call.fund,
            proposal__state=P.APPROVED,
            decision__isnull=True,
        )
        .exclude(proposal=proposal)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )


@transaction.atomic
def proposal_approve(*, actor: User, proposal: Proposal, at: dt.datetime | None = None) -> Proposal:
    """The city director (or the delegate, "på delegation") approves the proposal. Never above
    what the fund has available for new grants, less what other approved proposals promise."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    capacity = _refuse_unless_director(actor, day)
    fund = proposal.call.fund
    # The fund's row first, as the ledger's writers do, so a grant cannot slip in between.
    type(fund).objects.select_for_update().get(pk=fund.pk)
    proposal = _lock(proposal)
    from_state = _transition(proposal, P.APPROVED)
    total = proposal.items.aggregate(total=Sum("amount"))["total"] or 0
    available = fund.position(day).available
    elsewhere = committed_elsewhere(proposal)
    if total > available - elsewhere:
        raise DomainError(
            _(
                "The proposal (%(total)s) is more than the fund has available for new grants: "
                "%(available)s available on %(date)s, of which %(elsewhere)s is already in "
                "other approved proposals, leaves %(left)s. Lower the amounts or send the "
                "proposal back."
            )
            % {
                "total": format_kr(total),
                "available": format_kr(available),
                "date": day.isoformat(),
                "elsewhere": format_kr(elsewhere),
                "left": format_kr(max(available - elsewhere, 0)),
            },
            code="exceeds_available",
        )
    proposal.state = P.APPROVED
    proposal.approved_at = at
    proposal.approved_by = actor
    proposal.approved_on_delegation = capacity.delegation
    proposal.available_at_approval = available - elsewhere
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
            "total": format_kr(total),
            "capacity": "delegation" if capacity.on_delegation else "",
        },
    )
    notifications.notify(
        "proposal_approved",
        case=proposal,
        url=notifications.proposal_url(proposal),
        people=[*fund_administrators(), *people_with_role(Role.BOARD_SECRETARY)],
        call=proposal.call.title,
    )
    return proposal


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
    proposal = _lock(item.proposal)
    item = ProposalItem.objects.select_related("application__registration").get(pk=item.pk)
    if proposal.state != P.APPROVED:
        raise DomainError(
            _(
                "The application is not in an approved proposal; the board's decision cannot be "
                "recorded before the city director approves it."
            )
            if proposal.state in (P.DRAFT, P.SUBMITTED, P.RETURNED)
            else _("The board's decisions on this proposal have all been recorded."),
            code="not_approved",
        )
    application = Application.objects.select_for_update(of=("self",)).get(pk=item.application_id)
    if BoardDecision.objects.filter(item=item).exists():
        raise DomainError(
            _("The board's decision on %(number)s has already been recorded.")
            % {"number": item.application.registration},
            code="already_decided",
        )
    _refuse_transition(application, BOARD_STATE.get(outcome, A.REJECTED))
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
    from_state = application.state
    application.state = BOARD_STATE[outcome]
    application.save(update_fields=["state"])
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
    notifications.notify(
        "application_granted" if decision.is_grant else "application_rejected",
        case=application,
        url=notifications.application_url(application),
        people=notifications.applicant_people(application),
        emails=[application.contact_email],
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
    from_state = proposal.state
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
        from_state = application.state
        application.state = A.NOT_PROPOSED
        application.closed_at = now
        application.closed_reason = reason
        application.save(update_fields=["state", "closed_at", "closed_reason"])
        event_record(
            actor=actor,
            action="application.not_proposed",
            target=application,
            from_state=from_state,
            to_state=application.state,
            comment=reason,
        )
        notifications.notify(
            "application_not_proposed",
            case=application,
            url=notifications.application_url(application),
            people=notifications.applicant_people(application),
            emails=[application.contact_email],
            comment=reason,
        )
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    # call_decide checks the deadline against the real clock; so does this.
    if call.state == CallState.PUBLISHED and call.application_deadline < timezone.localdate():
        from applications.services.calls import call_decide

        call_decide(actor=actor, call=call)
