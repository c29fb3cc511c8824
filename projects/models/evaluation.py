"""The evaluation of a project when its investment phase has ended: design, results, observed
effects, the measured expenditure reduction per benefiting organisation and calendar year (next
to the benefits plan's expected figures), the counterfactual assumptions and whether the project
gave economic effects. The reclaim plan is drafted from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import EvaluationDesign
from applications.models.applications import YEAR_VALIDATORS
from core.models import Organisation, StoredFile
from core.money import MoneyField

from .projects import Project


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("Being written")
    COMPLETED = "completed", _("Completed")


class Evaluation(models.Model):
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="evaluation")
    state = models.CharField(
        _("state"), max_length=16, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    design = models.CharField(
        _("evaluation design"), max_length=20, choices=EvaluationDesign.choices, blank=True
    )
    design_text = models.TextField(_("evaluation design, described"), blank=True)
    results = models.TextField(_("results"), blank=True)
    observed_effects = models.TextField(
        _("effects observed, and in which organisations"), blank=True
    )
    counterfactual = models.TextField(
        _("assumptions about what would have happened without the project"), blank=True
    )
    economic_effects = models.BooleanField(_("the project gave economic effects"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.project)


class MeasuredSaving(models.Model):
    """The expenditure reduction the evaluation found in one benefiting organisation in one
    calendar year (what the reclaim plan is drafted from; not ledger money)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="savings")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("benefiting organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount = MoneyField(_("measured reduction (kr)"))
    evidence = models.TextField(_("evidence and assumptions"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measured cost reduction")
        verbose_name_plural = _("measured cost reductions")
        ordering = ["organisation__name", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "organisation", "year"], name="projects_measured_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="projects_measured_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class EvaluationAttachment(StoredFile):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
