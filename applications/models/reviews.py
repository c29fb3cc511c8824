"""Review of a submitted application: assignments of council members and scientific reviewers,
their declarations of no conflict, scientific statements, the council members' scores of the
five criteria, and the council's joint recommendation.

A statement and a score belong to the version they were written on; when the applicant submits
a new version, the earlier ones stay on record as outdated.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import access
from core.money import MoneyField

from .applications import YEAR_VALIDATORS, Application
from .sketches import CouncilMeeting


class Criterion(models.IntegerChoices):
    """The five criteria every project must meet (seeds/002)."""

    GOALS = 1, _("Contributes to the city council's goals")
    GAINS = 2, _("Gives socio-economic gains and lower costs for the city")
    KNOWLEDGE = 3, _("Develops and implements knowledge-based working methods")
    COLLABORATION = (
        4,
        _(
            "Strengthens a holistic view through collaboration inside the city and, where "
            "possible, with others"
        ),
    )
    EVALUATION = 5, _("Allows systematic follow-up and evaluation")


class ReviewKind(models.TextChoices):
    COUNCIL = "council", _("Council member")
    SCIENTIFIC = "scientific", _("Scientific reviewer")


class Outcome(models.TextChoices):
    """What a council member suggests and what the council recommends."""

    GRANT = "grant", _("Grant")
    GRANT_REDUCED = "grant_reduced", _("Grant a reduced amount")
    REJECT = "reject", _("Reject")


GRANT_OUTCOMES = (Outcome.GRANT, Outcome.GRANT_REDUCED)

# What a reviewer confirms before reviewing (stored with the assignment, with the time).
DECLARATION = _(
    "I declare that I do not belong to the owner, a co-owner, a partner or a benefiting "
    "organisation of this application, and that I have no other conflict of interest in it."
)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)

    def for_reviewer(self, user):
        return self.filter(reviewer_id=user.pk)

    def conflict_declared(self):
        """Assignments whose reviewer declared a conflict of interest."""
        return self.filter(conflict_declared_at__isnull=False)

    def owing(self):
        """The rule of ``to_do``, worked out from the other tables: active assignments whose
        application takes this kind of review (``ReviewAssignment.takes_reviews``) and whose
        reviewer has not yet written it on the current version (``ReviewAssignment.reviewed``).
        ``applications.services.to_do.review_tasks_sync`` keeps ``to_do`` equal to it."""
        from applications.states import REVIEW_STATES  # the states import the models

        takes = Q()
        for kind, states in REVIEW_STATES.items():
            takes |= Q(kind=kind, application__state__in=states)
        current = {
            "assignment": OuterRef("pk"),
            "version": OuterRef("application__current_version"),
        }
        scored = Exists(Score.objects.filter(**current))
        written = Exists(ReviewStatement.objects.filter(**current))
        return (
            self.active()
            .filter(takes)
            .exclude(Q(kind=ReviewKind.COUNCIL) & Q(scored))
            .exclude(Q(kind=ReviewKind.SCIENTIFIC) & Q(written))
        )

    def open_tasks(self):
        """Assignments with something to do now (``to_do``, read from its own index)."""
        return self.filter(to_do=True)

    def with_reviews_on_current(self):
        """Annotated ``score_on_current`` and ``statement_on_current``: the reviewer's score
        and statement on the application's current version (their ids, or None), so that a
        list tells what is written without loading every review. Each is a subquery of its
        own row (no join in the outer query, so the list's count stays a scan of one index)."""
        current = {
            "assignment": OuterRef("pk"),
            "version": F("assignment__application__current_version"),
        }
        return self.annotate(
            score_on_current=Subquery(Score.objects.filter(**current).values("pk")[:1]),
            statement_on_current=Subquery(
                ReviewStatement.objects.filter(**current).values("pk")[:1]
            ),
        )


class ReviewAssignment(models.Model):
    """A person asked to review one application, as a council member or a scientific reviewer.
    Removed (never deleted) when the person declares a conflict or an administrator withdraws
    the assignment."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    kind = models.CharField(_("assigned as"), max_length=16, choices=ReviewKind.choices)
    due_on = models.DateField(_("due"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The declaration before reviewing: the text the reviewer confirmed, and when.
    declared_at = models.DateTimeField(_("declared no conflict"), null=True, blank=True)
    declaration = models.TextField(_("declaration"), blank=True)
    conflict_declared_at = models.DateTimeField(_("declared a conflict"), null=True, blank=True)
    conflict_text = models.TextField(_("conflict of interest"), blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_reason = models.TextField(_("reason for removal"), blank=True)
    # Whether the reviewer has something to do now (``AssignmentQuerySet.owing``), kept by
    # the services that change it, so that a reviewer's open tasks are read from an index
    # instead of worked out over every assignment they ever had.
    to_do = models.BooleanField(_("to do now"), default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["to_do"])
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["kind", "reviewer__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "kind"],
                condition=Q(removed_at__isnull=True),
                name="applications_assignment_once",
            )
        ]
        indexes = [
            # The reviewer's list ("My reviews"), in its order; and their open tasks (the start
            # page and the "to do now" list), soonest due first.
            models.Index(
                fields=["reviewer", "removed_at", "due_on", "-assigned_at", "id"],
                name="applications_assignment_list",
            ),
            models.Index(
                fields=["reviewer", "due_on", "assigned_at", "id"],
                condition=Q(to_do=True),
                name="applications_assignment_to_do",
            ),
            # The cases a person has declared a conflict with (their lists leave them out).
            models.Index(
                fields=["reviewer", "application"],
                condition=Q(conflict_declared_at__isnull=False),
                name="applications_assign_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.get_kind_display()})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def reviews(self) -> list:
        """What the reviewer has written: scores (council) or statements (scientific), from
        the prefetched relation when the queryset loaded it."""
        return list(self.scores.all() if self.kind == ReviewKind.COUNCIL else self.statements.all())

    def reviewed(self, version: int) -> bool:
        return any(item.version == version for item in self.reviews())

    def takes_reviews(self) -> bool:
        """The application is in a state in which this kind of review is written."""
        from applications.states import REVIEW_STATES  # the states import the models

        return self.application.state in REVIEW_STATES[self.kind]

    @property
    def conflict_declared(self) -> bool:
        """The reviewer declared a conflict of interest (and so takes no further part)."""
        return self.conflict_declared_at is not None


class ReviewStatement(models.Model):
    """A scientific reviewer's statement on one version. Shown to the applicant, without the
    reviewer's name, when an administrator attaches it to a request for revision."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="statements"
    )
    version = models.PositiveIntegerField(_("version"))
    evidence = models.TextField(_("the evidence base"))
    evaluation = models.TextField(_("the evaluation design"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    shared_at = models.DateTimeField(_("shown to the applicant"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scientific statement")
        verbose_name_plural = _("scientific statements")
        ordering = ["version", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="applications_statement_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.version}"


class Score(models.Model):
    """A council member's judgement of one version: five criteria and a suggested outcome.
    Final once submitted."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="scores"
    )
    version = models.PositiveIntegerField(_("version"))
    suggested_outcome = models.CharField(
        _("suggested outcome"), max_length=16, choices=Outcome.choices
    )
    suggested_amount = MoneyField(_("suggested amount (kr)"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["version", "assignment__reviewer__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="applications_score_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(suggested_amount__isnull=True) | Q(suggested_amount__gte=0),
                name="applications_score_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.version}"


class CriterionScore(models.Model):
    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="criteria")
    criterion = models.PositiveSmallIntegerField(_("criterion"), choices=Criterion.choices)
    met = models.BooleanField(_("met"))
    points = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["score", "criterion"], name="applications_criterion_once_per_score"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1) & Q(points__lte=5),
                name="applications_points_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.criterion}: {self.points}"


class CouncilRecommendation(models.Model):
    """The council's joint recommendation on an application, agreed at a meeting and recorded
    by a fund administrator. Shown to the applicant with its reasons (never the scores)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="recommendation"
    )
    meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("council meeting"),
    )
    version = models.PositiveIntegerField(_("version"))
    outcome = models.CharField(_("recommendation"), max_length=16, choices=Outcome.choices)
    amount = MoneyField(_("amount (kr)"), default=0)
    # The council's joint judgement of the five criteria.
    criteria_met = models.JSONField(_("criteria met"), default=dict)
    summary = models.TextField(_("summary"))
    reasons = models.TextField(_("reasons"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council recommendation")
        verbose_name_plural = _("council recommendations")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_recommendation_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def is_grant(self) -> bool:
        return self.outcome in GRANT_OUTCOMES

    def criteria(self) -> list[tuple[Criterion, bool]]:
        return [(c, bool(self.criteria_met.get(str(c.value)))) for c in Criterion]


class YearAmount(models.Model):
    """An amount of one calendar year (a plan: the ledger holds the money)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount = MoneyField(_("amount (kr)"))

    class Meta:
        abstract = True
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class RecommendationYear(YearAmount):
    recommendation = models.ForeignKey(
        CouncilRecommendation, on_delete=models.CASCADE, related_name="years"
    )
    history = HistoricalRecords()

    class Meta(YearAmount.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "year"], name="applications_recommendation_year_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="applications_recommendation_year_not_negative"
            ),
        ]


# A flag of the person's standing (``core.access.with_standing``, registered at start-up by
# ``applications.access.register_standing``): whether they have ever been assigned a review.
# The menu asks it on every page.
HAS_ASSIGNMENTS = "has_assignments"


def has_review_assignments(user) -> bool:
    """Has ever been assigned a review (of any kind, removed or not)."""
    return access.standing_flag(
        user,
        HAS_ASSIGNMENTS,
        lambda: ReviewAssignment.objects.filter(reviewer_id=user.pk).exists(),
    )
