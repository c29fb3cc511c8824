"""The pages of a project's reclaim plan: the plan with its versions side by side, the draft's
lines, and the decisions (a fund administrator drafts and sends; the city director, or the
delegate, decides or sends back)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from core.models import Organisation
from core.money import format_kr
from reclaim import access, services
from reclaim.forms import (
    AdjustmentForm,
    BookForm,
    ConfirmForm,
    DecideForm,
    FollowUpForm,
    LinesForm,
)
from reclaim.selectors import follow_up_of, line_organisations, plan_page, rules_of


def _back(project) -> str:
    return reverse("reclaim:plan", args=[project.pk])


def plan_detail(request, project_pk: int):
    project = access.get_plan_project_for(request.user, project_pk)
    return render(request, "reclaim/plan.html", plan_page(request.user, project))


def _form_page(request, project, form, *, action, success, title, button, lead="", danger=False):
    """A form page of the plan: its POST does ``action(cleaned_data)``; a refusal is shown on
    the form, which keeps what was typed; success goes back to the plan."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "danger": danger,
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
    )


def _confirm(request, project, *, action, **page):
    """A confirmation page whose POST does ``action()``."""
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    return _form_page(request, project, form, action=lambda _data: action(), **page)


@idempotent
def plan_draft(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_draft(user)
    )
    return _confirm(
        request,
        project,
        action=lambda: services.reclaim_plan_draft(actor=request.user, project=project),
        title=_("Draft the reclaim plan of %(title)s") % {"title": project.title},
        lead=_(
            "The plan is prefilled with the evaluation's measured reductions inside the reclaim "
            "period; what falls outside it is shown apart and never becomes a line."
        ),
        button=_("Draft the plan"),
        success=_("The reclaim plan has been drafted from the evaluation."),
    )


