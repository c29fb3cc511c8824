"""Funds and their ledger. Every write locks the fund row, so the rules below are checked
against a ledger that nobody else is changing at the same time.

Rules (checked at the entry's value date and at every later value date, because an entry
counts from its value date on):
- available for new grants never below zero (withdrawals, fund expenses, grants, and
  reversals of injections, releases and returns take from it);
- a case's outstanding commitment never below zero (releases and disbursements take from it);
- a case's net payments never below zero (refunds take from them).
Value dates lie between the fund's start and today: the ledger records what has happened.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recorded_by, recording_time
from core.models import (
    CASE_KINDS,
    HAND_KINDS,
    ORGANISATION_KINDS,
    EntryKind,
    Fund,
    LedgerEntry,
    Organisation,
    RegistrationNumber,
)
from core.models.funds import AVAILABLE, NET_PAID, OUTSTANDING
from core.money import MAX_AMOUNT, format_kr


def fund_lock(fund: Fund | int) -> Fund:
    """Lock the fund's row until the transaction ends, and return it fresh. Every service that
    writes fund money (or decides on the strength of the ledger, as the approval of a proposal)
    takes this lock first, before any case row: one locking order, so writers queue instead of
    deadlocking, and every rule below is checked against a ledger nobody else is changing."""
    return Fund.objects.select_for_update().get(pk=getattr(fund, "pk", fund))


@transaction.atomic
def fund_create(*, actor, **fields) -> Fund:
    fund = Fund(**fields)
    _check_fund_dates(fund)
    if Fund.objects.filter(name__iexact=fund.name).exists():
        raise DomainError(_("There is already a fund with that name."), field="name")
    fund.save()
    event_record(actor=actor, action="fund.created", target=fund, data={"name": fund.name})
    return fund


@transaction.atomic
def fund_update(*, actor, fund: Fund, **fields) -> Fund:
    fund = fund_lock(fund)
    for name, value in fields.items():
        setattr(fund, name, value)
    _check_fund_dates(fund)
    if Fund.objects.filter(name__iexact=fund.name).exclude(pk=fund.pk).exists():
        raise DomainError(_("There is already a fund with that name."), field="name")
    first = fund.ledger.order_by("value_date").values_list("value_date", flat=True).first()
    if first is not None and fund.started_on > first:
        raise DomainError(
            _("The fund's ledger has entries from %(date)s; it cannot start later than that.")
            % {"date": first.isoformat()},
            field="started_on",
        )
    fund.save(update_fields=list(fields))
    event_record(actor=actor, action="fund.updated", target=fund, data={"name": fund.name})
    return fund


def _check_fund_dates(fund: Fund) -> None:
    if fund.financing_ends_on and fund.financing_ends_on < fund.started_on:
        raise DomainError(
            _("Financing cannot end before the fund starts."), field="financing_ends_on"
        )


def _check_value_date(fund: Fund, value_date: dt.date, today: dt.date) -> None:
    if value_date > today:
        raise DomainError(
            _("The value date cannot be in the future: the ledger records what has happened."),
            field="value_date",
        )
    if value_date < fund.started_on:
        raise DomainError(
            _("The value date cannot be before the fund started (%(date)s).")
            % {"date": fund.started_on.isoformat()},
            field="value_date",
        )


def _lowest_from(fund: Fund, value_date: dt.date, weights: dict, case=None) -> int:
    """The lowest value, at ``value_date`` or any later value date, of the figure that
    ``weights`` define over the fund's entries (or only a case's)."""
    changes: dict[dt.date, int] = defaultdict(int)
    entries = LedgerEntry.objects.filter(fund=fund)
    rows = (
        (entries.for_case(case) if case is not None else entries)
        .annotate(reversed_kind=F("reverses__kind"))
        .values_list("kind", "reversed_kind", "amount", "value_date")
    )
    for kind, reversed_kind, amount, day in rows:
        if kind == EntryKind.REVERSAL:
            changes[day] -= weights.get(reversed_kind, 0) * amount
        else:
            changes[day] += weights.get(kind, 0) * amount
    running = sum(change for day, change in changes.items() if day <= value_date)
    lowest = running
    for day in sorted(day for day in changes if day > value_date):
        running += changes[day]
        lowest = min(lowest, running)
    return lowest


def _check_rules(
    *, fund: Fund, kind: str, amount: int, value_date: dt.date, case, sign: int
) -> None:
    """Refuse an entry (sign 1) or a reversal (sign -1) of ``kind`` that would break a rule."""
    effect = AVAILABLE.get(kind, 0) * sign
    if effect < 0:
        available = _lowest_from(fund, value_date, AVAILABLE)
        if amount > available:
            raise DomainError(
                _(
                    "%(amount)s is more than is available for new grants (%(available)s from "
                    "%(date)s on)."
                )
                % {
                    "amount": format_kr(amount),
                    "available": format_kr(max(available, 0)),
                    "date": value_date.isoformat(),
                },
                field="amount",
                code="exceeds_available",
            )
    if case is None:
        return
    if OUTSTANDING.get(kind, 0) * sign < 0:
        outstanding = _lowest_from(fund, value_date, OUTSTANDING, case=case)
        if amount > outstanding:
            raise DomainError(
                _("%(amount)s is more than the case's outstanding commitment (%(outstanding)s).")
                % {"amount": format_kr(amount), "outstanding": format_kr(max(outstanding, 0))},
                field="amount",
                code="exceeds_outstanding",
            )
    if NET_PAID.get(kind, 0) * sign < 0:
        paid = _lowest_from(fund, value_date, NET_PAID, case=case)
        if amount > paid:
            raise DomainError(
                _("%(amount)s is more than has been paid out for the case (%(paid)s).")
                % {"amount": format_kr(amount), "paid": format_kr(max(paid, 0))},
                field="amount",
                code="exceeds_paid",
            )


def _check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(_("The amount must be whole kronor."), field="amount")
    if amount <= 0:
        raise DomainError(_("The amount must be more than 0 kr."), field="amount")
    if amount > MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), field="amount")


@transaction.atomic
def ledger_entry_record(
    *,
    actor,
    fund: Fund,
    kind: str,
    amount: int,
    value_date: dt.date,
    reference: str = "",
    note: str = "",
    case: RegistrationNumber | None = None,
    organisation: Organisation | None = None,
    cause=None,
    year: int | None = None,
    by_hand: bool = False,
    today: dt.date | None = None,
) -> LedgerEntry:
    """Append an entry. ``by_hand``: entered by a fund administrator in the app, which only
    injections, withdrawals and fund expenses may be; the other kinds come from the services
    that cause them (a board decision's grant, a payment's disbursement...)."""
    today = today or timezone.localdate()
    fund = fund_lock(fund)
    if kind == EntryKind.REVERSAL or kind not in EntryKind.values:
        raise DomainError(_("Choose a kind of entry."), field="kind")
    if by_hand and kind not in HAND_KINDS:
        raise DomainError(
            _("Only injections, withdrawals and fund expenses are entered by hand."), field="kind"
        )
    _check_amount(amount)
    _check_value_date(fund, value_date, today)
    if kind in CASE_KINDS and case is None:
        raise DomainError(_("This kind of entry belongs to a case."), field="case")
    if case is not None and case.fund_id != fund.pk:
        raise DomainError(_("The case belongs to another fund."), field="case")
    if kind in ORGANISATION_KINDS and organisation is None:
        raise DomainError(_("Name the organisation paid or paying."), field="organisation")
    if kind in (EntryKind.INJECTION, EntryKind.WITHDRAWAL) and not reference.strip():
        raise DomainError(
            _("Name the decision behind the entry, for example KF 2015-06-15 § 12."),
            field="reference",
        )
    _check_rules(fund=fund, kind=kind, amount=amount, value_date=value_date, case=case, sign=1)
    entry = LedgerEntry.objects.create(
        fund=fund,
        kind=kind,
        amount=amount,
        value_date=value_date,
        recorded_by=recorded_by(actor),
        recorded_at=recording_time(),
        case=case,
        organisation=organisation,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
        year=year,
        reference=reference.strip(),
        note=note.strip(),
    )
    event_record(
        actor=actor,
        action="ledger.recorded",
        target=fund,
        data={"kind": kind, "amount": format_kr(amount), "value_date": value_date.isoformat()},
    )
    return entry


@transaction.atomic
def ledger_entry_reverse(
    *,
    actor,
    entry: LedgerEntry,
    reason: str,
    value_date: dt.date | None = None,
    by_hand: bool = False,
    today: dt.date | None = None,
) -> LedgerEntry:
    """Cancel ``entry`` from ``value_date`` (today by default) on, with a reason. By hand only
    the kinds entered by hand; the services reverse their own kinds."""
    today = today or timezone.localdate()
    value_date = value_date or today
    fund = fund_lock(entry.fund_id)
    entry = LedgerEntry.objects.select_related("reverses").get(pk=entry.pk)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the reversal."), field="reason")
    if entry.kind == EntryKind.REVERSAL:
        raise DomainError(
            _("A reversal cannot be reversed. Enter the original entry again instead."),
            code="reversal_of_reversal",
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been reversed."), code="already_reversed")
    if by_hand and entry.kind not in HAND_KINDS:
        raise DomainError(
            _("This kind of entry is reversed by the step that made it, not by hand."),
            code="not_by_hand",
        )
    _check_value_date(fund, value_date, today)
    if value_date < entry.value_date:
        raise DomainError(
            _("A reversal cannot take effect before the entry it reverses (%(date)s).")
            % {"date": entry.value_date.isoformat()},
            field="value_date",
        )
    _check_rules(
        fund=fund,
        kind=entry.kind,
        amount=entry.amount,
        value_date=value_date,
        case=entry.case,
        sign=-1,
    )
    reversal = LedgerEntry.objects.create(
        fund=fund,
        kind=EntryKind.REVERSAL,
        amount=entry.amount,
        value_date=value_date,
        recorded_by=recorded_by(actor),
        recorded_at=recording_time(),
        case=entry.case,
        organisation=entry.organisation,
        year=entry.year,
        reverses=entry,
        reason=reason.strip(),
    )
    event_record(
        actor=actor,
        action="ledger.reversed",
        target=fund,
        comment=reason.strip(),
        data={
            "kind": entry.kind,
            "amount": format_kr(entry.amount),
            "value_date": value_date.isoformat(),
        },
    )
    return reversal
