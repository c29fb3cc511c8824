"""A project's money: what its budget (a plan) allows each recipient organisation per year,
and what the fund's ledger says was paid, refunded and released. Every figure about money that
moved is read from the ledger's entries of the case (``LedgerEntry.objects.for_case``); the
disbursement, refund and release services check against these same figures, and the project
page shows them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from core.models import EntryKind, LedgerEntry
from projects.models import BudgetLine, Project, ProjectVersion

Key = tuple[int, int]  # (year, recipient organisation id)


@dataclass
class LedgerFigures:
    """The project's sums from the ledger (reversals counted against what they reverse)."""

    granted: int = 0
    released: int = 0
    disbursed: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    refunded: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    returned: dict[Key, int] = field(default_factory=lambda: defaultdict(int))  # reclaim

    def paid(self, key: Key) -> int:
        """Net paid to one recipient for one year: disbursements less refunds."""
        return self.disbursed.get(key, 0) - self.refunded.get(key, 0)

    @property
    def net_paid(self) -> int:
        return sum(self.disbursed.values()) - sum(self.refunded.values())

    @property
    def committed(self) -> int:
        """The grant less what has been released: the most the project can ever be paid."""
        return self.granted - self.released

    @property
    def outstanding(self) -> int:
        """What the fund still owes the project: granted - released - net paid (G - R - P)."""
        return self.committed - self.net_paid


def ledger_figures(project: Project, at=None) -> LedgerFigures:
    """One query over the case's ledger entries (up to the value date ``at``, if given),
    grouped by kind, year and organisation."""
    entries = LedgerEntry.objects.for_case(project.registration_id)
    if at is not None:
        entries = entries.filter(value_date__lte=at)
    rows = (
        entries.annotate(counted_kind=Coalesce(F("reverses__kind"), F("kind")))
        .values("kind", "counted_kind", "year", "organisation_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    figures = LedgerFigures()
    for row in rows:
        sign = -1 if row["kind"] == EntryKind.REVERSAL else 1
        amount = sign * row["total"]
        kind, key = row["counted_kind"], (row["year"], row["organisation_id"])
        if kind == EntryKind.GRANT:
            figures.granted += amount
        elif kind == EntryKind.RELEASE:
            figures.released += amount
        elif kind == EntryKind.DISBURSEMENT:
            figures.disbursed[key] += amount
        elif kind == EntryKind.REFUND:
            figures.refunded[key] += amount
        elif kind == EntryKind.RETURN:
            figures.returned[key] += amount
    return figures


def budget_of(version: ProjectVersion | None) -> dict[Key, int]:
    """The version's budget per year and recipient (summed over uses): a plan."""
    if version is None:
        return {}
    rows = (
        BudgetLine.objects.filter(version=version)
        .values("year", "recipient_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(row["year"], row["recipient_id"]): row["total"] for row in rows}


def lines_by_key(lines) -> dict[Key, int]:
    """Budget lines (or proposed lines) summed per year and recipient."""
    totals: dict[Key, int] = defaultdict(int)
    for line in lines:
        totals[(line.year, line.recipient_id)] += line.amount
    return dict(totals)
