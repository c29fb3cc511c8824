"""The reclaim app's records. A fund's reclaim policy is versioned (``ReclaimPolicy``): each
change is a new version with its reason, and a reclaim plan stores the version in force when it
is approved. The rules themselves are arithmetic in ``reclaim.plans``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Fund, LedgerEntry, Organisation
from core.money import MoneyField
from reclaim import plans

MAX_START_OFFSET = 3


def start_text(offset: int) -> str:
    """When the window starts, in words (the form's choices and the policy page)."""
    if offset == 0:
        return _("The year of the reclaim decision")
    if offset == 1:
        return _("The first calendar year after the decision")
    return _("%(n)s calendar years after the decision") % {"n": offset}


class ReclaimPolicy(models.Model):
    """One version of a fund's reclaim rules. The window's length comes from the guidelines
    (at most six calendar years); when the window starts and the cap are our defaults, which
    the city may change per fund (BRIEF.md "Money rules")."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"))
    window_years = models.PositiveSmallIntegerField(
        _("reclaim period (years)"),
        validators=[MinValueValidator(1), MaxValueValidator(plans.MAX_WINDOW_YEARS)],
    )
    start_offset = models.PositiveSmallIntegerField(
        _("first reclaim year, counted from the year of the decision"),
        validators=[MaxValueValidator(MAX_START_OFFSET)],
    )
    cap_at_net_paid = models.BooleanField(_("capped at what the project was paid net of refunds"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reclaim policy")
        verbose_name_plural = _("reclaim policies")
        ordering = ["fund", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "version"], name="reclaim_policy_version"),
            models.CheckConstraint(
                condition=models.Q(window_years__gte=1, window_years__lte=plans.MAX_WINDOW_YEARS),
                name="reclaim_policy_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} v{self.version}"

    @property
    def start_text(self) -> str:
        return start_text(self.start_offset)

    @property
    def rules(self) -> plans.Policy:
        return plans.Policy(
            window_years=self.window_years,
            start_offset=self.start_offset,
            cap_at_net_paid=self.cap_at_net_paid,
        )


# --- Reclaim plans ---------------------------------------------------------------------------


class PlanState(models.TextChoices):
    DRAFTING = "drafting", _("Being drafted")
    IN_FORCE = "in_force", _("In force")
    EXEMPT = "exempt", _("Exempt")
    CLOSED = "closed", _("Closed")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Being drafted")
    SUBMITTED = "submitted", _("With the city director")
    APPROVED = "approved", _("Decided")
    SUPERSEDED = "superseded", _("Replaced by a later version")


class ReclaimPlan(models.Model):
    """How the benefiting organisations return a project's savings to the fund: drafted by a
    fund administrator from the evaluation, decided by the city director (or the delegate) as
    versions (``PlanVersion``: the first plan and each yearly adjustment), followed by its
    installments (``Installment``) and, after the last reclaim year, the final budget
    adjustments. Or the whole project is exempt (no economic effects), with the decision's
    reason. Plans are not ledger money: only a booked installment writes a return."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="reclaim_plan"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFTING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The exemption of the whole project, decided by the city director (or the delegate).
    exempt_reason = models.TextField(_("reason for the exemption"), blank=True)
    exempt_at = models.DateTimeField(_("exempted"), null=True, blank=True)
    exempt_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exempted by"),
    )
    exempt_on_delegation = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reclaim plan")
        verbose_name_plural = _("reclaim plans")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.project)


class PlanVersion(models.Model):
    """One version of a plan: its start year and lines. Drafted by a fund administrator,
    submitted to the city director, who approves it (with the policy in force and the cap
    then; above the cap only with the explicit choice and its reason) or sends it back. An
    approved version is frozen; the next approved version supersedes it."""

    plan = models.ForeignKey(ReclaimPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    start_year = models.PositiveSmallIntegerField(_("first reclaim year"))
    reason = models.TextField(_("why this version"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    returned_message = models.TextField(_("sent back because"), blank=True)
    # The decision.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    on_delegation = models.BooleanField(_("on delegation"), default=False)
    decision_comment = models.TextField(_("comment"), blank=True)
    policy = models.ForeignKey(
        ReclaimPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reclaim rules"),
    )
    cap = MoneyField(_("cap"), null=True, blank=True)
    above_cap_reason = models.TextField(_("reason for deciding above the cap"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version of a reclaim plan")
        verbose_name_plural = _("versions of reclaim plans")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="reclaim_version_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state__in=["draft", "submitted"]),
                name="reclaim_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state="approved"),
                name="reclaim_one_version_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanLine(models.Model):
    """What one benefiting organisation returns in one reclaim year under the version (a plan,
    not ledger money)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("benefiting organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = MoneyField(_("amount to return (kr)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reclaim line")
        verbose_name_plural = _("reclaim lines")
        ordering = ["version", "organisation__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "year"], name="reclaim_line_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="reclaim_line_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class InstallmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAIVED = "waived", _("Waived")


class Installment(models.Model):
    """What became of one line of the plan in force: booked (the organisation's budget was
    reduced; a return entry in the ledger at the line's approved amount) or waived with a
    reason. A line without an installment is planned; it is overdue from 1 February of the
    year after its year (``reclaim.plans.is_overdue``)."""

    plan = models.ForeignKey(ReclaimPlan, on_delete=models.PROTECT, related_name="installments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=16, choices=InstallmentState.choices)
    amount = MoneyField(_("amount (kr)"))
    entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["plan", "year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "year"], name="reclaim_installment_once"
            ),
            models.CheckConstraint(
                condition=models.Q(state="waived") | models.Q(entry__isnull=False),
                name="reclaim_booked_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class BudgetAdjustment(models.Model):
    """After the last reclaim year: the permanent change to one organisation's ordinary budget
    frame (signed, in kronor), with the decision's reference. Not ledger money, and it does
    not count against the cap."""

    plan = models.ForeignKey(ReclaimPlan, on_delete=models.PROTECT, related_name="adjustments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    amount = models.BigIntegerField(_("change of the budget frame (kr)"))
    reference = models.CharField(_("decision"), max_length=200)
    decided_on = models.DateField(_("decided"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("final budget adjustment")
        verbose_name_plural = _("final budget adjustments")
        ordering = ["plan", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"], name="reclaim_adjustment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.amount}"


class FollowUp(models.Model):
    """The yearly follow-up: the verified actual reduction in one organisation in one reclaim
    year, recorded by a fund administrator next to the plan (information, not ledger money; a
    different amount to return needs an adjustment of the plan)."""

    plan = models.ForeignKey(ReclaimPlan, on_delete=models.PROTECT, related_name="follow_ups")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = MoneyField(_("verified actual reduction (kr)"))
    note = models.TextField(_("basis"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verified actual reduction")
        verbose_name_plural = _("verified actual reductions")
        ordering = ["plan", "year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "year"], name="reclaim_follow_up_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="reclaim_follow_up_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"
