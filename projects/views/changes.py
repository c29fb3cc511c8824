"""Change requests and the revision after a reduced grant: started, written and submitted by
the project's side, approved or rejected by a fund administrator; and versions compared."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import add_domain_error, form_error_list, idempotent
from core.middleware import keeps_form
from projects import access, services
from projects.forms import ChangeForm, ConfirmForm, change_tables, formset_rows
from projects.models import ChangeKind
from projects.plans import allowed_recipients
from projects.selectors.pages import change_page
from projects.states import CHANGE


def _url(change) -> str:
    return reverse("projects:change", args=[change.project_id, change.pk])


def _may_write(user, project, kind) -> bool:
    if kind == ChangeKind.REVISION:
        return access.can_revise(user, project)
    return access.can_request_change(user, project)


@require_POST
@idempotent
def change_create(request, pk: int, kind: str):
    if kind not in ChangeKind.values:
        raise PermissionDenied
    project = access.get_project_for(
        request.user, pk, full=True, may=lambda user, p: _may_write(user, p, kind)
    )
    try:
        change = services.change_request_create(actor=request.user, project=project, kind=kind)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("projects:detail", pk=project.pk)
    return redirect("projects:change_edit", pk=project.pk, change_pk=change.pk)


def change_detail(request, pk: int, change_pk: int):
    change = access.get_change_for(request.user, pk, change_pk)
    return render(request, "projects/change_detail.html", change_page(request.user, change))


@keeps_form
def change_edit(request, pk: int, change_pk: int):
    change = access.get_change_for(request.user, pk, change_pk)
    project = change.project
    if not _may_write(request.user, project, change.kind):
        raise PermissionDenied
    if not CHANGE.is_editable(change):
        messages.error(request, _("The change request has been sent and cannot be changed now."))
        return redirect(_url(change))
    revision = change.kind == ChangeKind.REVISION
    data = bound_or_restored(request)
    form = ChangeForm(
        data,
        revision=revision,
        initial={"reason": change.reason, "ends_on": change.ends_on, "scope": change.scope},
    )
    tables = change_tables(change, data, recipients=allowed_recipients(project))
    posted = data is not None and request.method == "POST"
    if posted and form.is_valid() and all(t[2].is_valid() for t in tables):
        rows = {name: formset_rows(formset) for name, _title, formset in tables}
        try:
            services.change_request_update(
                actor=request.user,
                change=change,
                reason=form.cleaned_data["reason"],
                ends_on=form.cleaned_data.get("ends_on"),
                scope=form.cleaned_data.get("scope", ""),
                budget=[
                    (r["year"], r["recipient"].pk, r["cost_type"], r["amount"])
                    for r in rows["budget"]
                ],
                savings=[
                    (r["organisation"].pk, r["year"], r["amount"], r["assumptions"])
                    for r in rows.get("savings", [])
                ]
                if revision
                else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The change request has been saved."))
            return redirect(_url(change))
    return render(
        request,
        "projects/change_form.html",
        {
            "project": project,
            "change": change,
            "form": form,
            "tables": tables,
            "error_list": form_error_list(form, tables) if posted else [],
        },
    )


def _action(request, change, *, action, title, lead, button, success, form=None, danger=False):
    form = form or ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(form)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_url(change))
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "danger": danger,
            "back_href": _url(change),
            "back_label": change.get_kind_display(),
        },
    )


@idempotent
def change_submit(request, pk: int, change_pk: int):
    change = access.get_change_for(request.user, pk, change_pk)
    if not _may_write(request.user, change.project, change.kind):
        raise PermissionDenied
    return _action(
        request,
        change,
        action=lambda _f: services.change_request_submit(actor=request.user, change=change),
        title=_("Send the change request to the fund administrators"),
        lead=_("A fund administrator approves or rejects it, with a reason."),
        button=_("Send"),
        success=_("The change request has been sent."),
    )


@idempotent
def change_withdraw(request, pk: int, change_pk: int):
    change = access.get_change_for(request.user, pk, change_pk)
    if not _may_write(request.user, change.project, change.kind):
        raise PermissionDenied
    return _action(
        request,
        change,
        action=lambda _f: services.change_request_withdraw(actor=request.user, change=change),
        title=_("Withdraw the change request"),
        lead=_("It stays on record as withdrawn."),
        button=_("Withdraw"),
        success=_("The change request has been withdrawn."),
        danger=True,
    )


def _manage(request, pk, change_pk):
    return access.get_change_for(
        request.user, pk, change_pk, may=lambda user, _p: access.can_manage_projects(user)
    )


@keeps_form
@idempotent
def change_approve(request, pk: int, change_pk: int):
    change = _manage(request, pk, change_pk)
    return _action(
        request,
        change,
        form=ReasonForm(bound_or_restored(request), required=False),
        action=lambda form: services.change_request_approve(
            actor=request.user, change=change, reason=form.cleaned_data["reason"]
        ),
        title=_("Approve the change request"),
        lead=_("The change becomes the project's next version; the budget follows it."),
        button=_("Approve"),
        success=_("The change has been approved."),
    )


@keeps_form
@idempotent
def change_reject(request, pk: int, change_pk: int):
    change = _manage(request, pk, change_pk)
    return _action(
        request,
        change,
        form=ReasonForm(
            bound_or_restored(request), message=_("Give the reason for rejecting the change.")
        ),
        action=lambda form: services.change_request_reject(
            actor=request.user, change=change, reason=form.cleaned_data["reason"]
        ),
        title=_("Reject the change request"),
        lead=_("The project keeps its current plans. The reason is sent to the project."),
        button=_("Reject"),
        success=_("The change has been rejected."),
        danger=True,
    )
