"""Review: assignment of reviewers (never one in conflict), their declarations, scientific
statements, council members' scores, and the council's recommendation.

The events of an assignment name the reviewer, so they belong to the assignment, not to the
application, whose log the applicant reads (applicants never learn who scored)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notices
from applications.models import (
    DECLARATION,
    GRANT_OUTCOMES,
    Application,
    ApplicationState,
    CouncilMeeting,
    CouncilRecommendation,
    Criterion,
    CriterionScore,
    Outcome,
    RecommendationYear,
    ReviewAssignment,
    ReviewKind,
    ReviewStatement,
    Score,
)
from applications.services.locks import application_lock, assignment_lock
from applications.services.to_do import review_tasks_sync
from applications.states import APPLICATION, ASSIGNABLE_STATES, PROPOSAL, REVIEW_STATES
from core import access, conflicts
from core.errors import DomainError
from core.events import event_record
from core.models import Role, User
from core.money import MAX_AMOUNT, check_years, format_kr
from core.notices import notify, notify_fund_administrators

A = ApplicationState
ROLE_OF_KIND = {
    ReviewKind.COUNCIL: Role.COUNCIL_MEMBER,
    ReviewKind.SCIENTIFIC: Role.SCIENTIFIC_REVIEWER,
}


def _refuse_if_in_conflict(person: User, application: Application, day: dt.date, **error) -> None:
    reasons = conflicts.reasons(person, application, day)
    if reasons:
        raise DomainError(
            _("%(name)s cannot review this application because of a conflict of interest: %(why)s.")
            % {"name": person.full_name, "why": "; ".join(reasons)},
            code="conflict",
            **error,
        )


@transaction.atomic
def review_assign(
    *,
    actor: User,
    application: Application,
    reviewer: User,
    kind: str,
    due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ReviewAssignment:
    day = today or timezone.localdate()
    application = application_lock(application)
    if application.state not in ASSIGNABLE_STATES:
        raise DomainError(
            _("An application that is %(state)s cannot be given reviewers.")
            % {"state": application.get_state_display().lower()},
            code="transition",
        )
    if kind not in ROLE_OF_KIND:
        raise DomainError(_("Choose how the person reviews."), field="kind")
    if not reviewer.is_active or not access.has_role(reviewer, ROLE_OF_KIND[kind], day):
        raise DomainError(
            _("%(name)s is not a %(role)s.")
            % {"name": reviewer.full_name, "role": Role(ROLE_OF_KIND[kind]).label.lower()},
            field="reviewer",
        )
    _refuse_if_in_conflict(reviewer, application, day, field="reviewer")
    if due_on is not None and due_on < day:
        raise DomainError(_("The due date cannot be in the past."), field="due_on")
    if (
        ReviewAssignment.objects.active()
        .filter(application=application, reviewer=reviewer, kind=kind)
        .exists()
    ):
        raise DomainError(
            _("%(name)s is already assigned.") % {"name": reviewer.full_name},
            field="reviewer",
            code="already_assigned",
        )
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, kind=kind, due_on=due_on, assigned_by=actor
    )
    review_tasks_sync(application)
    event_record(
        actor=actor,
        action="review.assigned",
        target=assignment,
        data={"reviewer": reviewer.full_name, "as": kind},
    )
    notify(
        "review_assigned",
        case=application,
        url=notices.review_url(application),
        people=[reviewer],
        assigned_as=str(ReviewKind(kind).label).lower(),
    )
    return assignment


def _refuse_unless_active(assignment: ReviewAssignment) -> None:
    if assignment.removed_at is not None:
        raise DomainError(
            _("The assignment has been withdrawn; there is nothing more to do."),
            code="removed",
        )


@transaction.atomic
def review_unassign(*, actor: User, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """A fund administrator withdraws an assignment. What the person wrote stays on record."""
    assignment = assignment_lock(assignment)
    _refuse_unless_active(assignment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing the assignment."), field="reason")
    assignment.removed_at = timezone.now()
    assignment.removed_reason = reason
    assignment.save(update_fields=["removed_at", "removed_reason"])
    review_tasks_sync(assignment.application)
    event_record(
        actor=actor,
        action="review.removed",
        target=assignment,
        comment=reason,
        data={"reviewer": assignment.reviewer.full_name, "as": assignment.kind},
    )
    return assignment


@transaction.atomic
def assignments_end_on_conflict(
    *, actor: User, application: Application, on: dt.date | None = None
) -> list[ReviewAssignment]:
    """End the active assignments of reviewers who are now in conflict with the application
    (a revision named their organisation as a partner or in the benefits plan, say): kept on
    record as removed, logged, and the fund administrators told. The reviewer takes no further
    part and sees no one's scores (``access.score_reader``). Called by the services that change
    the application's organisations; returns the assignments it ended."""
    day = on or timezone.localdate()
    active = list(
        ReviewAssignment.objects.active()
        .select_for_update(of=("self",))
        .filter(application=application)
        .select_related("reviewer")
    )
    organisations: dict[int, list[str]] = {}
    for conflict in conflicts.conflicts([a.reviewer for a in active], application, day):
        organisations.setdefault(conflict.person_id, []).append(conflict.organisation.name)
    ended = []
    now = timezone.now()
    for assignment in active:
        names = organisations.get(assignment.reviewer_id)
        if not names:
            continue
        listed = ", ".join(names)
        assignment.removed_at = now
        assignment.removed_reason = _("Conflict of interest through %(organisations)s") % {
            "organisations": listed
        }
        assignment.save(update_fields=["removed_at", "removed_reason"])
        event_record(
            actor=actor,
            action="review.conflict_arisen",
            target=assignment,
            data={"reviewer": assignment.reviewer.full_name, "organisations": listed},
        )
        notify_fund_administrators(
            "review_conflict_arisen",
            case=application,
            url=notices.review_url(application),
            reviewer=assignment.reviewer.full_name,
            organisations=listed,
        )
        ended.append(assignment)
    if ended:
        review_tasks_sync(application)
    return ended


