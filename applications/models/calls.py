"""Calls (utlysning): a round of the fund with deadlines, guidance documents and a budget.

The state is set by hand (draft -> published -> decided, or cancelled); whether idea sketches
and applications can be submitted follows from the state and the dates. Deadlines are inclusive
days in Europe/Stockholm.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import access
from core.models import Fund, Role, StoredFile
from core.money import MoneyField


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", _("Cancelled")


class DecisionRoute(models.TextChoices):
    OWN_PROPOSAL = "own_proposal", _("The board decides on its own proposal")
    FOUR_MONTH_REPORT = "four_month_report", _("Decided within the four-month report T2")


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Fund administrators see every call; everyone else calls that have been published
        (also when later decided or cancelled)."""
        if access.has_role(user, Role.FUND_ADMIN):
            return self
        return self.filter(published_at__isnull=False)

    def open_for_sketches(self, on: dt.date | None = None):
        """Published calls whose last day for idea sketches has not passed (``Call.sketches_open``
        for one call), soonest deadline first."""
        day = on or timezone.localdate()
        return self.filter(state=CallState.PUBLISHED, idea_sketch_deadline__gte=day).order_by(
            "idea_sketch_deadline", "pk"
        )

    def for_list(self):
        return (
            self.select_related("fund")
            .annotate(
                document_count=Count("documents", filter=Q(documents__withdrawn_at__isnull=True))
            )
            .order_by("-idea_sketch_deadline", "-pk")
        )


class Call(models.Model):
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="calls", verbose_name=_("fund")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    idea_sketch_deadline = models.DateField(_("last day for idea sketches"))
    application_deadline = models.DateField(_("last day for applications"))
    indicative_budget = MoneyField(_("indicative budget (kr)"))
    decision_route = models.CharField(
        _("how the board decides"),
        max_length=32,
        choices=DecisionRoute.choices,
        default=DecisionRoute.OWN_PROPOSAL,
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CallState.choices, default=CallState.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    decided_at = models.DateTimeField(_("marked decided"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    history = HistoricalRecords()
    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-idea_sketch_deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(idea_sketch_deadline__lt=models.F("application_deadline")),
                name="applications_call_deadlines_in_order",
            ),
            models.CheckConstraint(
                condition=Q(indicative_budget__gte=0), name="applications_call_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _today(self, on: dt.date | None) -> dt.date:
        return on or timezone.localdate()

    def sketches_open(self, on: dt.date | None = None) -> bool:
        """Idea sketches can be submitted: published and the day is not past the deadline."""
        return self.state == CallState.PUBLISHED and self._today(on) <= self.idea_sketch_deadline

    def applications_open(self, on: dt.date | None = None) -> bool:
        return self.state == CallState.PUBLISHED and self._today(on) <= self.application_deadline

    def phase(self, on: dt.date | None = None) -> str:
        """A short label of where the call stands on the day, for lists."""
        if self.state != CallState.PUBLISHED:
            return self.get_state_display()
        if self.sketches_open(on):
            return str(_("Open for idea sketches"))
        if self.applications_open(on):
            return str(_("Open for applications"))
        return str(_("Closed, awaiting decision"))


# The fields a fund administrator edits (a published call keeps its fund; see call_update).
CALL_FIELDS = (
    "fund",
    "title",
    "description",
    "idea_sketch_deadline",
    "application_deadline",
    "indicative_budget",
    "decision_route",
)


class CallDocument(StoredFile):
    """A guidance document of a call. Withdrawn rather than deleted."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guidance document")
        verbose_name_plural = _("guidance documents")
        ordering = ["uploaded_at", "pk"]
