"""Idea sketches: the owner organisation's applicants write and submit; the case's
organisations, fund administrators and (once submitted) readers and council members read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, services
from applications.forms.cases import ReasonOptionalForm, SketchFilterForm, SketchForm, SubmitForm
from applications.models import Application, Call, CallState, IdeaSketch, SketchState
from applications.models.sketches import split_participants
from applications.services import sketches as sketch_services
from core import access as core_access
from core.errors import DomainError
from core.events import describe
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from core.models import Event

PAGE_SIZE = 50


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
    page, query = paginate(request, sketches, PAGE_SIZE)
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
    try:
        return access.get_call_for(request.user, int(call_pk))
    except (TypeError, ValueError) as bad:
        raise Http404 from bad


@keeps_form
@idempotent
def sketch_create(request):
    owners = core_access.applicant_organisations(request.user)
    if not owners:
        raise PermissionDenied
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
    try:
        previous = access.get_sketch_for(request.user, int(request.GET["previous"]), write=True)
    except ValueError as bad:
        raise Http404 from bad
    return previous


def _initial_from(previous: IdeaSketch | None) -> dict:
    if previous is None:
        return {}
    return {
        "owner": previous.owner_id,
        **{name: getattr(previous, name) for name in sketch_services.FIELDS},
        "co_owners": [o.pk for o in previous.co_owners()],
        "partners": [o.pk for o in previous.partners()],
    }


def sketch_detail(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk)
    user = request.user
    can_edit = access.can_edit_case(user, sketch)
    decisions = list(
        sketch.decisions.select_related("meeting", "recorded_by").prefetch_related(
            "taking_part", "conflicts__member"
        )
    )
    application = Application.objects.visible_to(user).filter(sketch=sketch).first()
    followups = list(
        IdeaSketch.objects.visible_to(user).filter(previous=sketch).select_related("call")
    )
    events = [(event, describe(event)) for event in Event.objects.for_target(sketch)[:100]]
    state = SketchState(sketch.state)
    can_follow_up = can_edit and state == SketchState.NOT_APPLICABLE
    open_calls = []
    if can_follow_up:
        today = timezone.localdate()
        open_calls = list(
            Call.objects.filter(
                state=CallState.PUBLISHED, idea_sketch_deadline__gte=today
            ).order_by("idea_sketch_deadline", "pk")
        )
    return render(
        request,
        "applications/sketch_detail.html",
        {
            "sketch": sketch,
            **split_participants(sketch.participants.select_related("organisation")),
            "decisions": decisions,
            "application": application,
            "followups": followups,
            "events": events,
            "can_edit": can_edit and state in sketch_services.EDITABLE_STATES,
            "can_submit": can_edit
            and SketchState.SUBMITTED in sketch_services.ALLOWED_TRANSITIONS[state],
            "can_withdraw": can_edit
            and SketchState.WITHDRAWN in sketch_services.ALLOWED_TRANSITIONS[state],
            "can_apply": can_edit
            and state == SketchState.APPLICABLE
            and application is None
            and sketch.call.applications_open(),
            "can_follow_up": can_follow_up,
            "open_calls": open_calls,
            "can_decide": access.can_manage_cases(user) and state == SketchState.SUBMITTED,
            "show_members": core_access.has_any_role(
                user, core_access.READ_ALL_ROLES | {"council_member"}
            ),
            "today": timezone.localdate(),
        },
    )


@keeps_form
def sketch_edit(request, pk: int):
    sketch = access.get_sketch_for(request.user, pk, write=True)
    if sketch.state not in sketch_services.EDITABLE_STATES:
        messages.error(
            request,
            _("An idea sketch that is %(state)s can no longer be changed.")
            % {"state": sketch.get_state_display().lower()},
        )
        return redirect("sketches:detail", pk=sketch.pk)
    initial = {name: getattr(sketch, name) for name in sketch_services.FIELDS}
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
            "missing": sketch_services.missing_on_submit(sketch),
            "resubmission": sketch.state == SketchState.RETURNED,
            "open": sketch.call.sketches_open(),
            "submittable": SketchState.SUBMITTED
            in sketch_services.ALLOWED_TRANSITIONS[SketchState(sketch.state)],
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
    form = ReasonOptionalForm(bound_or_restored(request))
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
