"""Report jobs: a PDF asked for in the browser, rendered by a worker, kept for download.

A job is a document's record (STYLE.md "PDFs are documents"): its kind and parameters, who asked,
its state (queued, running, done, failed), progress, the error people read, the stored file and
its checksum, and the times of each step. Delivery is tracked apart from the state: ``sent_at``
says the job reached the broker; a job never sent (the broker was down) is sent again by the
sweep. A worker holds a running job by a lease (``claim`` and ``claimed_until``), renewed while
it renders; a lease that ran out means the worker died, and the sweep queues the job again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Fund, RegistrationNumber


class ReportKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Portfolio report")
    INVESTMENT = "investment", _("Investment report")
    RECLAIM_DECISION = "reclaim_decision", _("Reclaim decision")
    BOARD_PROPOSAL = "board_proposal", _("Board proposal")
    YEARLY = "yearly", _("Yearly report to the board")


# The kinds about one case: the job names the case, whose registration number heads the pages.
CASE_KINDS = frozenset({ReportKind.INVESTMENT, ReportKind.RECLAIM_DECISION})


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being produced")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Stage(models.TextChoices):
    """What a running job is doing, for the job page."""

    WAITING = "", _("Waiting for a worker")
    READING = "reading", _("Reading the figures")
    LAYOUT = "layout", _("Laying out the pages")
    WRITING = "writing", _("Writing the PDF")
    SAVING = "saving", _("Saving the file")


class ReportJobQuerySet(models.QuerySet):
    def of(self, user):
        """The reports a person asked for, newest first."""
        return (
            self.filter(requester=user)
            .select_related("fund", "case")
            .order_by("-created_at", "-pk")
        )

    def unfinished(self):
        return self.filter(state__in=(JobState.QUEUED, JobState.RUNNING))


class ReportJob(models.Model):
    kind = models.CharField(_("report"), max_length=32, choices=ReportKind.choices)
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    case = models.ForeignKey(
        RegistrationNumber,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    value_date = models.DateField(_("as of"))
    parameters = models.JSONField(_("other parameters"), default=dict, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    stage = models.CharField(_("step"), max_length=16, choices=Stage.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    # Delivery to the broker: when it was last handed over, how often it was tried, and why
    # the last try failed (empty once it succeeded).
    sent_at = models.DateTimeField(_("sent to the workers"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.CharField(max_length=500, blank=True)
    # The lease of the worker rendering it.
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    render_seconds = models.FloatField(_("render time (s)"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="report_job_requester"),
            models.Index(
                fields=["state", "claimed_until"],
                name="report_job_unfinished",
                condition=models.Q(state__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        if self.case_id:
            return f"{self.get_kind_display()} {self.case}{self.version_text}"
        if self.kind == ReportKind.YEARLY:
            return f"{self.get_kind_display()}{self.year_text}"
        return f"{self.get_kind_display()} {self.value_date:%Y-%m-%d}"

    @property
    def year_text(self) -> str:
        """ " 2025" for a yearly report."""
        year = (self.parameters or {}).get("year")
        return f" {year}" if year else ""

    @property
    def version_text(self) -> str:
        """ ", version 2" for a reclaim decision (the plan version it records)."""
        version = (self.parameters or {}).get("version_number")
        return _(", version %(number)s") % {"number": version} if version else ""

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def waits_for_broker(self) -> bool:
        """Queued but never handed to the workers: the broker could not be reached."""
        return self.state == JobState.QUEUED and self.sent_at is None and self.send_attempts > 0

    @property
    def file_name(self) -> str:
        if self.case_id:
            case = str(self.case).replace(" ", "-").replace("/", "-")
            version = (self.parameters or {}).get("version_number")
            suffix = f"-v{version}" if version else ""
            return f"{self.kind}-{case}{suffix}-{self.value_date:%Y-%m-%d}-{self.pk}.pdf"
        if self.kind == ReportKind.YEARLY:
            return f"{self.kind}-{self.parameters.get('year')}-{self.pk}.pdf"
        return f"{self.kind}-{self.value_date:%Y-%m-%d}-{self.pk}.pdf"
