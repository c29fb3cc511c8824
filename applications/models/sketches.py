"""Idea sketches (idéskiss) and the council's applicability decisions on them.

A sketch is written by an applicant organisation (the lead owner), possibly with co-owners (city
organisations) and partners (city or non-profit). It gets the case's registration number when it
is first submitted; the council then judges it applicable (the owner may apply), not applicable
(final) or returns it for completion (it keeps its number and can be submitted again).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.cases import CaseQuerySet
from core.models import Organisation, RegistrationNumber
from core.money import MoneyField

from .calls import Call


class SketchState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting the council")
    RETURNED = "returned", _("Returned for completion")
    APPLICABLE = "applicable", _("Applicable")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    WITHDRAWN = "withdrawn", pgettext_lazy("case", "Withdrawn")


class ParticipantRole(models.TextChoices):
    CO_OWNER = "co_owner", _("Co-owner")
    PARTNER = "partner", _("Partner")


def split_participants(participants) -> dict[str, list[Organisation]]:
    """Co-owners and partners of a case, from its participant rows (with their organisation
    loaded): for pages that show both."""
    rows = list(participants)
    return {
        "co_owners": [p.organisation for p in rows if p.role == ParticipantRole.CO_OWNER],
        "partners": [p.organisation for p in rows if p.role == ParticipantRole.PARTNER],
    }


class IdeaSketchQuerySet(CaseQuerySet):
    submitted = Q(registration__isnull=False)

    def for_list(self):
        """The list's rows: the columns it shows (a sketch holds its whole text)."""
        return (
            self.select_related("call", "owner", "registration")
            .only(
                "title",
                "state",
                "submitted_at",
                "created_at",
                "call__title",
                "owner__name",
                "registration__series",
                "registration__year",
                "registration__sequence",
            )
            .order_by("-created_at", "-pk")
        )


class IdeaSketch(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="sketches", verbose_name=_("call")
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_sketches",
        verbose_name=_("lead owner"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    problem_and_target_group = models.TextField(_("problem and target group"), blank=True)
    complements_ordinary_work = models.TextField(
        _("how it complements and supports the city's ordinary work"), blank=True
    )
    estimated_amount = MoneyField(_("rough size (kr)"), null=True, blank=True)
    estimated_years = models.PositiveSmallIntegerField(
        _("rough length (years)"), null=True, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's telephone"), max_length=40, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=SketchState.choices, default=SketchState.DRAFT
    )
    registration = models.OneToOneField(
        RegistrationNumber,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sketch",
        verbose_name=_("registration number"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("earlier sketch judged not applicable"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()
    objects = IdeaSketchQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea sketch")
        verbose_name_plural = _("idea sketches")
        ordering = ["-created_at", "-pk"]
        # The list's order: its first page is read from the index, not sorted from the table.
        indexes = [models.Index(fields=["-created_at", "-id"], name="applications_sketch_list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="applications_sketch_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def co_owners(self) -> list[Organisation]:
        return [
            p.organisation for p in self.participants.all() if p.role == ParticipantRole.CO_OWNER
        ]

    def partners(self) -> list[Organisation]:
        return [
            p.organisation for p in self.participants.all() if p.role == ParticipantRole.PARTNER
        ]


# The fields an applicant writes (co-owners and partners are set apart).
SKETCH_FIELDS = (
    "title",
    "summary",
    "problem_and_target_group",
    "complements_ordinary_work",
    "estimated_amount",
    "estimated_years",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class SketchParticipant(models.Model):
    """A co-owner or partner organisation of a sketch."""

    sketch = models.ForeignKey(IdeaSketch, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sketch", "organisation"], name="applications_sketch_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class CouncilMeetingQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("fund")
            .annotate(
                present=models.Count("members_present", distinct=True),
                decisions=models.Count("applicability_decisions", distinct=True),
            )
            .order_by("-held_on", "-pk")
        )


class CouncilMeeting(models.Model):
    """A meeting of the council for social investments, recorded by a fund administrator as
    its secretary. Its decisions (applicability now, recommendations later) point to it."""

    fund = models.ForeignKey("core.Fund", on_delete=models.PROTECT, related_name="council_meetings")
    held_on = models.DateField(_("meeting date"))
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="council_meetings",
        verbose_name=_("members present"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(m2m_fields=[members_present])
    objects = CouncilMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return str(_("Council meeting %(date)s") % {"date": self.held_on.isoformat()})


class ApplicabilityOutcome(models.TextChoices):
    APPLICABLE = "applicable", _("Applicable")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    RETURNED = "returned", _("Returned for completion")


class ApplicabilityDecision(models.Model):
    """The council's decision on one submission of a sketch. A sketch returned for completion
    and submitted again gets a further decision; the earlier ones stay on record."""

    sketch = models.ForeignKey(IdeaSketch, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        related_name="applicability_decisions",
        verbose_name=_("council meeting"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=ApplicabilityOutcome.choices)
    reason = models.TextField(_("reason"))
    taking_part = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("members taking part")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(m2m_fields=[taking_part])

    class Meta:
        verbose_name = _("applicability decision")
        verbose_name_plural = _("applicability decisions")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sketch}: {self.get_outcome_display()}"


class ConflictKind(models.TextChoices):
    ORGANISATION = "organisation", _("Belongs to an organisation of the case")
    DECLARED = "declared", _("Declared at the meeting")


class DecisionConflict(models.Model):
    """A council member present who took no part in a decision, and why."""

    decision = models.ForeignKey(
        ApplicabilityDecision, on_delete=models.PROTECT, related_name="conflicts"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("conflict"), max_length=16, choices=ConflictKind.choices)
    text = models.CharField(_("explanation"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["member__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "member"], name="applications_conflict_once_per_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_kind_display()}"