@transaction.atomic
def review_declare(
    *, actor: User, assignment: ReviewAssignment, conflict: bool, text: str = ""
) -> ReviewAssignment:
    """The reviewer's declaration before reviewing. No conflict: stored with its text and time.
    A conflict: the assignment is removed and the fund administrators are told."""
    assignment = assignment_lock(assignment)
    _refuse_unless_active(assignment)
    if assignment.declared_at is not None:
        raise DomainError(
            _("You declared on %(date)s that you have no conflict of interest.")
            % {"date": timezone.localdate(assignment.declared_at).isoformat()},
            code="already_declared",
        )
    text = (text or "").strip()
    application = assignment.application
    now = timezone.now()
    if conflict:
        if not text:
            raise DomainError(_("Say briefly what the conflict of interest is."), field="text")
        assignment.conflict_declared_at = now
        assignment.conflict_text = text
        assignment.removed_at = now
        assignment.removed_reason = str(_("Declared a conflict of interest"))
        assignment.save(
            update_fields=["conflict_declared_at", "conflict_text", "removed_at", "removed_reason"]
        )
        review_tasks_sync(application)
        event_record(
            actor=actor,
            action="review.conflict_declared",
            target=assignment,
            comment=text,
            data={"reviewer": assignment.reviewer.full_name},
        )
        notify_fund_administrators(
            "review_conflict_declared",
            case=application,
            url=notices.review_url(application),
            comment=text,
            reviewer=assignment.reviewer.full_name,
        )
        return assignment
    assignment.declared_at = now
    assignment.declaration = str(DECLARATION) + (f"\n\n{text}" if text else "")
    assignment.save(update_fields=["declared_at", "declaration"])
    event_record(
        actor=actor,
        action="review.declared",
        target=assignment,
        data={"reviewer": assignment.reviewer.full_name},
    )
    return assignment


def _refuse_unless_ready(assignment: ReviewAssignment, kind: str, version: int) -> Application:
    """The checks before a statement or a score: the right assignment, declared, on the
    application's current version, while the application takes reviews."""
    _refuse_unless_active(assignment)
    if assignment.kind != kind:
        raise DomainError(_("You are not assigned to do this."), code="wrong_kind")
    if assignment.declared_at is None:
        raise DomainError(
            _("Declare first that you have no conflict of interest."), code="not_declared"
        )
    application = application_lock(assignment.application)
    if CouncilRecommendation.objects.filter(application=application).exists():
        raise DomainError(
            _("The council's recommendation has been recorded; the review is closed."),
            code="recommended",
        )
    if application.state not in REVIEW_STATES[kind]:
        raise DomainError(
            _("The application is %(state)s and takes no reviews now.")
            % {"state": application.get_state_display().lower()},
            code="transition",
        )
    if version != application.current_version:
        raise DomainError(
            _(
                "Version %(version)s is outdated: the applicant has submitted version "
                "%(current)s. Read the new version and review it."
            )
            % {"version": version, "current": application.current_version},
            code="outdated",
        )
    # Checked again here: a membership or a revision may have made a conflict since assignment.
    _refuse_if_in_conflict(assignment.reviewer, application, timezone.localdate())
    return application


