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
from reclaim.forms import AdjustmentForm, BookForm, ConfirmForm, DecideForm, LinesForm
from reclaim.selectors import line_organisations, plan_page, rules_of


def _back(project) -> str:
    return reverse("reclaim:plan", args=[project.pk])


def plan_detail(request, project_pk: int):
    project = access.get_plan_project_for(request.user, project_pk)
    return render(request, "reclaim/plan.html", plan_page(request.user, project))


def _confirm(request, project, *, action, title, lead, button, success):
    """A confirmation page whose POST does ``action()``; a refusal is shown on the page."""
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action()
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
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
    )


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
    form = DecideForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_approve(
                actor=request.user,
                version=version,
                comment=form.cleaned_data["comment"],
                above_cap_reason=form.cleaned_data["above_cap_reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The reclaim plan has been decided."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Decide version %(number)s of the reclaim plan")
            % {"number": version.number},
            "lead": _("The plan is frozen once decided; later changes are new versions."),
            "button": _("Decide the plan"),
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
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
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_return(
                actor=request.user, version=version, message=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The plan has been sent back."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Send version %(number)s back") % {"number": version.number},
            "button": _("Send back"),
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
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
    if request.method == "POST" and form.is_valid():
        try:
            services.installment_book(
                actor=request.user,
                plan=plan,
                organisation=line.organisation,
                year=line.year,
                amount=line.amount,
                value_date=form.cleaned_data["value_date"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The return has been booked in the fund's ledger."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Book %(who)s %(year)s") % {"who": line.organisation.name, "year": year},
            "lead": _(
                "%(who)s has reduced its budget by %(amount)s: a return of that amount is "
                "written to the fund's ledger."
            )
            % {"who": line.organisation.name, "amount": format_kr(line.amount)},
            "button": _("Book the return"),
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
    )


@keeps_form
@idempotent
def installment_waive(request, project_pk: int, organisation_pk: int, year: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    plan, line = access.get_line_for(project, organisation_pk, year)
    form = ReasonForm(bound_or_restored(request), message=_("Say why the line is waived."))
    if request.method == "POST" and form.is_valid():
        try:
            services.installment_waive(
                actor=request.user,
                plan=plan,
                organisation=line.organisation,
                year=line.year,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The line has been waived."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Waive %(who)s %(year)s") % {"who": line.organisation.name, "year": year},
            "lead": _("Nothing is owed for the line (%(amount)s).")
            % {"amount": format_kr(line.amount)},
            "button": _("Waive the line"),
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
    )


@keeps_form
@idempotent
def plan_exempt(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_decide(user)
    )
    form = ReasonForm(bound_or_restored(request), message=_("Say why the project is exempt."))
    if request.method == "POST" and form.is_valid():
        try:
            services.reclaim_exempt(
                actor=request.user, project=project, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The project has been exempted from reclaim."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Exempt %(title)s from reclaim") % {"title": project.title},
            "lead": _(
                "The project gave no economic effects (the evaluation is the basis): nothing is "
                "owed, and its work with the fund ends."
            ),
            "button": _("Exempt the project"),
            "danger": True,
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
    )


@keeps_form
@idempotent
def budget_adjustment(request, project_pk: int):
    project = access.get_plan_project_for(
        request.user, project_pk, may=lambda user, _p: access.can_book(user)
    )
    plan = access.get_plan_for(project)
    form = AdjustmentForm(bound_or_restored(request), organisations=line_organisations(project))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.budget_adjustment_record(
                actor=request.user,
                plan=plan,
                organisation=Organisation.objects.get(pk=data["organisation"]),
                amount=data["amount"],
                reference=data["reference"],
                decided_on=data["decided_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The final budget adjustment has been recorded."))
            return redirect(_back(project))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Final budget adjustment"),
            "lead": _(
                "After the last reclaim year: the permanent change of an organisation's ordinary "
                "budget frame. It is not ledger money and does not count against the cap."
            ),
            "button": _("Record the adjustment"),
            "back_href": _back(project),
            "back_label": _("Reclaim plan"),
        },
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
