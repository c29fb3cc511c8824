"""Funds, the append-only ledger that is the only source of fund money figures, and the
registration numbers (diarienummer) of cases.

Identities (BRIEF.md "Money rules"), up to any value date:
I = injections - withdrawals, G = grants, R = releases, P = disbursements - refunds,
E = fund expenses, T = returns;
balance = I - P - E + T; outstanding commitments = G - R - P; available = I - G + R - E + T.
A reversal cancels the entry it names from its own value date on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.money import MoneyField

from .people import Organisation


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    registration_series = models.CharField(
        _("registration series"),
        max_length=10,
        default="SIF",
        validators=[
            RegexValidator(
                r"^[A-ZÅÄÖ]{2,10}$",
                _("Use 2-10 capital letters, for example SIF."),
            )
        ],
        help_text=_("Prefix of the cases' registration numbers, as in SIF 2026/0007."),
    )
    started_on = models.DateField(_("started"))
    financing_ends_on = models.DateField(_("financing ends"), null=True, blank=True)
    # The first knob of the reclaim policy; the reclaim issue adds the policy proper.
    reclaim_window_years = models.PositiveSmallIntegerField(
        _("reclaim period (years)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("At most six calendar years under the guidelines."),
    )
    # How long a project may run: an application plans at most this many calendar years.
    max_project_years = models.PositiveSmallIntegerField(
        _("longest project (years)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("An application may plan at most this many calendar years."),
    )
    # Progress reports of projects are due this many days after each period ends.
    report_due_days = models.PositiveSmallIntegerField(
        _("progress reports due (days after the period)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Periods end on 30 April, 31 August and 31 December."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(financing_ends_on__isnull=True)
                | Q(financing_ends_on__gte=models.F("started_on")),
                name="core_fund_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def position(self, at: dt.date | None = None) -> Position:
        """The fund's position at the end of the value date ``at`` (today by default)."""
        return LedgerEntry.objects.filter(fund=self).position(at or timezone.localdate())


class EntryKind(models.TextChoices):
    INJECTION = "injection", _("Injection")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    GRANT = "grant", _("Grant (commitment)")
    RELEASE = "release", _("Release")
    DISBURSEMENT = "disbursement", _("Disbursement")
    REFUND = "refund", _("Refund")
    FUND_EXPENSE = "fund_expense", _("Fund expense")
    RETURN = "return", _("Return")
    REVERSAL = "reversal", _("Reversal")


# Entered by fund administrators in the app; the other kinds only by the services that cause them.
HAND_KINDS = (EntryKind.INJECTION, EntryKind.WITHDRAWAL, EntryKind.FUND_EXPENSE)
# Kinds that belong to a case (a project's money), and kinds paid to or by an organisation.
CASE_KINDS = (
    EntryKind.GRANT,
    EntryKind.RELEASE,
    EntryKind.DISBURSEMENT,
    EntryKind.REFUND,
    EntryKind.RETURN,
)
ORGANISATION_KINDS = (EntryKind.DISBURSEMENT, EntryKind.REFUND, EntryKind.RETURN)
BASE_KINDS = [kind for kind in EntryKind if kind != EntryKind.REVERSAL]

# The brief's identities, written once as how one krona of each kind moves each figure (a
# reversal moves it back). The positions compute them from these; the ledger's guards check
# them on every later value date with the same weights.
# balance = I - P - E + T
BALANCE = {
    EntryKind.INJECTION: 1,
    EntryKind.WITHDRAWAL: -1,
    EntryKind.DISBURSEMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.FUND_EXPENSE: -1,
    EntryKind.RETURN: 1,
}
# outstanding commitments = G - R - P
OUTSTANDING = {
    EntryKind.GRANT: 1,
    EntryKind.RELEASE: -1,
    EntryKind.DISBURSEMENT: -1,
    EntryKind.REFUND: 1,
}
# available for new grants = I - G + R - E + T (= balance - outstanding)
AVAILABLE = {
    kind: BALANCE.get(kind, 0) - OUTSTANDING.get(kind, 0)
    for kind in BASE_KINDS
    if BALANCE.get(kind, 0) != OUTSTANDING.get(kind, 0)
}
# net payments to a case = P
NET_PAID = {EntryKind.DISBURSEMENT: 1, EntryKind.REFUND: -1}


