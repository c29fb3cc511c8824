"""Council meetings and applicability decisions, recorded by a fund administrator as the
council's secretary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access, services
from applications.forms.cases import ApplicabilityForm, CouncilMeetingForm
from applications.models import CouncilMeeting
from applications.selectors.council import (
    council_members,
    decision_page,
    meeting_page,
    sketches_awaiting_council,
)
from applications.states import awaits_council
from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.ids import id_or_404
from core.middleware import keeps_form
from core.models import Fund


def meeting_list(request):
    if not access.can_read_council(request.user):
        raise PermissionDenied
    page, query = paginate(request, CouncilMeeting.objects.for_list())
    waiting = sketches_awaiting_council().count()
    return render(
        request,
        "applications/meeting_list.html",
        {
            "page": page,
            "query": query,
            "waiting": waiting,
            "can_record": access.can_manage_cases(request.user),
        },
    )


def _fund_for(request) -> Fund:
    """The fund asked for (``?fund=``), or the first."""
    if request.GET.get("fund"):
        fund = Fund.objects.filter(pk=id_or_404(request.GET["fund"])).first()
    else:
        fund = Fund.objects.order_by("name").first()
    if fund is None:
        raise Http404
    return fund


@keeps_form
@idempotent
def meeting_create(request):
    if not access.can_manage_cases(request.user):
        raise PermissionDenied
    fund = _fund_for(request)
    today = timezone.localdate()
    form = CouncilMeetingForm(
        bound_or_restored(request),
        members=council_members(today).order_by("full_name"),
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.council_meeting_create(
                actor=request.user,
                fund=fund,
                held_on=form.cleaned_data["held_on"],
                members=form.cleaned_data["members"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The meeting has been recorded. Record its decisions."))
            return redirect("council:meeting", pk=meeting.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Record a council meeting"),
            "lead": _(
                "Members who belong to an organisation of a case take no part in its decision; "
                "that is worked out for each decision."
            ),
            "button": _("Record the meeting"),
            "back_href": reverse("council:meetings"),
            "back_label": _("Council meetings"),
        },
    )


def meeting_detail(request, pk: int):
    meeting = access.get_meeting_for(request.user, pk)
    return render(
        request,
        "applications/meeting_detail.html",
        {**meeting_page(meeting), "can_record": access.can_manage_cases(request.user)},
    )


@keeps_form
@idempotent
def sketch_decide(request, pk: int, sketch_pk: int):
    meeting = access.get_meeting_for(request.user, pk, write=True)
    sketch = access.get_sketch_for(request.user, sketch_pk)
    context = decision_page(meeting, sketch)
    free = context.pop("free_members")
    form = ApplicabilityForm(bound_or_restored(request), members=free)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicability_decide(
                actor=request.user,
                sketch=sketch,
                meeting=meeting,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                declared_conflicts=form.declared_conflicts(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The decision on %(number)s has been recorded and the applicant told.")
                % {"number": sketch.registration},
            )
            return redirect("council:meeting", pk=meeting.pk)
    return render(
        request,
        "applications/sketch_decide.html",
        {
            **context,
            "form": form,
            "free": [
                (member, form[f"conflict_{member.pk}"], form[f"conflict_text_{member.pk}"])
                for member in free
            ],
            "decidable": awaits_council(sketch),
        },
    )
