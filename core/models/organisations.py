"""Reorganisations: a recorded decision that an organisation is replaced by successors.

The organisation itself lives in ``people.py`` (memberships point at it). Moving open cases,
projects and reclaim lines to the successors is done by the apps that own them, using the
shares recorded here and the split helper; here the decision and its history.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Organisation


class Reorganisation(models.Model):
    """From ``effective_from`` the organisation's work passes to the successors, in shares that
    sum to 100 %. Its last active day is the day before."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("organisation replaced"),
    )
    effective_from = models.DateField(_("successors take over from"))
    decided_on = models.DateField(_("decided on"))
    decision_reference = models.CharField(_("decision reference"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.effective_from})"


class ReorganisationShare(models.Model):
    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.PROTECT, related_name="shares"
    )
    successor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("successor"),
    )
    percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("successor's share")
        verbose_name_plural = _("successors' shares")
        ordering = ["-percent", "successor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "successor"], name="core_reorganisation_successor_once"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="core_reorganisation_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.successor} {self.percent} %"