@dataclass(frozen=True)
class Position:
    """Sums up to a value date, and the identities built from them (whole kronor)."""

    at: dt.date
    injected: int = 0
    withdrawn: int = 0
    granted: int = 0
    released: int = 0
    disbursed: int = 0
    refunded: int = 0
    expenses: int = 0
    returned: int = 0

    def figure(self, weights: dict[str, int]) -> int:
        """A figure defined by how one krona of each kind moves it (``AVAILABLE``...)."""
        return sum(
            weight * getattr(self, _POSITION_FIELDS[kind]) for kind, weight in weights.items()
        )

    @property
    def I(self) -> int:  # noqa: E743 - the brief's letters
        return self.injected - self.withdrawn

    @property
    def G(self) -> int:
        return self.granted

    @property
    def R(self) -> int:
        return self.released

    @property
    def P(self) -> int:
        return self.disbursed - self.refunded

    @property
    def E(self) -> int:
        return self.expenses

    @property
    def T(self) -> int:
        return self.returned

    @property
    def balance(self) -> int:
        return self.figure(BALANCE)

    @property
    def outstanding(self) -> int:
        return self.figure(OUTSTANDING)

    @property
    def available(self) -> int:
        return self.figure(AVAILABLE)


_POSITION_FIELDS = {
    EntryKind.INJECTION: "injected",
    EntryKind.WITHDRAWAL: "withdrawn",
    EntryKind.GRANT: "granted",
    EntryKind.RELEASE: "released",
    EntryKind.DISBURSEMENT: "disbursed",
    EntryKind.REFUND: "refunded",
    EntryKind.FUND_EXPENSE: "expenses",
    EntryKind.RETURN: "returned",
}


class LedgerQuerySet(models.QuerySet):
    @staticmethod
    def _sums() -> dict:
        """Every kind's sum, less the reversals of that kind."""
        sums = {}
        for kind, name in _POSITION_FIELDS.items():
            sums[f"{name}_plus"] = Coalesce(Sum("amount", filter=Q(kind=kind)), Value(0))
            sums[f"{name}_minus"] = Coalesce(
                Sum("amount", filter=Q(kind=EntryKind.REVERSAL, reverses__kind=kind)), Value(0)
            )
        return sums

    @staticmethod
    def _position(at: dt.date, totals: dict) -> Position:
        return Position(
            at=at,
            **{
                name: totals[f"{name}_plus"] - totals[f"{name}_minus"]
                for name in _POSITION_FIELDS.values()
            },
        )

    def position(self, at: dt.date) -> Position:
        """One query: the position of these entries at the end of the value date ``at``."""
        return self._position(at, self.filter(value_date__lte=at).aggregate(**self._sums()))

    def positions_by_fund(self, at: dt.date) -> dict[int, Position]:
        """One query for every fund's position (funds without entries are absent)."""
        rows = self.filter(value_date__lte=at).order_by().values("fund_id").annotate(**self._sums())
        return {row["fund_id"]: self._position(at, row) for row in rows}

    def positions_by_year(self, at: dt.date) -> list[Position]:
        """One query: the position at the end of each calendar year up to ``at``, the last one
        at ``at`` itself (years without entries included, from the first entry's year)."""
        rows = {
            row["year_of"]: self._position(at, row)
            for row in self.filter(value_date__lte=at)
            .order_by()
            .values(year_of=ExtractYear("value_date"))
            .annotate(**self._sums())
        }
        if not rows:
            return []
        positions, running = [], dict.fromkeys(_POSITION_FIELDS.values(), 0)
        for year in range(min(rows), at.year + 1):
            if year in rows:
                for name in running:
                    running[name] += getattr(rows[year], name)
            end = at if year == at.year else dt.date(year, 12, 31)
            positions.append(Position(at=end, **running))
        return positions

    def movements_by_month(self, year: int, until: dt.date) -> dict[int, Position]:
        """One query: what moved in each month of ``year`` up to ``until`` (each kind's sum by
        the entries' value dates, reversals in the month they were made; months without
        entries absent). Read as movements: a "balance" here is the month's change of it."""
        rows = (
            self.filter(value_date__year=year, value_date__lte=until)
            .order_by()
            .values(month_of=ExtractMonth("value_date"))
            .annotate(**self._sums())
        )
        return {row["month_of"]: self._position(until, row) for row in rows}

    def movements_by_case(self, since: dt.date, until: dt.date) -> dict[int, Position]:
        """One query: what moved for each case from ``since`` to ``until`` (both included)."""
        rows = (
            self.filter(value_date__gte=since, value_date__lte=until, case__isnull=False)
            .order_by()
            .values("case_id")
            .annotate(**self._sums())
        )
        return {row["case_id"]: self._position(until, row) for row in rows}

    def positions_by_case(self, at: dt.date) -> dict[int, Position]:
        """One query: each case's sums up to ``at`` (grants, releases, payments, refunds and
        returns; a case's figures of the fund-wide kinds stay 0)."""
        rows = (
            self.filter(value_date__lte=at, case__isnull=False)
            .order_by()
            .values("case_id")
            .annotate(**self._sums())
        )
        return {row["case_id"]: self._position(at, row) for row in rows}

    def matching(self, *, kind: str = "", date_from=None, date_to=None):
        """The ledger filter: kind and a range of value dates, each optional."""
        entries = self
        if kind:
            entries = entries.filter(kind=kind)
        if date_from:
            entries = entries.filter(value_date__gte=date_from)
        if date_to:
            entries = entries.filter(value_date__lte=date_to)
        return entries

    def for_case(self, registration):
        """The entries of one case (its grant, payments, refunds, releases, returns)."""
        return self.filter(case=registration)

    def caused_by(self, obj):
        """The entries that ``obj`` (a board decision, a disbursement...) wrote."""
        return self.filter(cause_type=ContentType.objects.get_for_model(obj), cause_id=obj.pk)

    def for_list(self):
        return self.select_related(
            "case", "organisation", "recorded_by", "reverses", "reversed_by"
        ).order_by("-value_date", "-recorded_at", "-pk")


