"""A project's money in the fund's ledger: disbursements per year to each recipient
organisation, refunds of unspent money, and releases of the part of the grant that will never
be paid. Each writes one ledger entry (case: the project's registration number; cause: the
project), checked first against the project's budget (a plan) and what the ledger says was
paid (``projects.money``), then by the ledger's own rules."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record
from core.models import EntryKind, LedgerEntry, Organisation
from core.money import format_kr
from core.services.ledger import fund_lock, ledger_entry_record
from projects.models import Project, ProjectState
from projects.money import budget_of, ledger_figures
from projects.rules import disbursement_refusal, release_refusal
from projects.services.locks import project_lock

S = ProjectState


def _locked(project: Project) -> Project:
    fund_lock(project.registration.fund_id)
    return project_lock(project)


def _check_amount(amount) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise DomainError(_("The amount must be whole kronor, more than 0 kr."), field="amount")


def _check_date(project: Project, value_date: dt.date) -> None:
    granted_on = project.board_decision.meeting_date
    if value_date < granted_on:
        raise DomainError(
            _("Money can move from the board's grant on %(date)s, not before.")
            % {"date": granted_on.isoformat()},
            field="value_date",
        )


def _check_left_of_grant(amount: int, figures) -> None:
    if amount > figures.outstanding:
        raise DomainError(
            _(
                "%(amount)s is more than is left of the grant: granted %(granted)s, paid "
                "%(paid)s, left %(left)s."
            )
            % {
                "amount": format_kr(amount),
                "granted": format_kr(figures.committed),
                "paid": format_kr(figures.net_paid),
                "left": format_kr(max(figures.outstanding, 0)),
            },
            field="amount",
            code="exceeds_grant",
        )


@transaction.atomic
def disbursement_record(
    *,
    actor,
    project: Project,
    year: int,
    recipient: Organisation,
    amount: int,
    value_date: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> LedgerEntry:
    """Pay ``amount`` to ``recipient`` for the budget year ``year``. Refused above what is left
    of that recipient's budget for the year or of the grant (the message shows granted, paid and
    left), on a project that is not running, and before its conditions are met."""
    project = _locked(project)
    refusal = disbursement_refusal(project)
    if refusal is not None:
        raise refusal
    _check_amount(amount)
    _check_date(project, value_date)
    budget = budget_of(project.current_version)
    key = (year, recipient.pk)
    if key not in budget:
        names = sorted({str(org) for org in _budget_recipients(budget, year)})
        raise DomainError(
            _("%(org)s has no budget for %(year)s. The budget for %(year)s names: %(names)s.")
            % {"org": recipient.name, "year": year, "names": ", ".join(names) or "–"}
            if names
            else _("The budget has nothing for %(year)s.") % {"year": year},
            field="recipient",
            code="not_in_budget",
        )
    figures = ledger_figures(project)
    paid = figures.paid(key)
    if amount > budget[key] - paid:
        raise DomainError(
            _(
                "%(amount)s is more than is left for %(org)s in %(year)s: budget %(budget)s, "
                "paid %(paid)s, left %(left)s."
            )
            % {
                "amount": format_kr(amount),
                "org": recipient.name,
                "year": year,
                "budget": format_kr(budget[key]),
                "paid": format_kr(paid),
                "left": format_kr(max(budget[key] - paid, 0)),
            },
            field="amount",
            code="exceeds_budget",
        )
    _check_left_of_grant(amount, figures)
    entry = ledger_entry_record(
        actor=actor,
        fund=project.registration.fund,
        kind=EntryKind.DISBURSEMENT,
        amount=amount,
        value_date=value_date,
        reference=project.board_decision.reference,
        note=(note or "").strip() or project.title,
        case=project.registration,
        organisation=recipient,
        cause=project,
        year=year,
        today=today,
    )
    event_record(
        actor=actor,
        action="project.disbursed",
        target=project,
        data={"amount": format_kr(amount), "organisation": recipient.name, "year": year},
    )
    return entry


def _budget_recipients(budget, year):
    ids = {recipient for (y, recipient) in budget if y == year}
    return Organisation.objects.filter(pk__in=ids).order_by("name")


@transaction.atomic
def refund_record(
    *,
    actor,
    project: Project,
    year: int,
    recipient: Organisation,
    amount: int,
    value_date: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> LedgerEntry:
    """Money paid out but not spent comes back from ``recipient`` (for the budget year
    ``year``): never more than was paid to it for that year, net of earlier refunds."""
    project = _locked(project)
    _check_amount(amount)
    _check_date(project, value_date)
    paid = ledger_figures(project).paid((year, recipient.pk))
    if amount > paid:
        raise DomainError(
            _(
                "%(amount)s is more than %(org)s has been paid for %(year)s (net of refunds: "
                "%(paid)s)."
            )
            % {
                "amount": format_kr(amount),
                "org": recipient.name,
                "year": year,
                "paid": format_kr(paid),
            },
            field="amount",
            code="exceeds_paid",
        )
    entry = ledger_entry_record(
        actor=actor,
        fund=project.registration.fund,
        kind=EntryKind.REFUND,
        amount=amount,
        value_date=value_date,
        reference=project.board_decision.reference,
        note=(note or "").strip() or project.title,
        case=project.registration,
        organisation=recipient,
        cause=project,
        year=year,
        today=today,
    )
    event_record(
        actor=actor,
        action="project.refunded",
        target=project,
        data={"amount": format_kr(amount), "organisation": recipient.name, "year": year},
    )
    return entry


@transaction.atomic
def release_record(
    *,
    actor,
    project: Project,
    amount: int,
    value_date: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> LedgerEntry:
    """The part of the grant that will never be paid goes back to what the fund has available:
    at most what is left (granted - released - paid), once the investment phase has ended or
    the project is cancelled."""
    project = _locked(project)
    refusal = release_refusal(project)
    if refusal is not None:
        raise refusal
    _check_amount(amount)
    _check_date(project, value_date)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the release."), field="reason")
    figures = ledger_figures(project)
    _check_left_of_grant(amount, figures)
    entry = ledger_entry_record(
        actor=actor,
        fund=project.registration.fund,
        kind=EntryKind.RELEASE,
        amount=amount,
        value_date=value_date,
        reference=project.board_decision.reference,
        note=reason,
        case=project.registration,
        cause=project,
        today=today,
    )
    event_record(
        actor=actor,
        action="project.released",
        target=project,
        comment=reason,
        data={"amount": format_kr(amount)},
    )
    return entry
