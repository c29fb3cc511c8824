"""Idea sketches: the owner organisation's applicants write and submit; the case's
organisations, fund administrators and (once submitted) readers and council members read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, services
from applications.forms.cases import SketchFilterForm, SketchForm, SubmitForm
from applications.models import SKETCH_FIELDS, Call, IdeaSketch, SketchState
from applications.selectors.cases import missing_on_submit, sketch_page
from applications.states import SKETCH, sketch_submit_refusal
from core import access as core_access
from core import exports
from core.cases import comment_organisation
from core.errors import DomainError
from core.forms import ReasonForm, bound_or_restored
from core.http import (
    add_domain_error,
    comment_page,
    comment_withdraw_page,
    idempotent,
    paginate,
    submit_flags,
)
from core.ids import id_or_404
from core.middleware import keeps_form
from core.models import Comment


def sketch_columns() -> list[exports.Column]:
    """The idea sketch list as a file: the list's columns."""
    return [
        exports.Column(_("Registration number"), lambda s: s.registration or ""),
        exports.Column(_("Title"), lambda s: s.title),
        exports.Column(_("Lead owner"), lambda s: s.owner.name),
        exports.Column(_("Call"), lambda s: s.call.title),
        exports.Column(_("Submitted"), lambda s: s.submitted_at, exports.DATE),
        exports.Column(_("State"), lambda s: s.get_state_display()),
    ]


def sketch_list(request):
    if not access.can_list_cases(request.user):
        raise PermissionDenied
    visible = IdeaSketch.objects.visible_to(request.user)
    form = SketchFilterForm(
        request.GET or None,
        calls=Call.objects.visible_to(request.user).order_by("-idea_sketch_deadline"),
        states=SketchState.choices,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    sketches = visible.matching(
        search=filters.get("q", ""),
        call=filters.get("call"),
        state=filters.get("state", ""),
        organisation=filters.get("organisation"),
    ).for_list()
    if exports.wanted(request):
        return exports.export_response(request, "ideskisser", sketch_columns(), sketches)
    page, query = paginate(request, sketches)
    return render(
        request,
        "applications/sketch_list.html",
        {
            "page": page,
            "query": query,
            "form": form,
            "can_start": access.can_start_sketch(request.user),
        },
    )


def _open_call(request, call_pk) -> Call:
    return access.get_call_for(request.user, id_or_404(call_pk))


@keeps_form
@idempotent
def sketch_create(request):
    if not access.can_start_sketch(request.user):
        raise PermissionDenied
    owners = core_access.applicant_organisations(request.user)
    call = _open_call(request, request.GET.get("call"))
    previous = None
    if request.GET.get("previous"):
        previous = _previous_sketch(request)
    form = SketchForm(bound_or_restored(request), owners=owners, initial=_initial_from(previous))
    if request.method == "POST" and form.is_valid():
        try:
            sketch = services.idea_sketch_create(
                actor=request.user,
                call=call,
                owner=form.cleaned_data["owner"],
                previous=previous,
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The idea sketch has been saved as a draft. Submit it when it is complete."),
            )
            return redirect("sketches:detail", pk=sketch.pk)
    return render(
        request,
        "applications/sketch_form.html",
        {
            "form": form,
            "call": call,
            "previous": previous,
            "title": _("New idea sketch"),
            "open": call.sketches_open(),
        },
    )


def _previous_sketch(request) -> IdeaSketch:
    return access.get_sketch_for(request.user, id_or_404(request.GET["previous"]), write=True)


def _initial_from(previous: IdeaSketch | None) -> dict:
    if previous is None:
        return {}
    return {
        "owner": previous.owner_id,
        **{name: getattr(previous, name) for name in SKETCH_FIELDS},
        "co_owners": [o.pk for o in previous.co_owners()],
        "partners": [o.pk for o in previous.partners()],
    }


def sketch_detail(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk)
    return render(request, "applications/sketch_detail.html", sketch_page(request.user, sketch))


@keeps_form
def sketch_edit(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk, write=True)
    try:
        SKETCH.check_editable(sketch)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("sketches:detail", pk=sketch.pk)
    initial = {name: getattr(sketch, name) for name in SKETCH_FIELDS}
    initial["co_owners"] = [o.pk for o in sketch.co_owners()]
    initial["partners"] = [o.pk for o in sketch.partners()]
    form = SketchForm(bound_or_restored(request), initial=initial, exclude=sketch.owner_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_sketch_update(actor=request.user, sketch=sketch, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The idea sketch has been saved."))
            return redirect("sketches:detail", pk=sketch.pk)
    return render(
        request,
        "applications/sketch_form.html",
        {
            "form": form,
            "call": sketch.call,
            "sketch": sketch,
            "title": _("Edit %(title)s") % {"title": sketch.title},
        },
    )


@idempotent
def sketch_submit(request, pk: int):
    """GET: what is missing, and the button. POST: submit, then the receipt."""
    sketch = access.get_sketch_for(request.user, pk, write=True)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_sketch_submit(actor=request.user, sketch=sketch)
        except DomainError as refused:
            error = refused.message
        else:
            return redirect("sketches:receipt", pk=sketch.pk)
    return render(
        request,
        "applications/sketch_submit.html",
        {
            "sketch": sketch,
            "form": form,
            "error": error,
            "missing": missing_on_submit(sketch),
            "resubmission": sketch.state == SketchState.RETURNED,
            # The same refusal the service gives: the page explains it before anyone tries.
            **submit_flags(sketch_submit_refusal(sketch)),
        },
    )


def sketch_receipt(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk)
    if sketch.registration_id is None:
        raise Http404
    return render(request, "applications/sketch_receipt.html", {"sketch": sketch})


@keeps_form
@idempotent
def sketch_withdraw(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request), required=False, label=_("Reason (optional)"))
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_sketch_withdraw(
                actor=request.user, sketch=sketch, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The idea sketch has been withdrawn."))
            return redirect("sketches:detail", pk=sketch.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Withdraw %(title)s") % {"title": sketch.title},
            "lead": _(
                "A withdrawn sketch stays on record with its registration number but cannot "
                "be submitted again."
            ),
            "button": _("Withdraw the idea sketch"),
            "danger": True,
            "back_href": reverse("sketches:detail", args=[sketch.pk]),
            "back_label": sketch.title,
        },
    )


@require_POST
@idempotent
def sketch_apply(request, pk: int):
    """Start (or open, if already started) the application of an applicable sketch."""
    sketch = access.get_sketch_for(request.user, pk, write=True)
    try:
        application = services.application_create(actor=request.user, sketch=sketch)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sketches:detail", pk=sketch.pk)
    messages.success(
        request, _("The application has been started from the idea sketch. Complete it below.")
    )
    return redirect("applications:edit", pk=application.pk)


@require_POST
@idempotent
def sketch_comment(request, pk: int):
    case = access.get_sketch_for(request.user, pk)
    may, organisation = comment_organisation(request.user, case)
    if not may:
        raise PermissionDenied
    return comment_page(
        request,
        target=case,
        organisation=organisation,
        back_href=reverse("sketches:detail", args=[case.pk]),
        back_label=case.title,
    )


@require_POST
def sketch_comment_withdraw(request, pk: int, comment_pk: int):
    case = access.get_sketch_for(request.user, pk)
    comment = Comment.objects.on(case).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment_withdraw_page(
        request, comment=comment, back_href=reverse("sketches:detail", args=[case.pk])
    )
