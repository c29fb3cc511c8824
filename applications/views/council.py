"""Council meetings and applicability decisions, recorded by a fund administrator as the
council's secretary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access, services
from applications.forms.cases import ApplicabilityForm, CouncilMeetingForm
from applications.models import CouncilMeeting, IdeaSketch, SketchState
from applications.models.sketches import split_participants
from applications.services.sketches import council_members, organisation_conflicts
from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from core.models import Fund


def _require_secretary(user):
    if not access.can_manage_cases(user):
        raise PermissionDenied


def _require_reader(user):
    if not access.can_read_council(user):
        raise PermissionDenied


def meeting_list(request):
    _require_reader(request.user)
    meetings = (
        CouncilMeeting.objects.select_related("fund")
        .annotate(
            present=Count("members_present", distinct=True),
            decisions=Count("applicability_decisions", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )
    page, query = paginate(request, meetings, 50)
    waiting = IdeaSketch.objects.filter(state=SketchState.SUBMITTED).count()
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
    funds = list(Fund.objects.order_by("name")[:2])
    wanted = request.GET.get("fund")
    if wanted:
        fund = Fund.objects.filter(pk=wanted if wanted.isdigit() else 0).first()
        if fund is None:
            raise Http404
        return fund
    if not funds:
        raise Http404
    return funds[0]


@keeps_form
@idempotent
def meeting_create(request):
    _require_secretary(request.user)
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


def _get_meeting(user, pk: int, *, write: bool = False) -> CouncilMeeting:
    if write:
        _require_secretary(user)
    else:
        _require_reader(user)
    meeting = CouncilMeeting.objects.select_related("fund", "created_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_detail(request, pk: int):
    meeting = _get_meeting(request.user, pk)
    waiting = (
        IdeaSketch.objects.filter(state=SketchState.SUBMITTED, call__fund=meeting.fund)
        .select_related("call", "owner", "registration")
        .order_by("submitted_at", "pk")
    )
    decisions = meeting.applicability_decisions.select_related(
        "sketch__registration", "sketch__owner"
    ).prefetch_related("conflicts__member")
    return render(
        request,
        "applications/meeting_detail.html",
        {
            "meeting": meeting,
            "members": meeting.members_present.order_by("full_name"),
            "waiting": waiting,
            "decisions": decisions,
            "can_record": access.can_manage_cases(request.user),
        },
    )


@keeps_form
@idempotent
def sketch_decide(request, pk: int, sketch_pk: int):
    meeting = _get_meeting(request.user, pk, write=True)
    sketch = access.get_sketch_for(request.user, sketch_pk)
    members = list(meeting.members_present.order_by("full_name"))
    in_conflict = organisation_conflicts(members, sketch.organisation_ids(), meeting.held_on)
    free = [m for m in members if m.pk not in in_conflict]
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
            "form": form,
            "meeting": meeting,
            "sketch": sketch,
            "conflicted": [m for m in members if m.pk in in_conflict],
            "free": [
                (member, form[f"conflict_{member.pk}"], form[f"conflict_text_{member.pk}"])
                for member in free
            ],
            "decidable": sketch.state == SketchState.SUBMITTED,
            **split_participants(sketch.participants.select_related("organisation")),
        },
    )
