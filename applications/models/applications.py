"""Applications (ansökan) with their three plans, budget and attachments, and frozen versions.

An application grows from an applicable idea sketch and keeps its registration number. The
draft is edited in place (its rows have history); every submission freezes a complete copy as an
``ApplicationVersion`` that never changes, and two versions can be compared field by field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import access
from core.cases import CaseQuerySet
from core.models import Organisation, RegistrationNumber, Role, StoredFile
from core.money import MoneyField

from .calls import Call
from .sketches import IdeaSketch, ParticipantRole

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVISION_REQUESTED = "revision_requested", _("Returned for revision")
    WITHDRAWN = "withdrawn", pgettext_lazy("case", "Withdrawn")
    RECOMMENDED = "recommended", _("Recommended by the council")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    NOT_PROPOSED = "not_proposed", _("Not proposed")


class EvaluationDesign(models.TextChoices):
    COMPARISON_GROUP = "comparison_group", _("Comparison group")
    BEFORE_AFTER = "before_after", _("Before and after")
    OTHER = "other", _("Other")


class CostType(models.TextChoices):
    DEVELOP = "develop", _("Develop")
    INTRODUCE = "introduce", _("Introduce")
    FOLLOW_UP = "follow_up", _("Follow up")
    EVALUATE = "evaluate", _("Evaluate")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    FUND = "fund", _("The fund")
    OWN = "own", _("Own contribution")
    ESF = "esf", _("ESF")
    OTHER = "other", _("Other co-financing")


class ApplicationQuerySet(CaseQuerySet):
    submitted = Q(current_version__gt=0)

    def also_visible(self, user):
        """Scientific reviewers see the applications they are assigned to, nothing else; the
        board secretary an application once it is in a proposal sent to the city director."""
        from .reviews import ReviewAssignment, ReviewKind

        assigned = ReviewAssignment.objects.filter(
            application=OuterRef("pk"),
            reviewer_id=user.pk,
            kind=ReviewKind.SCIENTIFIC,
            removed_at__isnull=True,
        )
        also = Q(Exists(assigned))
        if access.has_role(user, Role.BOARD_SECRETARY):
            also |= Q(proposal_item__proposal__submitted_at__isnull=False)
        return also

    def also_beyond_own(self, user) -> bool:
        """Assigned reviewers and the board secretary (``also_visible``)."""
        from .reviews import has_review_assignments

        return access.has_role(user, Role.BOARD_SECRETARY) or has_review_assignments(user)

    def declared_conflicts(self, user):
        """The cases whose latest assignment of this person ended with a declared conflict
        (assigned again afterwards, the person takes part again; ``access.score_reader``)."""
        from .reviews import ReviewAssignment

        later = ReviewAssignment.objects.filter(
            application=OuterRef("application"), reviewer_id=user.pk, pk__gt=OuterRef("pk")
        )
        declared = (
            ReviewAssignment.objects.conflict_declared()
            .filter(application=OuterRef("pk"), reviewer_id=user.pk)
            .exclude(Exists(later))
        )
        return Q(Exists(declared))

    def for_list(self):
        """The list's rows: the columns it shows (an application holds its whole text)."""
        return (
            self.select_related("call", "owner", "registration")
            .only(
                "title",
                "state",
                "current_version",
                "amount_requested",
                "created_at",
                "call__title",
                "owner__name",
                "registration__series",
                "registration__year",
                "registration__sequence",
            )
            .order_by("-created_at", "-pk")
        )


