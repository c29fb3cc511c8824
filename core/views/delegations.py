"""The city director's delegations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, selectors, services
from core.errors import DomainError
from core.forms import DelegationForm, ReasonForm, bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form


def delegation_list(request):
    if not access.can_read_delegations(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    delegations = list(selectors.delegations_visible_to(request.user))
    current = [d for d in delegations if d.ended_at is None and d.valid_until >= today]
    past = [d for d in delegations if d not in current]
    return render(
        request,
        "core/delegation_list.html",
        {
            "current": current,
            "past": past,
            "today": today,
            "can_manage": access.can_manage_delegations(request.user),
        },
    )


@keeps_form
@idempotent
def delegation_create(request):
    if not access.can_manage_delegations(request.user):
        raise PermissionDenied
    form = DelegationForm(bound_or_restored(request), director=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delegation = services.delegation_create(
                actor=request.user,
                delegate=data["delegate"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is your delegate from %(start)s until %(end)s.")
                % {
                    "name": delegation.delegate.full_name,
                    "start": delegation.valid_from.isoformat(),
                    "end": delegation.valid_until.isoformat(),
                },
            )
            return redirect("delegations:list")
    return render(request, "core/delegation_form.html", {"form": form})


@keeps_form
def delegation_end(request, pk: int):
    delegation = access.get_delegation_for(request.user, pk, write=True)
    form = ReasonForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_end(
                actor=request.user, delegation=delegation, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The delegation has been ended."))
            return redirect("delegations:list")
    return render(
        request,
        "core/confirm.html",
        {
            "form": form,
            "title": _("End the delegation to %(name)s") % {"name": delegation.delegate.full_name},
            "lead": _(
                "From today %(name)s no longer decides in your place. Decisions already taken "
                "on delegation stand."
            )
            % {"name": delegation.delegate.full_name},
            "button": _("End delegation"),
            "danger": True,
            "back_url": "delegations:list",
            "back_label": _("Delegations"),
        },
    )