@transaction.atomic
def review_statement_submit(
    *, actor: User, assignment: ReviewAssignment, version: int, evidence: str, evaluation: str
) -> ReviewStatement:
    assignment = assignment_lock(assignment)
    _refuse_unless_ready(assignment, ReviewKind.SCIENTIFIC, version)
    if assignment.statements.filter(version=version).exists():
        raise DomainError(
            _("You have already submitted your statement on version %(version)s.")
            % {"version": version},
            code="already_submitted",
        )
    evidence, evaluation = (evidence or "").strip(), (evaluation or "").strip()
    if not evidence:
        raise DomainError(_("Write your statement on the evidence base."), field="evidence")
    if not evaluation:
        raise DomainError(_("Write your statement on the evaluation design."), field="evaluation")
    statement = ReviewStatement.objects.create(
        assignment=assignment, version=version, evidence=evidence, evaluation=evaluation
    )
    review_tasks_sync(assignment.application)
    event_record(
        actor=actor,
        action="review.statement_submitted",
        target=assignment,
        data={"version": version},
    )
    return statement


def _check_suggestion(outcome: str, amount: int | None, requested: int) -> None:
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome you suggest."), field="suggested_outcome")
    if outcome == Outcome.REJECT:
        if amount:
            raise DomainError(
                _("Leave the amount empty when you suggest rejecting."), field="suggested_amount"
            )
        return
    if not amount or amount <= 0:
        raise DomainError(_("Give the amount you suggest."), field="suggested_amount")
    if amount > min(requested, MAX_AMOUNT):
        raise DomainError(
            _("The amount cannot be more than the %(requested)s applied for.")
            % {"requested": format_kr(requested)},
            field="suggested_amount",
        )
    if outcome == Outcome.GRANT_REDUCED and amount >= requested:
        raise DomainError(
            _("A reduced amount must be less than the %(requested)s applied for.")
            % {"requested": format_kr(requested)},
            field="suggested_amount",
        )


@transaction.atomic
def application_score(
    *,
    actor: User,
    assignment: ReviewAssignment,
    version: int,
    criteria: dict[int, tuple[bool, int, str]],
    suggested_outcome: str,
    suggested_amount: int | None = None,
    comment: str = "",
) -> Score:
    """A council member's score of the current version: for each of the five criteria met or
    not, 1-5 and a comment; a suggested outcome and amount. Final once submitted."""
    assignment = assignment_lock(assignment)
    application = _refuse_unless_ready(assignment, ReviewKind.COUNCIL, version)
    if assignment.scores.filter(version=version).exists():
        raise DomainError(
            _("You have already scored version %(version)s.") % {"version": version},
            code="already_scored",
        )
    for criterion in Criterion:
        given = criteria.get(criterion.value)
        if given is None:
            raise DomainError(
                _("Judge criterion %(number)s.") % {"number": criterion.value},
                field=f"points_{criterion.value}",
            )
        _met, points, text = given
        if not isinstance(points, int) or not 1 <= points <= 5:
            raise DomainError(
                _("Score criterion %(number)s from 1 to 5.") % {"number": criterion.value},
                field=f"points_{criterion.value}",
            )
        if not (text or "").strip():
            raise DomainError(
                _("Comment on criterion %(number)s.") % {"number": criterion.value},
                field=f"comment_{criterion.value}",
            )
    _check_suggestion(suggested_outcome, suggested_amount, application.amount_requested or 0)
    score = Score.objects.create(
        assignment=assignment,
        version=version,
        suggested_outcome=suggested_outcome,
        suggested_amount=suggested_amount if suggested_outcome != Outcome.REJECT else None,
        comment=(comment or "").strip(),
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            score=score,
            criterion=criterion.value,
            met=bool(criteria[criterion.value][0]),
            points=criteria[criterion.value][1],
            comment=criteria[criterion.value][2].strip(),
        )
        for criterion in Criterion
    )
    review_tasks_sync(application)
    event_record(actor=actor, action="review.scored", target=assignment, data={"version": version})
    return score