class Application(models.Model):
    sketch = models.OneToOneField(
        IdeaSketch,
        on_delete=models.PROTECT,
        related_name="application",
        verbose_name=_("idea sketch"),
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_applications",
        verbose_name=_("lead owner"),
    )
    registration = models.ForeignKey(
        RegistrationNumber,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("registration number"),
    )
    # The case
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    problem_and_target_group = models.TextField(_("problem and target groups"), blank=True)
    complements_ordinary_work = models.TextField(
        _("how it complements and supports the city's ordinary work"), blank=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    amount_requested = MoneyField(_("amount requested from the fund (kr)"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's telephone"), max_length=40, blank=True)
    # Implementation plan
    project_organisation = models.TextField(_("project organisation"), blank=True)
    steering_group = models.TextField(_("proposed steering group"), blank=True)
    risks = models.TextField(_("risks and how they are handled"), blank=True)
    # Follow-up and evaluation plan
    evaluation_design = models.CharField(
        _("evaluation design"), max_length=20, choices=EvaluationDesign.choices, blank=True
    )
    evaluation_design_text = models.TextField(_("evaluation design, described"), blank=True)
    evaluator = models.CharField(_("who evaluates"), max_length=300, blank=True)
    # Benefits-realisation plan
    benefits_assumptions = models.TextField(
        _("assumptions behind the expected cost reductions"), blank=True
    )

    state = models.CharField(
        _("state"), max_length=24, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    current_version = models.PositiveIntegerField(_("latest submitted version"), default=0)
    revision_message = models.TextField(_("what to revise"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Closed without a board decision of its own: not in the city director's proposal.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        # The list's order: its first page is read from the index, not sorted from the table.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="applications_application_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gte=0),
                name="applications_application_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="applications_application_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def reclaim_window_estimate(self) -> range | None:
        """The calendar years an estimated reclaim window would cover: starting the year after
        the planned end (the reclaim plan sets the real window)."""
        if self.planned_end is None:
            return None
        first = self.planned_end.year + 1
        return range(first, first + self.call.fund.reclaim_window_years)


class ApplicationParticipant(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="participants"
    )
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
                fields=["application", "organisation"],
                name="applications_application_participant_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class _Row(models.Model):
    """A row of one of the application's tables, edited with the draft."""

    class Meta:
        abstract = True
        ordering = ["pk"]


class Activity(_Row):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(_Row.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


class Milestone(_Row):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("date"))
    history = HistoricalRecords()

    class Meta(_Row.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(_Row):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    data_source = models.CharField(_("data source"), max_length=200)
    history = HistoricalRecords()

    class Meta(_Row.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class SavingsRow(_Row):
    """Expected expenditure reduction for one benefiting organisation in one calendar year.
    A plan, not money: it never touches the ledger."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="savings")
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

    class Meta(_Row.Meta):
        verbose_name = _("expected cost reduction")
        verbose_name_plural = _("expected cost reductions")
        ordering = ["year", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_savings_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class BudgetRow(_Row):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient organisation"),
    )
    cost_type = models.CharField(_("use"), max_length=16, choices=CostType.choices)
    funding_source = models.CharField(
        _("funding source"), max_length=8, choices=FundingSource.choices
    )
    amount = MoneyField(_("amount (kr)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta(_Row.Meta):
        verbose_name = _("budget row")
        verbose_name_plural = _("budget rows")
        ordering = ["year", "recipient__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_budget_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.recipient}"


@dataclass(frozen=True)
class BudgetTotals:
    by_source: list[tuple[str, int]]  # (label, amount) for every funding source, in order
    fund: int  # the fund-financed part: what the amount requested must equal
    total: int


def budget_totals(rows) -> BudgetTotals:
    """Totals of budget rows (a plan, not ledger money) per funding source."""
    by_source = dict.fromkeys(FundingSource.values, 0)
    for row in rows:
        by_source[row.funding_source] += row.amount
    return BudgetTotals(
        by_source=[(FundingSource(source).label, amount) for source, amount in by_source.items()],
        fund=by_source[FundingSource.FUND],
        total=sum(by_source.values()),
    )


class ApplicationAttachment(StoredFile):
    """A file of the application. Removed from the draft rather than deleted: earlier versions
    still list it and it can still be downloaded from them."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]


class ApplicationVersion(models.Model):
    """A submitted version, frozen: the whole application and its rows as they were sent."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    content = models.JSONField()

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="applications_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"
