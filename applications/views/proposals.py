"""The city director's proposal to the board for a call, and the board's decisions.

Fund administrators prepare and send it; the city director (or the delegate, "på delegation")
edits amounts, approves or sends it back; the board secretary records the board's decisions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, services
from applications.forms.reviews import (
    AmountsForm,
    BoardDecisionForm,
    ConfirmForm,
    MessageForm,
    SummaryForm,
)
from applications.models import Call, Proposal
from applications.selectors.proposals import (
    calls_ready_for_proposal,
    proposal_items,
    proposal_page,
)
from applications.states import with_city_director
from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent, paginate
from core.ids import id_or_404
from core.middleware import keeps_form


def proposal_list(request):
    if not access.can_read_proposals(request.user):
        raise PermissionDenied
    proposals = Proposal.objects.visible_to(request.user).for_list()
    page, query = paginate(request, proposals)
    ready = []
    if access.can_manage_cases(request.user):
        # Calls whose council has recommended a grant and which have no proposal yet.
        ready = list(calls_ready_for_proposal().order_by("-application_deadline", "-pk"))
    return render(
        request,
        "applications/proposal_list.html",
        {"page": page, "query": query, "ready": ready, "confirm": ConfirmForm()},
    )


@require_POST
@idempotent
def proposal_create(request):
    if not access.can_manage_cases(request.user):
        raise PermissionDenied
    call = Call.objects.filter(pk=id_or_404(request.POST.get("call"))).first()
    if call is None:
        raise Http404
    try:
        proposal = services.proposal_create(actor=request.user, call=call)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("proposals:list")
    return redirect("proposals:detail", pk=proposal.pk)


def proposal_detail(request, pk: int):
    proposal = access.get_proposal_for(request.user, pk)
    return render(
        request,
        "applications/proposal_detail.html",
        {**proposal_page(request.user, proposal), "confirm": ConfirmForm()},
    )


@keeps_form
def proposal_edit(request, pk: int):
    proposal = access.get_proposal_for(request.user, pk, may=access.can_manage_cases)
    form = SummaryForm(bound_or_restored(request), initial={"summary": proposal.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                actor=request.user, proposal=proposal, summary=form.cleaned_data["summary"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The summary has been saved."))
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("The council's summary"),
            "lead": _("The summary opens the city director's proposal to the board."),
            "button": _("Save"),
            "back_href": reverse("proposals:detail", args=[proposal.pk]),
            "back_label": str(proposal),
        },
    )


def _act(request, pk: int, action, done: str, *, allowed) -> object:
    """A confirmed POST on the proposal: call the service, show its refusal as a message."""
    proposal = access.get_proposal_for(request.user, pk, may=allowed)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            action(actor=request.user, proposal=proposal)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    return redirect("proposals:detail", pk=proposal.pk)


@require_POST
@idempotent
def proposal_submit(request, pk: int):
    return _act(
        request,
        pk,
        services.proposal_submit,
        _("The proposal has been sent to the city director."),
        allowed=access.can_manage_cases,
    )


@require_POST
@idempotent
def proposal_approve(request, pk: int):
    return _act(
        request,
        pk,
        services.proposal_approve,
        _("The proposal has been approved. The board secretary records the board's decisions."),
        allowed=access.can_approve_proposals,
    )


@keeps_form
def proposal_amounts(request, pk: int):
    proposal = access.get_proposal_for(request.user, pk, may=access.can_approve_proposals)
    items = proposal_items(proposal)
    initial = {
        f"item_{item.pk}_{row.year}": row.amount for item in items for row in item.years.all()
    }
    form = AmountsForm(bound_or_restored(request), items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_amounts_update(
                actor=request.user, proposal=proposal, amounts=form.amounts()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The amounts have been saved."))
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "applications/proposal_amounts.html",
        {"form": form, "proposal": proposal, "editable": with_city_director(proposal)},
    )


@keeps_form
def proposal_return(request, pk: int):
    proposal = access.get_proposal_for(request.user, pk, may=access.can_approve_proposals)
    form = MessageForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_return(
                actor=request.user, proposal=proposal, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The proposal has been sent back to the administrators."))
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Send the proposal back"),
            "lead": _(
                "The fund administrators are told and may change the recommendations; the "
                "proposal is built again from them when it is sent to you again."
            ),
            "button": _("Send back"),
            "back_href": reverse("proposals:detail", args=[proposal.pk]),
            "back_label": str(proposal),
        },
    )


@keeps_form
@idempotent
def board_decision_record(request, pk: int, item_pk: int):
    item = access.get_proposal_item_for(request.user, pk, item_pk, write=True)
    proposal = item.proposal
    if item.is_decided():
        messages.info(
            request,
            _("The board's decision on %(number)s has already been recorded.")
            % {"number": item.application.registration},
        )
        return redirect("proposals:detail", pk=proposal.pk)
    years = [row.year for row in item.years.all()]
    form = BoardDecisionForm(bound_or_restored(request), years=years)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_decision_record(
                actor=request.user,
                item=item,
                meeting_date=form.cleaned_data["meeting_date"],
                paragraph=form.cleaned_data["paragraph"],
                board_reference=form.cleaned_data["board_reference"],
                outcome=form.cleaned_data["outcome"],
                years=form.amounts(),
                amount=form.cleaned_data["amount"],
                conditions=form.cleaned_data["conditions"],
            )
        except DomainError as error:
            if error.field == "years":
                form.add_error(None, error.message)
            else:
                add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The board's decision on %(number)s has been recorded and the applicant told.")
                % {"number": item.application.registration},
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "applications/board_decision_form.html",
        {
            "form": form,
            "item": item,
            "proposal": proposal,
            "proposed_years": list(item.years.all()),
        },
    )
