"""Review of an application: fund administrators assign reviewers and record the council's
recommendation; reviewers declare, write statements and score. Scores are shown only as
"Who sees what" allows (``access.score_reader``); applicants never reach these pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import access, services
from applications.forms.reviews import (
    AssignForm,
    DeclarationForm,
    RecommendationForm,
    ScoreForm,
    StatementForm,
)
from applications.models import DECLARATION, Outcome
from applications.selectors.reviews import (
    assignment_page,
    assignment_rows,
    assignments_of,
    recommendation_page,
    review_page,
    reviewer_candidates,
    visible_scores,
)
from core import exports
from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form


def score_columns() -> list[exports.Column]:
    """The scores the reader may see as a file: one row per score and criterion."""
    return [
        exports.Column(_("Version"), lambda r: r[0].version, exports.NUMBER),
        exports.Column(_("Council member"), lambda r: r[0].assignment.reviewer.full_name),
        exports.Column(_("Criterion"), lambda r: r[1].get_criterion_display()),
        exports.Column(_("Points"), lambda r: r[1].points, exports.NUMBER),
        exports.Column(_("Met"), lambda r: _("Yes") if r[1].met else _("No")),
        exports.Column(_("Comment"), lambda r: r[1].comment),
        exports.Column(_("Suggested outcome"), lambda r: r[0].get_suggested_outcome_display()),
        exports.Column(_("Suggested amount"), lambda r: r[0].suggested_amount, exports.NUMBER),
        exports.Column(_("Overall comment"), lambda r: r[0].comment),
        exports.Column(_("Submitted"), lambda r: r[0].submitted_at, exports.DATE),
    ]


def review_detail(request, pk: int):
    application = access.get_review_for(request.user, pk)
    if exports.wanted(request):
        rows = [
            (score, cell)
            for score in visible_scores(request.user, application)
            for cell in score.criteria.all()
        ]
        name = "poang-" + str(application.registration).replace(" ", "-").replace("/", "-")
        return exports.export_response(request, name, score_columns(), rows)
    return render(
        request, "applications/review_detail.html", review_page(request.user, application)
    )


@keeps_form
@idempotent
def review_assign(request, pk: int):
    application = access.get_review_for(request.user, pk, write=True)
    people, excluded = reviewer_candidates(application)
    form = AssignForm(bound_or_restored(request), people=people, excluded=excluded)
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
        application.assignments.active().select_related("reviewer").filter(pk=assignment_pk).first()
    )
    if assignment is None:
        messages.info(request, _("The assignment has already been withdrawn."))
        return redirect("applications:review", pk=application.pk)
    form = ReasonForm(bound_or_restored(request), message=_("Give the reason."))
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


def assignment_list(request):
    if not access.can_review(request.user):
        raise PermissionDenied
    open_only = request.GET.get("status") == "open"
    page, query = paginate(request, assignments_of(request.user, open_only=open_only))
    return render(
        request,
        "applications/assignment_list.html",
        {
            "rows": assignment_rows(page.object_list),
            "page": page,
            "query": query,
            "open_only": open_only,
        },
    )


def assignment_detail(request, pk: int):
    context = assignment_page(request.user, access.get_assignment_for(request.user, pk))
    declare = context["own"] and context["status"] == "declare"
    context["declaration_form"] = DeclarationForm() if declare else None
    return render(request, "applications/assignment_detail.html", context)


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


@keeps_form
@idempotent
def recommendation_record(request, pk: int):
    application = access.get_review_for(request.user, pk, write=True)
    context = recommendation_page(request.user, application)
    form = RecommendationForm(
        bound_or_restored(request),
        meetings=context.pop("meetings"),
        years=context.pop("years"),
        initial=context.pop("initial"),
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
        },
    )
