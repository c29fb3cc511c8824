"""Disbursements, refunds and releases, recorded by fund administrators."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from core.models import Organisation
from core.money import format_kr
from projects import access, services
from projects.forms import PaymentForm, ReleaseForm
from projects.money import budget_of, ledger_figures


def _manage(request, pk):
    return access.get_project_for(
        request.user, pk, full=True, may=lambda user, _p: access.can_manage_projects(user)
    )


def _money_page(request, project, form, *, title, lead, button):
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "back_href": reverse("projects:detail", args=[project.pk]) + "#money",
            "back_label": project.title,
        },
    )


def _payment(request, pk: int, *, action, title, lead, button, success):
    project = _manage(request, pk)
    budget = budget_of(project.current_version)
    recipients = dict(
        Organisation.objects.filter(pk__in={r for _y, r in budget})
        .order_by("name")
        .values_list("pk", "name")
    )
    form = PaymentForm(
        bound_or_restored(request),
        years=sorted({year for year, _r in budget}),
        recipients=recipients,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("idempotency_key", None)
        data["recipient"] = Organisation.objects.get(pk=data["recipient"])
        try:
            action(actor=request.user, project=project, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success % {"amount": format_kr(data["amount"])})
            return redirect(reverse("projects:detail", args=[project.pk]) + "#money")
    return _money_page(
        request, project, form, title=title % {"title": project.title}, lead=lead, button=button
    )


@keeps_form
@idempotent
def disbursement_create(request, pk: int):
    return _payment(
        request,
        pk,
        action=services.disbursement_record,
        title=_("Pay out to %(title)s"),
        lead=_(
            "A disbursement to one recipient organisation for one budget year. It may not exceed "
            "what is left of that recipient's budget for the year, or of the grant."
        ),
        button=_("Record the disbursement"),
        success=_("The disbursement of %(amount)s is recorded in the ledger."),
    )


@keeps_form
@idempotent
def refund_create(request, pk: int):
    return _payment(
        request,
        pk,
        action=services.refund_record,
        title=_("Refund from %(title)s"),
        lead=_(
            "Money paid out but not spent, paid back by the recipient: never more than it was "
            "paid for that budget year."
        ),
        button=_("Record the refund"),
        success=_("The refund of %(amount)s is recorded in the ledger."),
    )


@keeps_form
@idempotent
def release_create(request, pk: int):
    project = _manage(request, pk)
    left = ledger_figures(project).outstanding
    form = ReleaseForm(bound_or_restored(request), initial={"amount": max(left, 0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.release_record(
                actor=request.user,
                project=project,
                amount=data["amount"],
                value_date=data["value_date"],
                reason=data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The release of %(amount)s is recorded in the ledger.")
                % {"amount": format_kr(data["amount"])},
            )
            return redirect(reverse("projects:detail", args=[project.pk]) + "#money")
    return _money_page(
        request,
        project,
        form,
        title=_("Release what will not be paid to %(title)s") % {"title": project.title},
        lead=_("Left of the grant: %(left)s. A release returns it to what the fund has available.")
        % {"left": format_kr(left)},
        button=_("Record the release"),
    )
