"""Reads of the review: who may be assigned, what each reader sees of the scores and
statements, the reviewer's assignments, and the council's recommendation form's defaults."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from applications import access
from applications.models import (
    DECLARATION,
    Application,
    ApplicationState,
    CouncilMeeting,
    CouncilRecommendation,
    Criterion,
    CriterionScore,
    FundingSource,
    ReviewAssignment,
    ReviewKind,
    ReviewStatement,
    Score,
)
from applications.periods import period_refusal
from applications.scoring import score_table
from applications.states import APPLICATION, ASSIGNABLE_STATES
from core import conflicts
from core.events import describe
from core.models import Event, Role, RoleAssignment, User


def fund_years(application: Application) -> dict[int, int]:
    """The fund-financed budget per year (a plan): the default amounts of a recommendation."""
    years: dict[int, int] = {}
    for row in application.budget.all():
        if row.funding_source == FundingSource.FUND:
            years[row.year] = years.get(row.year, 0) + row.amount
    return dict(sorted(years.items()))


def reviewer_candidates(application: Application) -> tuple:
    """Whom the assign form offers: active holders, today, of the council member's or the
    scientific reviewer's role who are not in conflict with the application; and, to say why
    they are missing, those who are, each as "name - member of X, a partner"."""
    today = timezone.localdate()
    holders = RoleAssignment.objects.active_on(today).filter(
        role__in=(Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER)
    )
    people = list(
        User.objects.filter(is_active=True, role_assignments__in=holders)
        .distinct()
        .order_by("full_name")
    )
    why: dict[int, list[str]] = {}
    for conflict in conflicts.conflicts(people, application, today):
        why.setdefault(conflict.person_id, []).append(str(conflict))
    offered = User.objects.filter(pk__in=[p.pk for p in people if p.pk not in why])
    excluded = [f"{p.full_name} – {'; '.join(why[p.pk])}" for p in people if p.pk in why]
    return offered.order_by("full_name"), excluded


def assignments_with_reviews(application: Application) -> list[ReviewAssignment]:
    """The application's assignments with reviewers, scores (and their criteria) and
    statements loaded."""
    return list(
        application.assignments.select_related("reviewer").prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.prefetch_related(
                    Prefetch("criteria", queryset=CriterionScore.objects.order_by("criterion"))
                ),
            ),
            "statements",
        )
    )


def statements_to_share(application: Application) -> list[ReviewStatement]:
    """The scientific statements on the current version, which a request for revision may
    show the applicant (without the reviewers' names)."""
    return list(
        ReviewStatement.objects.filter(
            assignment__application=application, version=application.current_version
        ).order_by("submitted_at", "pk")
    )


def visible_scores(user, application: Application, assignments=None) -> list[Score]:
    """The council's scores of the application the reader may see (``access.score_reader``),
    with their reviewers and criteria loaded."""
    if assignments is None:
        assignments = assignments_with_reviews(application)
    can_see = access.score_reader(user, application, assignments)
    return [
        score
        for assignment in assignments
        if assignment.kind == ReviewKind.COUNCIL
        for score in assignment.scores.all()
        if can_see(score)
    ]


def review_context(user, application: Application) -> dict:
    """What the review page and the recommendation form show of the scores: the current
    version's visible scores side by side, and earlier versions' visible scores as outdated;
    the statements and assignments the reader may see."""
    assignments = assignments_with_reviews(application)
    visible = visible_scores(user, application, assignments)
    current = [s for s in visible if s.version == application.current_version]
    outdated = sorted(
        (s for s in visible if s.version < application.current_version),
        key=lambda s: (-s.version, s.assignment.reviewer.full_name),
    )
    return {
        "assignments": [a for a in assignments if access.can_see_assignment(user, a)],
        "table": score_table(sorted(current, key=lambda s: s.assignment.reviewer.full_name)),
        "outdated": outdated,
        "statements": [
            (assignment, statement)
            for assignment in assignments
            if assignment.kind == ReviewKind.SCIENTIFIC
            and access.can_see_assignment(user, assignment)
            for statement in assignment.statements.all()
        ],
        "criteria": list(Criterion),
    }


def review_page(user, application: Application) -> dict:
    """The review page: the review as the reader may see it, the assignments' log (for those
    who read everything: it names the reviewers), and what the reader may do."""
    context = review_context(user, application)
    events = []
    if access.reads_everything(user):
        ids = [str(a.pk) for a in context["assignments"]]
        events = [
            (event, describe(event))
            for event in Event.objects.filter(
                target_type__app_label="applications",
                target_type__model="reviewassignment",
                target_id__in=ids,
            )
            .select_related("actor")
            .order_by("-created_at", "-pk")[:100]
        ]
    manage = access.can_manage_cases(user)
    return {
        "application": application,
        **context,
        "events": events,
        "can_assign": manage and application.state in ASSIGNABLE_STATES,
        "can_recommend": manage and APPLICATION.allows(application, ApplicationState.RECOMMENDED),
        "recommendation": CouncilRecommendation.objects.filter(application=application)
        .select_related("meeting")
        .prefetch_related("years")
        .first(),
        "mine": [a for a in context["assignments"] if a.reviewer_id == user.pk],
    }


# --- The reviewer's pages ---------------------------------------------------------------------

STATUS_TEXT = {
    "removed": pgettext_lazy("review", "Withdrawn"),
    "declare": gettext_lazy("Declare no conflict of interest"),
    "review": gettext_lazy("To review"),
    "done": pgettext_lazy("review", "Done"),
}


def assignment_status(
    assignment: ReviewAssignment, version: int, reviewed: bool | None = None
) -> str:
    """``reviewed``: whether the version is reviewed, when already known
    (``with_reviews_on_current``); otherwise told from the assignment's loaded reviews."""
    if assignment.removed_at:
        return "removed"
    if assignment.declared_at is None:
        return "declare"
    if reviewed is None:
        reviewed = assignment.reviewed(version)
    return "done" if reviewed else "review"


def assignments_of(user, *, open_only: bool = False):
    """The reviewer's assignments for the list (only those with something to do now, when
    ``open_only``): active ones first, soonest due first."""
    assignments = ReviewAssignment.objects.for_reviewer(user)
    if open_only:
        assignments = assignments.open_tasks()
    return (
        assignments.with_reviews_on_current()
        .select_related("application__registration", "application__owner")
        .only(*LIST_FIELDS)
        .order_by("removed_at", "due_on", "-assigned_at", "pk")
    )


# What the reviewer's list shows of an assignment and its application (an application row
# holds its whole text; the list needs a few columns of it).
LIST_FIELDS = (
    "kind",
    "due_on",
    "assigned_at",
    "declared_at",
    "removed_at",
    "reviewer_id",
    "application__title",
    "application__state",
    "application__current_version",
    "application__owner__name",
    "application__registration__series",
    "application__registration__year",
    "application__registration__sequence",
)


def open_tasks_of(user):
    """The reviewer's assignments with something to do now, soonest due first (read from
    their own index, however many assignments the reviewer has had)."""
    return (
        ReviewAssignment.objects.for_reviewer(user)
        .open_tasks()
        .select_related("application__registration")
        .order_by("due_on", "assigned_at", "pk")
    )


def assignment_rows(assignments) -> list[tuple[ReviewAssignment, str, str]]:
    """Assignments (a page of ``assignments_of``) with their status and its text ("closed":
    nothing to review any longer, the application has moved on)."""
    rows = []
    for assignment in assignments:
        written = (
            assignment.score_on_current
            if assignment.kind == ReviewKind.COUNCIL
            else assignment.statement_on_current
        )
        status = assignment_status(
            assignment, assignment.application.current_version, written is not None
        )
        if status == "review" and assignment.application.state not in ASSIGNABLE_STATES:
            status = "closed"
        rows.append((assignment, status, STATUS_TEXT.get(status, pgettext("review", "Closed"))))
    return rows


def _previous_version(assignment: ReviewAssignment) -> int | None:
    """The last version the reviewer reviewed, when the applicant has submitted a newer one."""
    reviewed = [item.version for item in assignment.reviews()]
    current = assignment.application.current_version
    last = max(reviewed, default=None)
    if last is not None and last < current:
        return last
    return None


def assignment_page(user, assignment: ReviewAssignment) -> dict:
    assignment = (
        ReviewAssignment.objects.prefetch_related(
            Prefetch("scores", queryset=Score.objects.prefetch_related("criteria")), "statements"
        )
        .select_related("reviewer", "application__registration", "application__owner")
        .get(pk=assignment.pk)
    )
    status = assignment_status(assignment, assignment.application.current_version)
    return {
        "assignment": assignment,
        "application": assignment.application,
        "status": status,
        "own": assignment.reviewer_id == user.pk,
        "declaration_text": DECLARATION,
        "previous": _previous_version(assignment),
        "open_for_review": assignment.takes_reviews(),
        "scores": list(assignment.scores.all()),
        "statements": list(assignment.statements.all()),
    }


# --- The council's recommendation -------------------------------------------------------------


def recommendation_form_defaults(application: Application, table, existing) -> tuple[list, dict]:
    """The years of the recommendation form and its initial values: the recommendation
    recorded before, or the members' joint judgement (met where every member said met) and the
    fund-financed budget per year."""
    planned = fund_years(application)
    years = set(planned)
    start, end = application.planned_start, application.planned_end
    # A period saved before it was bounded is not laid out year by year.
    if start and end and period_refusal(application.call, start, end) is None:
        years |= set(range(start.year, end.year + 1))
    if existing is not None:
        old = {row.year: row.amount for row in existing.years.all()}
        years |= set(old)
        initial = {
            "meeting": existing.meeting_id,
            "outcome": existing.outcome,
            "summary": existing.summary,
            "reasons": existing.reasons,
            **{f"met_{c.value}": "yes" if met else "no" for c, met in existing.criteria()},
            **{f"amount_{year}": amount for year, amount in old.items()},
        }
    else:
        initial = {
            **{f"met_{row.criterion.value}": "yes" if row.all_met else "no" for row in table.rows},
            **{f"amount_{year}": amount for year, amount in planned.items()},
        }
    return sorted(years), initial


def recommendation_page(user, application: Application) -> dict:
    """What the recommendation form is built from: the review as the reader sees it, the
    recommendation recorded before, the fund's meetings held so far, years and defaults."""
    context = review_context(user, application)
    existing = (
        CouncilRecommendation.objects.filter(application=application)
        .prefetch_related("years")
        .first()
    )
    years, initial = recommendation_form_defaults(application, context["table"], existing)
    return {
        **context,
        "existing": existing,
        "years": years,
        "initial": initial,
        "meetings": CouncilMeeting.objects.filter(
            fund=application.call.fund, held_on__lte=timezone.localdate()
        ).order_by("-held_on", "-pk"),
    }
