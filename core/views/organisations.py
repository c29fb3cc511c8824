"""Organisations and reorganisations: every person with an account reads; fund
administrators create, edit and record reorganisations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, selectors, services
from core.errors import DomainError
from core.forms import bound_or_restored
from core.forms.organisations import OrganisationFilterForm, OrganisationForm, ReorganisationForm
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from core.models import Organisation


def organisation_list(request):
    today = timezone.localdate()
    filters = OrganisationFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    organisations = Organisation.objects.matching(
        search=criteria.get("q", ""),
        kind=criteria.get("kind", ""),
        status=criteria.get("status") or "active",
        day=today,
    ).order_by("name")
    page, query = paginate(request, organisations)
    return render(
        request,
        "core/organisation_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "today": today,
            "can_manage": access.can_manage_organisations(request.user),
        },
    )


@keeps_form
@idempotent
def organisation_create(request):
    if not access.can_manage_organisations(request.user):
        raise PermissionDenied
    form = OrganisationForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("idempotency_key", None)
        try:
            organisation = services.organisation_create(actor=request.user, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The organisation has been created."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("New organisation"),
            "button": _("Create organisation"),
            "back_href": reverse("organisations:list"),
            "back_label": _("Organisations"),
        },
    )


def organisation_detail(request, pk: int):
    organisation = access.get_organisation_for(request.user, pk)
    return render(
        request,
        "core/organisation_detail.html",
        {
            **selectors.organisation_page(organisation),
            "can_manage": access.can_manage_organisations(request.user),
        },
    )


@keeps_form
def organisation_edit(request, pk: int):
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = OrganisationForm(
        bound_or_restored(request),
        editing=True,
        initial={
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": organisation.name},
            "button": _("Save"),
            "back_href": reverse("organisations:detail", args=[organisation.pk]),
            "back_label": organisation.name,
        },
    )


@keeps_form
@idempotent
def organisation_reorganise(request, pk: int):
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = ReorganisationForm(bound_or_restored(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reorganisation_record(
                actor=request.user,
                organisation=organisation,
                effective_from=data["effective_from"],
                decided_on=data["decided_on"],
                decision_reference=data["decision_reference"],
                description=data["description"],
                shares=data["shares"],
            )
        except DomainError as error:
            add_domain_error(form, error)  # a rule about the shares goes above the form
        else:
            messages.success(request, _("The reorganisation has been recorded."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "core/reorganise.html",
        {"form": form, "organisation": organisation},
    )
