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

from core.models import Fund
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
