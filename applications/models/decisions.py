"""The city director's proposal to the board for a call, and the board's decision on each
application in it.

A fund administrator prepares the proposal from the council's recommendations and sends it to
the city director, who edits amounts, approves it (never above the fund's available amount) or
sends it back. The board secretary then records the board's decision per application; a grant
writes the grant (commitment) entry to the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import access
from core.models import Delegation, LedgerEntry, Role
from core.money import MoneyField

from .applications import Application
from .calls import Call
from .reviews import CouncilRecommendation, YearAmount


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("With the city director")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved, to the board")
    DECIDED = "decided", _("Decided by the board")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Fund administrators, the city director (and delegate) and auditors see every
        proposal; the board secretary those sent to the city director."""
        if access.reads_everything(user):
            return self
        if access.has_role(user, Role.BOARD_SECRETARY):
            return self.filter(submitted_at__isnull=False)
        return self.none()

    def for_list(self):
        return (
            self.select_related("call__fund")
            .annotate(total=Sum("items__amount"), item_count=models.Count("items"))
            .order_by("-created_at", "-pk")
        )


class Proposal(models.Model):
    """The proposal to the board (tjänsteutlåtande) for one call."""

    call = models.OneToOneField(
        Call, on_delete=models.PROTECT, related_name="proposal", verbose_name=_("call")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    summary = models.TextField(_("the council's summary"), blank=True)
    return_message = models.TextField(_("why it was sent back"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent to the city director"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # Set when a delegate approved "på delegation" from the city director.
    approved_on_delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    available_at_approval = MoneyField(_("available when approved (kr)"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal to the board")
        verbose_name_plural = _("proposals to the board")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Proposal for %(call)s") % {"call": self.call})

    @property
    def title(self) -> str:
        return str(self)


class ProposalItem(models.Model):
    """One application in the proposal, with the amount per year proposed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="items")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="proposal_item"
    )
    recommendation = models.ForeignKey(
        CouncilRecommendation, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("proposed amount (kr)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application in the proposal")
        verbose_name_plural = _("applications in the proposal")
        ordering = ["application__registration__year", "application__registration__sequence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_proposal_item_not_negative"
            )
        ]

    def __str__(self) -> str:
        return str(self.application)

    def is_decided(self) -> bool:
        """The board's decision on this application has been recorded."""
        return BoardDecision.objects.filter(item=self).exists()


class ProposalItemYear(YearAmount):
    item = models.ForeignKey(ProposalItem, on_delete=models.CASCADE, related_name="years")
    history = HistoricalRecords()

    class Meta(YearAmount.Meta):
        constraints = [
            models.UniqueConstraint(fields=["item", "year"], name="applications_item_year_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_item_year_not_negative"
            ),
        ]


class BoardOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    GRANTED_REDUCED = "granted_reduced", _("Granted with a reduced amount")
    REJECTED = "rejected", _("Rejected")


class BoardDecision(models.Model):
    """The board's decision on one application of an approved proposal."""

    item = models.OneToOneField(ProposalItem, on_delete=models.PROTECT, related_name="decision")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="board_decision"
    )
    meeting_date = models.DateField(_("board meeting"))
    paragraph = models.CharField(_("minute paragraph (§)"), max_length=20)
    board_reference = models.CharField(_("the board's registration number"), max_length=60)
    outcome = models.CharField(_("decision"), max_length=20, choices=BoardOutcome.choices)
    amount = MoneyField(_("granted amount (kr)"), default=0)
    conditions = models.TextField(_("conditions"), blank=True)
    grant_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board decision")
        verbose_name_plural = _("board decisions")
        ordering = ["meeting_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_board_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def is_grant(self) -> bool:
        return self.outcome != BoardOutcome.REJECTED

    @property
    def reference(self) -> str:
        return f"KS {self.meeting_date.isoformat()} § {self.paragraph}, {self.board_reference}"


class BoardDecisionYear(YearAmount):
    decision = models.ForeignKey(BoardDecision, on_delete=models.CASCADE, related_name="years")
    history = HistoricalRecords()

    class Meta(YearAmount.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "year"], name="applications_board_year_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_board_year_not_negative"
            ),
        ]
