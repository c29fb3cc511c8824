"""A project's plans: its budget per year, recipient and use, its benefits plan (expected cost
reductions per organisation and year) and its indicators; and the change requests that revise
them.

Plans are not money: the ledger holds what was paid. Each accepted change makes a new
``ProjectVersion`` with its own budget lines and savings rows, so earlier versions stay as they
were and two versions can be compared; the project points at its current one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from applications.models import CostType
from applications.models.applications import YEAR_VALIDATORS
from core.models import Organisation
from core.money import MoneyField

from .projects import Project


class VersionSource(models.TextChoices):
    GRANT = "grant", _("The board's grant")
    REVISION = "revision", _("Revision after a reduced grant")
    CHANGE = "change", _("Change request")


class ProjectVersion(models.Model):
    """The project's plans as accepted at one moment: period, scope, budget and benefits
    plan. Never changed once made."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("made by"), max_length=16, choices=VersionSource.choices)
    starts_on = models.DateField(_("investment phase starts"), null=True, blank=True)
    ends_on = models.DateField(_("investment phase ends"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    created_at = models.DateTimeField(_("accepted"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("project version")
        verbose_name_plural = _("project versions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="projects_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"


class BudgetLine(models.Model):
    """The fund's money for one recipient organisation, year and use (a plan)."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.PROTECT, related_name="budget")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient organisation"),
    )
    cost_type = models.CharField(_("use"), max_length=16, choices=CostType.choices)
    amount = MoneyField(_("amount (kr)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "recipient__name", "cost_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "year", "recipient", "cost_type"],
                name="projects_budget_line_once",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="projects_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.recipient} {self.amount}"


class ExpectedSaving(models.Model):
    """Expected expenditure reduction for one benefiting organisation in one calendar year
    (the benefits plan: a plan, never ledger money)."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.PROTECT, related_name="savings")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("benefiting organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount = MoneyField(_("expected reduction (kr)"))
    assumptions = models.TextField(_("assumptions and unit costs"), blank=True)

    class Meta:
        verbose_name = _("expected cost reduction")
        verbose_name_plural = _("expected cost reductions")
        ordering = ["year", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "year"], name="projects_expected_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="projects_expected_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class ProjectIndicator(models.Model):
    """An indicator of the evaluation plan: baseline and target, and the values the progress
    reports give over time."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    data_source = models.CharField(_("data source"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    REVISION = "revision", _("Revised budget and benefits plan after a reduced grant")
    CHANGE = "change", _("Change request")


class ChangeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("case", "Withdrawn")


class ChangeRequest(models.Model):
    """A proposed new budget (and, after a reduced grant, benefits plan), end of the
    investment phase or scope, with its reason. Approved, it becomes the project's next
    version."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ChangeState.choices, default=ChangeState.DRAFT
    )
    reason = models.TextField(_("what changes and why"), blank=True)
    ends_on = models.DateField(_("investment phase ends"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # The version the change was made against, and the one its approval made.
    base = models.ForeignKey(ProjectVersion, on_delete=models.PROTECT, related_name="+")
    result = models.OneToOneField(
        ProjectVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="change"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"


class ChangeBudgetLine(models.Model):
    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="budget")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient organisation"),
    )
    cost_type = models.CharField(_("use"), max_length=16, choices=CostType.choices)
    amount = MoneyField(_("amount (kr)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "recipient__name", "cost_type", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="projects_change_budget_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.recipient_id} {self.amount}"


class ChangeSaving(models.Model):
    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="savings")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("benefiting organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount = MoneyField(_("expected reduction (kr)"))
    assumptions = models.TextField(_("assumptions and unit costs"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expected cost reduction")
        verbose_name_plural = _("expected cost reductions")
        ordering = ["year", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="projects_change_saving_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"
