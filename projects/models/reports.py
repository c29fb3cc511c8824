"""Progress reports to the city director, one per period (ending 30 April, 31 August and
31 December) of the investment phase, due a number of days after the period ends (the fund's
``report_due_days``); and the reminders sent about them, each claimed once in the database."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Organisation, StoredFile
from core.money import MoneyField

from .budget import ProjectIndicator
from .projects import Project


class ReportState(models.TextChoices):
    DUE = "due", _("To be written")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for completion")
    REVIEWED = "reviewed", _("Reviewed")


class ProgressReportQuerySet(models.QuerySet):
    def open(self):
        """Still to be submitted: to be written, or returned for completion."""
        return self.filter(state__in=(ReportState.DUE, ReportState.RETURNED))

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)

    def late_on(self, day):
        """Late as the value date ``day`` ended: due before it and not submitted by then (still
        open today, or submitted after ``day``). A report returned for completion counts as
        open whatever the day (when it was returned is in its events, not its row)."""
        end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        return self.filter(due_on__lt=day).filter(
            Q(state__in=(ReportState.DUE, ReportState.RETURNED)) | Q(submitted_at__gte=end)
        )


class ProgressReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.DUE
    )
    narrative = models.TextField(_("what has been done"), blank=True)
    deviations = models.TextField(_("deviations from the plan"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    return_message = models.TextField(_("what to complete"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_end"], name="projects_report_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="projects_report_open")]

    def __str__(self) -> str:
        return f"{self.project} {self.period_end.isoformat()}"

    @property
    def year(self) -> int:
        return self.period_end.year


class ReportSpend(models.Model):
    """Spend to date in the report's year for one recipient organisation."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="spend")
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient organisation"),
    )
    amount = MoneyField(_("spent so far this year (kr)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported spend")
        verbose_name_plural = _("reported spend")
        ordering = ["recipient__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient"], name="projects_spend_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="projects_spend_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.amount}"


class ReportIndicatorValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(ProjectIndicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="projects_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.value}"


class ReportAttachment(StoredFile):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("14 days before the due date")
    DUE = "due", _("On the due date")
    OVERDUE = "overdue", _("Overdue (weekly)")


class ReportReminder(models.Model):
    """A reminder about a report, claimed by inserting this row: the unique key (report, kind,
    day) makes sure two runs of the job never send the same reminder twice."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    on = models.DateField(_("for the day"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["report", "on"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "on"], name="projects_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.on}"