class LedgerEntry(models.Model):
    """One movement of fund money. Never changed or deleted (a database trigger refuses it):
    a mistake is corrected by a reversal that names the entry and gives a reason."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = MoneyField(_("amount (kr)"))
    value_date = models.DateField(_("value date"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    case = models.ForeignKey(
        "core.RegistrationNumber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("case"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("organisation"),
    )
    # What caused the entry (a board decision, a payment...), named generically so that core
    # never points into the apps above it.
    cause_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    cause = GenericForeignKey("cause_type", "cause_id")
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    # The calendar year the money concerns: a project's budget year for a disbursement or a
    # refund, a reclaim year for a return (blank for the fund's own entries).
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    reference = models.CharField(_("decision or reference"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("reason for the reversal"), blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-value_date", "-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["fund", "value_date"]),
            # A fund's ledger list, newest first.
            models.Index(
                fields=["fund", "-value_date", "-recorded_at", "-id"], name="core_ledger_list"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="core_ledger_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False) & ~Q(reason=""))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="core_ledger_reversal_names_entry_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(cause_type__isnull=True, cause_id__isnull=True)
                | Q(cause_type__isnull=False, cause_id__isnull=False),
                name="core_ledger_cause_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value_date} {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only: record a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only: record a reversal instead.")


_NUMBER = re.compile(r"\s*([A-Za-zÅÄÖåäö]{2,10})\s*(\d{4})\s*/\s*(\d{1,6})\s*")


class RegistrationNumberQuerySet(models.QuerySet):
    def search(self, text: str):
        """By subject or counterpart, or by number (``SIF 2026/0007``, ``sif 2026/7``)."""
        text = (text or "").strip()
        if not text:
            return self
        match = Q(subject__icontains=text) | Q(counterpart__name__icontains=text)
        number = _NUMBER.fullmatch(text)
        if number:
            series, year, sequence = number.groups()
            match |= Q(series__iexact=series, year=int(year), sequence=int(sequence))
        return self.filter(match)

    def for_register(self):
        return self.select_related("fund", "counterpart").order_by("-year", "-sequence", "series")


class RegistrationNumber(models.Model):
    """A case's registration number, e.g. ``SIF 2026/0007``: unique and gap-free per series
    and year, given when an idea sketch is first submitted and kept for the case's life."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="registration_numbers")
    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    allocated_at = models.DateTimeField(_("registered"), default=timezone.now)
    counterpart = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterpart"),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # The case the number belongs to (an idea sketch, later the same case's application...).
    case_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    case_object = GenericForeignKey("case_type", "case_id")

    history = HistoricalRecords()
    objects = RegistrationNumberQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration number")
        verbose_name_plural = _("registration numbers")
        ordering = ["-year", "-sequence"]
        # The register's order (``for_register``).
        indexes = [
            models.Index(fields=["-year", "-sequence", "series"], name="core_register_order")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="core_registration_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="core_registration_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}/{self.sequence:04d}"

    @property
    def registered_on(self) -> dt.date:
        return timezone.localdate(self.allocated_at)