@transaction.atomic
def recommendation_record(
    *,
    actor: User,
    application: Application,
    meeting: CouncilMeeting,
    outcome: str,
    criteria_met: dict[int, bool],
    years: dict[int, int],
    summary: str,
    reasons: str,
    today: dt.date | None = None,
) -> CouncilRecommendation:
    """Record (or, while the proposal is with the administrators, record again) the council's
    joint recommendation. A criterion judged not met rules out a grant."""
    day = today or timezone.localdate()
    application = application_lock(application)
    from_state = APPLICATION.check(application, A.RECOMMENDED)
    item = getattr(application, "proposal_item", None) if application.pk else None
    if item is not None and not PROPOSAL.is_editable(item.proposal):
        raise DomainError(
            _(
                "The application is in a proposal that has gone to the city director; the "
                "recommendation can no longer be changed."
            ),
            code="in_proposal",
        )
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the council's recommendation."), field="outcome")
    if meeting.fund_id != application.call.fund_id:
        raise DomainError(_("The meeting belongs to another fund."), field="meeting")
    if meeting.held_on > day:
        raise DomainError(_("The meeting has not been held yet."), field="meeting")
    if application.submitted_at and meeting.held_on < timezone.localdate(application.submitted_at):
        raise DomainError(
            _("The meeting (%(date)s) was held before version %(version)s was submitted.")
            % {"date": meeting.held_on.isoformat(), "version": application.current_version},
            field="meeting",
        )
    if not Score.objects.filter(
        assignment__application=application,
        assignment__removed_at__isnull=True,
        version=application.current_version,
    ).exists():
        raise DomainError(
            _("No council member has scored version %(version)s yet.")
            % {"version": application.current_version},
            code="no_scores",
        )
    not_met = [c for c in Criterion if not criteria_met.get(c.value)]
    if outcome in GRANT_OUTCOMES and not_met:
        raise DomainError(
            _(
                "The council judged criterion %(numbers)s not met: an application that does not "
                "meet every criterion cannot be recommended for a grant."
            )
            % {"numbers": ", ".join(str(c.value) for c in not_met)},
            field="outcome",
            code="criterion_not_met",
        )
    summary, reasons = (summary or "").strip(), (reasons or "").strip()
    if not summary:
        raise DomainError(_("Write the council's summary."), field="summary")
    if not reasons:
        raise DomainError(
            _("Give the reasons: the applicant sees them with the recommendation."),
            field="reasons",
        )
    years = {year: amount for year, amount in years.items() if amount}
    total = check_years(years)
    requested = application.amount_requested or 0
    if outcome == Outcome.REJECT:
        if total:
            raise DomainError(
                _("A recommendation to reject has no amounts."), field="years", code="amounts"
            )
    elif outcome == Outcome.GRANT and total != requested:
        raise DomainError(
            _(
                "The years add up to %(total)s but %(requested)s was applied for. Recommend a "
                "reduced amount, or make the years add up."
            )
            % {"total": format_kr(total), "requested": format_kr(requested)},
            field="years",
            code="years_total",
        )
    elif outcome == Outcome.GRANT_REDUCED and not 0 < total < requested:
        raise DomainError(
            _(
                "A reduced amount must be more than 0 kr and less than the %(requested)s "
                "applied for."
            )
            % {"requested": format_kr(requested)},
            field="years",
            code="years_total",
        )
    fields = {
        "meeting": meeting,
        "version": application.current_version,
        "outcome": outcome,
        "amount": total,
        "criteria_met": {str(c.value): bool(criteria_met.get(c.value)) for c in Criterion},
        "summary": summary,
        "reasons": reasons,
        "recorded_at": timezone.now(),
        "recorded_by": actor,
    }
    recommendation = CouncilRecommendation.objects.filter(application=application).first()
    if recommendation is None:
        recommendation = CouncilRecommendation.objects.create(application=application, **fields)
    else:
        for name, value in fields.items():
            setattr(recommendation, name, value)
        recommendation.save(update_fields=list(fields))
        recommendation.years.all().delete()
    RecommendationYear.objects.bulk_create(
        RecommendationYear(recommendation=recommendation, year=year, amount=amount)
        for year, amount in sorted(years.items())
    )
    application.state = A.RECOMMENDED
    application.save(update_fields=["state"])
    review_tasks_sync(application)
    event_record(
        actor=actor,
        action="recommendation.recorded",
        target=application,
        from_state=from_state,
        to_state=application.state,
        comment=reasons,
        data={"meeting": meeting.held_on.isoformat(), "recommended": outcome},
    )
    outcome_text = str(Outcome(outcome).label).lower()
    if total:
        outcome_text = f"{outcome_text}, {format_kr(total)}"
    notify(
        "application_recommended",
        case=application,
        url=notices.application_url(application),
        **notices.applicant_side(application),
        comment=f"{summary}\n\n{reasons}",
        outcome=outcome_text,
    )
    return recommendation
