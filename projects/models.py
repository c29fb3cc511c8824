"""Funded projects. Here only the minimal record that a board's grant creates (owner, amount,
dates); the projects issue adds assignments, payments, reports and evaluation."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application, BoardDecision
from core.models import Organisation, RegistrationNumber
from core.money import MoneyField


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the granted application (BRIEF.md "Who sees what" for decided
        cases): its organisations, those who read everything, council members not in conflict,
        the board secretary."""
        return self.filter(application__in=Application.objects.visible_to(user).values("pk"))

    def for_list(self):
        return self.select_related("owner", "registration").order_by("-created_at", "-pk")


class Project(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="+", verbose_name=_("application")
    )
    board_decision = models.OneToOneField(
        BoardDecision, on_delete=models.PROTECT, related_name="+", verbose_name=_("board decision")
    )
    registration = models.ForeignKey(
        RegistrationNumber,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registration number"),
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead owner")
    )
    title = models.CharField(_("title"), max_length=200)
    granted_amount = MoneyField(_("granted amount (kr)"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