@keeps_form
def version_edit(request, project_pk: int, version_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_draft(user)
    )
    version = access.get_version_for(project, version_pk)
    rules = rules_of(version)
    years = list(range(version.start_year, version.start_year + rules.window_years))
    form = LinesForm(
        bound_or_restored(request),
        organisations=line_organisations(project),
        years=years,
        initial_lines={
            (line.organisation_id, line.year): line.amount for line in version.lines.all()
        },
        initial={"reason": version.reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_update(
                actor=request.user,
                version=version,
                start_year=version.start_year,
                lines=form.lines(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The plan's lines have been saved."))
            return redirect(_back(project))
    return render(
        request,
        "reclaim/version_form.html",
        {"project": project, "version": version, "form": form, "years": years},
    )


@idempotent
def version_fit(request, project_pk: int, version_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_draft(user)
    )
    version = access.get_version_for(project, version_pk)
    return _confirm(
        request,
        project,
        action=lambda: services.plan_version_fit(actor=request.user, version=version),
        title=_("Fit version %(number)s to the cap") % {"number": version.number},
        lead=_(
            "Every line not yet booked or waived is scaled down in proportion, so that the "
            "plan returns exactly what the project was paid net of refunds."
        ),
        button=_("Fit to the cap"),
        success=_("The plan has been fitted to the cap."),
    )


@idempotent
def version_submit(request, project_pk: int, version_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_draft(user)
    )
    version = access.get_version_for(project, version_pk)
    return _confirm(
        request,
        project,
        action=lambda: services.plan_version_submit(actor=request.user, version=version),
        title=_("Send version %(number)s to the city director") % {"number": version.number},
        lead=_("The city director, or the delegate, decides it or sends it back."),
        button=_("Send to the city director"),
        success=_("The plan has been sent to the city director."),
    )


@idempotent
def version_decide(request, project_pk: int, version_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    version = access.get_version_for(project, version_pk)
    return _form_page(
        request,
        project,
        DecideForm(bound_or_restored(request)),
        action=lambda data: services.plan_version_approve(
            actor=request.user,
            version=version,
            comment=data["comment"],
            above_cap_reason=data["above_cap_reason"],
        ),
        success=_("The reclaim plan has been decided."),
        title=_("Decide version %(number)s of the reclaim plan") % {"number": version.number},
        lead=_("The plan is frozen once decided; later changes are new versions."),
        button=_("Decide the plan"),
    )


@keeps_form
@idempotent
def version_return(request, project_pk: int, version_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    version = access.get_version_for(project, version_pk)
    form = ReasonForm(
        bound_or_restored(request),
        label=_("What should change"),
        message=_("Say what should change."),
    )
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.plan_version_return(
            actor=request.user, version=version, message=data["reason"]
        ),
        success=_("The plan has been sent back."),
        title=_("Send version %(number)s back") % {"number": version.number},
        button=_("Send back"),
    )


@idempotent
def plan_adjust(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_draft(user)
    )
    plan = access.get_plan_for(project)
    return _confirm(
        request,
        project,
        action=lambda: services.plan_adjustment_start(actor=request.user, plan=plan),
        title=_("Adjust the reclaim plan of %(title)s") % {"title": project.title},
        lead=_(
            "A new version is drafted from the plan in force. Booked and waived lines keep "
            "their amounts; the city director decides the new version."
        ),
        button=_("Start the adjustment"),
        success=_("A new version of the plan has been started."),
    )


@keeps_form
@idempotent
def installment_book(request, project_pk: int, organisation_pk: int, year: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_book(user)
    )
    plan, line = access.get_line_for(project, organisation_pk, year)
    form = BookForm(bound_or_restored(request), initial={"value_date": timezone.localdate()})
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.installment_book(
            actor=request.user,
            plan=plan,
            organisation=line.organisation,
            year=line.year,
            amount=line.amount,
            value_date=data["value_date"],
        ),
        success=_("The return has been booked in the fund's ledger."),
        title=_("Book %(who)s %(year)s") % {"who": line.organisation.name, "year": year},
        lead=_(
            "%(who)s has reduced its budget by %(amount)s: a return of that amount is "
            "written to the fund's ledger."
        )
        % {"who": line.organisation.name, "amount": format_kr(line.amount)},
        button=_("Book the return"),
    )


@keeps_form
@idempotent
def installment_waive(request, project_pk: int, organisation_pk: int, year: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    plan, line = access.get_line_for(project, organisation_pk, year)
    form = ReasonForm(bound_or_restored(request), message=_("Say why the line is waived."))
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.installment_waive(
            actor=request.user,
            plan=plan,
            organisation=line.organisation,
            year=line.year,
            reason=data["reason"],
        ),
        success=_("The line has been waived."),
        title=_("Waive %(who)s %(year)s") % {"who": line.organisation.name, "year": year},
        lead=_("Nothing is owed for the line (%(amount)s).") % {"amount": format_kr(line.amount)},
        button=_("Waive the line"),
    )


@keeps_form
@idempotent
def plan_exempt(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    form = ReasonForm(bound_or_restored(request), message=_("Say why the project is exempt."))
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.reclaim_exempt(
            actor=request.user, project=project, reason=data["reason"]
        ),
        success=_("The project has been exempted from reclaim."),
        title=_("Exempt %(title)s from reclaim") % {"title": project.title},
        lead=_(
            "The project gave no economic effects (the evaluation is the basis): nothing is "
            "owed, and its work with the fund ends."
        ),
        button=_("Exempt the project"),
        danger=True,
    )


@keeps_form
@idempotent
def budget_adjustment(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_book(user)
    )
    plan = access.get_plan_for(project)
    form = AdjustmentForm(bound_or_restored(request), organisations=line_organisations(project))
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.budget_adjustment_record(
            actor=request.user,
            plan=plan,
            organisation=Organisation.objects.get(pk=data["organisation"]),
            amount=data["amount"],
            reference=data["reference"],
            decided_on=data["decided_on"],
        ),
        success=_("The final budget adjustment has been recorded."),
        title=_("Final budget adjustment"),
        lead=_(
            "After the last reclaim year: the permanent change of an organisation's ordinary "
            "budget frame. It is not ledger money and does not count against the cap."
        ),
        button=_("Record the adjustment"),
    )


@idempotent
def plan_close(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_book(user)
    )
    plan = access.get_plan_for(project)
    return _confirm(
        request,
        project,
        action=lambda: services.reclaim_plan_close(actor=request.user, plan=plan),
        title=_("Close the reclaim plan of %(title)s") % {"title": project.title},
        lead=_(
            "Every line is booked or waived: the plan closes, and the project's work with the "
            "fund ends."
        ),
        button=_("Close the plan"),
        success=_("The reclaim plan is closed."),
    )


@keeps_form
@idempotent
def follow_up(request, project_pk: int, year: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_book(user)
    )
    plan = access.get_plan_for(project)
    organisations, recorded = follow_up_of(plan, year)
    form = FollowUpForm(
        bound_or_restored(request),
        organisations=organisations,
        year=year,
        initial_amounts={row.organisation_id: row.amount for row in recorded},
        initial={"note": recorded[0].note if recorded else ""},
    )
    return _form_page(
        request,
        project,
        form,
        action=lambda data: services.follow_up_record(
            actor=request.user,
            plan=plan,
            year=year,
            amounts=form.amounts(),
            note=data["note"],
        ),
        success=_("The follow-up of %(year)s has been recorded.") % {"year": year},
        title=_("Follow-up %(year)s: the verified actual reduction") % {"year": year},
        lead=_(
            "Record what the organisations' costs actually fell in %(year)s, next to the plan. "
            "It changes no amount to return: for that, adjust the plan."
        )
        % {"year": year},
        button=_("Record the follow-up"),
    )
