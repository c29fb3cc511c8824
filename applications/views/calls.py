"""Calls: fund administrators create, edit, publish, decide and cancel; everyone with an
account reads published calls and their guidance documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, services
from applications.forms import CallForm
from applications.models import CALL_FIELDS, Call
from applications.selectors.calls import call_page
from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import add_domain_error, file_download, idempotent, paginate, upload_page
from core.middleware import keeps_form


def call_list(request):
    if not access.can_read_calls(request.user):
        raise PermissionDenied
    calls = Call.objects.visible_to(request.user).for_list()
    page, query = paginate(request, calls)
    return render(
        request,
        "applications/call_list.html",
        {
            "page": page,
            "query": query,
            "today": timezone.localdate(),
            "can_manage": access.can_manage_calls(request.user),
        },
    )


def call_detail(request, pk: int):
    call = access.get_call_for(request.user, pk)
    return render(request, "applications/call_detail.html", call_page(request.user, call))


def _call_form_page(request, form, *, title, button, back_href, back_label):
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back_href": back_href,
            "back_label": back_label,
        },
    )


def _fields(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("idempotency_key", None)
    return data


@keeps_form
@idempotent
def call_create(request):
    if not access.can_manage_calls(request.user):
        raise PermissionDenied
    form = CallForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The call has been saved as a draft. Publish it when it is ready.")
            )
            return redirect("calls:detail", pk=call.pk)
    return _call_form_page(
        request,
        form,
        title=_("New call"),
        button=_("Save as draft"),
        back_href=reverse("calls:list"),
        back_label=_("Calls"),
    )


@keeps_form
def call_edit(request, pk: int):
    call = access.get_call_for(request.user, pk, write=True)
    initial = {name: getattr(call, name) for name in CALL_FIELDS}
    form = CallForm(bound_or_restored(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.user, call=call, **_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("calls:detail", pk=call.pk)
    return _call_form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": call.title},
        button=_("Save"),
        back_href=reverse("calls:detail", args=[call.pk]),
        back_label=call.title,
    )


def _post_action(request, pk: int, action, success: str):
    call = access.get_call_for(request.user, pk, write=True)
    try:
        action(call)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("calls:detail", pk=call.pk)


@require_POST
def call_publish(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda call: services.call_publish(actor=request.user, call=call),
        _("The call has been published. Applicants can see it now."),
    )


@require_POST
def call_decide(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda call: services.call_decide(actor=request.user, call=call),
        _("The call has been marked decided."),
    )


@keeps_form
def call_cancel(request, pk: int):
    call = access.get_call_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_cancel(actor=request.user, call=call, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The call has been cancelled."))
            return redirect("calls:detail", pk=call.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Cancel %(title)s") % {"title": call.title},
            "lead": _(
                "A cancelled call cannot be reopened. Applicants see that it was cancelled and why."
            ),
            "button": _("Cancel the call"),
            "danger": True,
            "back_href": reverse("calls:detail", args=[call.pk]),
            "back_label": call.title,
        },
    )


@keeps_form
@idempotent
def call_document_add(request, pk: int):
    call = access.get_call_for(request.user, pk, write=True)
    return upload_page(
        request,
        upload=lambda **file: services.call_document_add(actor=request.user, call=call, **file),
        title=_("Add a guidance document to %(title)s") % {"title": call.title},
        success=_("The document has been added."),
        back_href=reverse("calls:detail", args=[call.pk]),
        back_label=call.title,
    )


def call_document(request, pk: int, document_pk: int):
    return file_download(access.get_call_document_for(request.user, pk, document_pk))


@require_POST
def call_document_withdraw(request, pk: int, document_pk: int):
    document = access.get_call_document_for(request.user, pk, document_pk, write=True)
    try:
        services.call_document_withdraw(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document has been withdrawn."))
    return redirect("calls:detail", pk=document.call_id)
