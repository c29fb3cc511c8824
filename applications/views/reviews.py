"""Review of an application: fund administrators assign reviewers and record the council's
recommendation; reviewers declare, write statements and score. Scores are shown only as
"Who sees what" allows (``access.score_reader``); applicants never reach these pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from applications import access, services
from applications.forms.reviews import (
    AssignForm,
    DeclarationForm,
    ReasonForm,
    RecommendationForm,
    ScoreForm,
    StatementForm,
)
from applications.models import (
    Application,
    ApplicationState,
    CouncilMeeting,
    CouncilRecommendation,
    Criterion,
    CriterionScore,
    Outcome,
    ReviewAssignment,
    ReviewKind,
    Score,
)
from applications.scoring import score_table
from applications.services.reviews import DECLARATION, fund_years
from core.errors import DomainError
from core.events import describe
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from core.models import Event, Role, RoleAssignment, User


def _assignments(application: Application):
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


def review_context(user, application: Application) -> dict:
    """What the review page and the recommendation form show of the scores: the current
    version's visible scores side by side, and earlier versions' visible scores as outdated."""
    assignments = _assignments(application)
    can_see = access.score_reader(user, application, assignments)
    everything = access.reads_everything(user)
    visible = [
        score
        for assignment in assignments
        if assignment.kind == ReviewKind.COUNCIL
        for score in assignment.scores.all()
        if can_see(score)
    ]
    current = [s for s in visible if s.version == application.current_version]
    outdated = sorted(
        (s for s in visible if s.version < application.current_version),
        key=lambda s: (-s.version, s.assignment.reviewer.full_name),
    )
    statements = [
        (assignment, statement)
        for assignment in assignments
        if assignment.kind == ReviewKind.SCIENTIFIC
        and (everything or assignment.reviewer_id == user.pk)
        for statement in assignment.statements.all()
    ]
    return {
        "assignments": assignments
        if everything
        else [a for a in assignments if a.reviewer_id == user.pk],
        "table": score_table(sorted(current, key=lambda s: s.assignment.reviewer.full_name)),
        "outdated": outdated,
        "statements": statements,
        "criteria": list(Criterion),
    }


def review_detail(request, pk: int):
    application = access.get_review_for(request.user, pk)
    user = request.user
    context = review_context(user, application)
    events = []
    if access.reads_everything(user):
        ids = [a.pk for a in context["assignments"]]
        events = [
            (event, describe(event))
            for event in Event.objects.filter(
                target_type__app_label="applications",
                target_type__model="reviewassignment",
                target_id__in=[str(pk) for pk in ids],
            )
            .select_related("actor")
            .order_by("-created_at", "-pk")[:100]
        ]
    manage = access.can_manage_cases(user)
    return render(
        request,
        "applications/review_detail.html",
        {
            "application": application,
            **context,
            "events": events,
            "can_assign": manage and application.state in services.reviews.ASSIGNABLE_STATES,
            "can_recommend": manage
            and application.state in (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED),
            "recommendation": CouncilRecommendation.objects.filter(application=application)
            .select_related("meeting")
            .prefetch_related("years")
            .first(),
            "mine": [a for a in context["assignments"] if a.reviewer_id == user.pk],
        },
    )


def _reviewers(application: Application):
    today = timezone.localdate()
    holders = RoleAssignment.objects.active_on(today).filter(
        role__in=(Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER)
    )
    return (
        User.objects.filter(is_active=True, role_assignments__in=holders)
        .distinct()
        .order_by("full_name")
    )


@keeps_form
@idempotent
def review_assign(request, pk: int):
    application = access.get_review_for(request.user, pk, write=True)
    form = AssignForm(bound_or_restored(request), people=_reviewers(application))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.review_assign(
                actor=request.user,
                application=application,
                reviewer=form.cleaned_data["reviewer"],
                kind=form.cleaned_data["kind"],
                due_on=form.cleaned_data["due_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been assigned and told by e-mail.")
                % {"name": assignment.reviewer.full_name},
            )
            return redirect("applications:review", pk=application.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Assign a reviewer to %(title)s") % {"title": application.title},
            "lead": _(
                "The person declares before reviewing that they have no conflict of interest."
            ),
            "button": _("Assign"),
            "back_href": reverse("applications:review", args=[application.pk]),
            "back_label": _("Review"),
        },
    )


@keeps_form
def review_unassign(request, pk: int, assignment_pk: int):
    application = access.get_review_for(request.user, pk, write=True)
    assignment = (
        ReviewAssignment.objects.select_related("reviewer")
        .filter(application=application, pk=assignment_pk, removed_at__isnull=True)
        .first()
    )
    if assignment is None:
        messages.info(request, _("The assignment has already been withdrawn."))
        return redirect("applications:review", pk=application.pk)
    form = ReasonForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_unassign(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The assignment has been withdrawn."))
            return redirect("applications:review", pk=application.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Withdraw the assignment of %(name)s")
            % {"name": assignment.reviewer.full_name},
            "lead": _("What the person has written stays on record."),
            "button": _("Withdraw the assignment"),
            "danger": True,
            "back_href": reverse("applications:review", args=[application.pk]),
            "back_label": _("Review"),
        },
    )


# --- The reviewer's pages ---------------------------------------------------------------------


def _status(assignment: ReviewAssignment, version: int) -> str:
    if assignment.removed_at:
        return "removed"
    if assignment.declared_at is None:
        return "declare"
    return "done" if assignment.reviewed(version) else "review"


STATUS_TEXT = {
    "removed": pgettext_lazy("review", "Withdrawn"),
    "declare": gettext_lazy("Declare no conflict of interest"),
    "review": gettext_lazy("To review"),
    "done": pgettext_lazy("review", "Done"),
}


def assignment_list(request):
    if not access.can_review(request.user):
        raise PermissionDenied
    assignments = (
        ReviewAssignment.objects.for_reviewer(request.user)
        .select_related("application__registration", "application__owner", "application__call")
        .prefetch_related("scores", "statements")
        .order_by("removed_at", "due_on", "-assigned_at", "pk")
    )
    rows = []
    for assignment in assignments:
        status = _status(assignment, assignment.application.current_version)
        open_for_review = assignment.application.state in (
            ApplicationState.SUBMITTED,
            ApplicationState.REVISION_REQUESTED,
        )
        if status == "review" and not open_for_review:
            status = "closed"
        rows.append((assignment, status, STATUS_TEXT.get(status, pgettext("review", "Closed"))))
    return render(request, "applications/assignment_list.html", {"rows": rows})


def _previous_version(assignment: ReviewAssignment) -> int | None:
    """The last version the reviewer reviewed, when the applicant has submitted a newer one."""
    reviewed = [item.version for item in assignment.reviews()]
    current = assignment.application.current_version
    last = max(reviewed, default=None)
    if last is not None and last < current:
        return last
    return None


def assignment_detail(request, pk: int):
    assignment = access.get_assignment_for(request.user, pk)
    application = assignment.application
    assignment = (
        ReviewAssignment.objects.prefetch_related(
            Prefetch("scores", queryset=Score.objects.prefetch_related("criteria")), "statements"
        )
        .select_related("reviewer", "application__registration", "application__owner")
        .get(pk=assignment.pk)
    )
    status = _status(assignment, application.current_version)
    own = assignment.reviewer_id == request.user.pk
    return render(
        request,
        "applications/assignment_detail.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "status": status,
            "own": own,
            "declaration_form": DeclarationForm() if own and status == "declare" else None,
            "declaration_text": DECLARATION,
            "previous": _previous_version(assignment),
            "open_for_review": assignment.takes_reviews(),
            "scores": list(assignment.scores.all()),
            "statements": list(assignment.statements.all()),
        },
    )


@keeps_form
@idempotent
def assignment_declare(request, pk: int):
    assignment = access.get_assignment_for(request.user, pk, write=True)
    form = DeclarationForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_declare(
                actor=request.user,
                assignment=assignment,
                conflict=form.cleaned_data["conflict"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if form.cleaned_data["conflict"]:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest has been recorded and the fund administrators "
                        "told. You are no longer assigned to the application."
                    ),
                )
                return redirect("reviews:list")
            messages.success(request, _("Your declaration has been recorded. You may review."))
            return redirect("reviews:assignment", pk=assignment.pk)
    return render(
        request,
        "applications/assignment_declare.html",
        {"form": form, "assignment": assignment, "declaration_text": DECLARATION},
    )


@keeps_form
@idempotent
def statement_submit(request, pk: int):
    assignment = access.get_assignment_for(request.user, pk, write=True)
    application = assignment.application
    if assignment.declared_at is None and assignment.removed_at is None:
        return redirect("reviews:declare", pk=assignment.pk)
    form = StatementForm(
        bound_or_restored(request), initial={"version": application.current_version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_statement_submit(
                actor=request.user,
                assignment=assignment,
                version=form.cleaned_data["version"],
                evidence=form.cleaned_data["evidence"],
                evaluation=form.cleaned_data["evaluation"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your statement has been submitted."))
            return redirect("reviews:assignment", pk=assignment.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Statement on %(title)s, version %(version)s")
            % {"title": application.title, "version": application.current_version},
            "lead": _(
                "Your statement on the evidence base and the evaluation design. The fund "
                "administrators may send it to the applicant without your name."
            ),
            "button": _("Submit the statement"),
            "back_href": reverse("reviews:assignment", args=[assignment.pk]),
            "back_label": _("The assignment"),
        },
    )


@keeps_form
@idempotent
def score_submit(request, pk: int):
    assignment = access.get_assignment_for(request.user, pk, write=True)
    application = assignment.application
    if assignment.declared_at is None and assignment.removed_at is None:
        return redirect("reviews:declare", pk=assignment.pk)
    form = ScoreForm(bound_or_restored(request), initial={"version": application.current_version})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_score(
                actor=request.user,
                assignment=assignment,
                version=form.cleaned_data["version"],
                criteria=form.criteria(),
                suggested_outcome=form.cleaned_data["suggested_outcome"],
                suggested_amount=form.cleaned_data["suggested_amount"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your score has been submitted. You now see the other members' scores."),
            )
            return redirect("applications:review", pk=application.pk)
    return render(
        request,
        "applications/score_form.html",
        {"form": form, "assignment": assignment, "application": application},
    )


# --- The council's recommendation -------------------------------------------------------------


def _recommendation_initial(application: Application, table, existing) -> tuple[list[int], dict]:
    planned = fund_years(application)
    years = set(planned)
    if application.planned_start and application.planned_end:
        years |= set(range(application.planned_start.year, application.planned_end.year + 1))
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


@keeps_form
@idempotent
def recommendation_record(request, pk: int):
    application = access.get_review_for(request.user, pk, write=True)
    context = review_context(request.user, application)
    existing = (
        CouncilRecommendation.objects.filter(application=application)
        .prefetch_related("years")
        .first()
    )
    years, initial = _recommendation_initial(application, context["table"], existing)
    meetings = CouncilMeeting.objects.filter(
        fund=application.call.fund, held_on__lte=timezone.localdate()
    ).order_by("-held_on", "-pk")
    form = RecommendationForm(
        bound_or_restored(request), meetings=meetings, years=years, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_record(
                actor=request.user,
                application=application,
                meeting=form.cleaned_data["meeting"],
                outcome=form.cleaned_data["outcome"],
                criteria_met=form.criteria_met(),
                years=form.amounts(),
                summary=form.cleaned_data["summary"],
                reasons=form.cleaned_data["reasons"],
            )
        except DomainError as error:
            if error.field == "years":
                form.add_error(None, error.message)
            else:
                add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The council's recommendation has been recorded and the applicant told."),
            )
            return redirect("applications:review", pk=application.pk)
    return render(
        request,
        "applications/recommendation_form.html",
        {
            "form": form,
            "application": application,
            **context,
            "outcomes": Outcome,
            "existing": existing,
        },
    )
