"""Funds and their ledger: fund administrators write; the city director (and delegate) and
auditors read. The register of registration numbers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, exports, links, services
from core.errors import DomainError
from core.forms import bound_or_restored
from core.forms.funds import (
    FundForm,
    LedgerEntryForm,
    LedgerFilterForm,
    LedgerReverseForm,
    RegisterFilterForm,
)
from core.http import add_domain_error, idempotent, paginate
from core.middleware import keeps_form
from core.models import HAND_KINDS, Fund, LedgerEntry, Position, RegistrationNumber


def fund_list(request):
    if not access.can_read_funds(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    positions = LedgerEntry.objects.positions_by_fund(today)
    funds = [
        (fund, positions.get(fund.pk, Position(at=today))) for fund in Fund.objects.order_by("name")
    ]
    return render(
        request,
        "core/fund_list.html",
        {"funds": funds, "today": today, "can_manage": access.can_manage_funds(request.user)},
    )


@keeps_form
@idempotent
def fund_create(request):
    if not access.can_manage_funds(request.user):
        raise PermissionDenied
    form = FundForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The fund has been created."))
            return redirect("funds:detail", pk=fund.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("New fund"),
            "button": _("Create fund"),
            "back_href": reverse("funds:list"),
            "back_label": _("Funds"),
        },
    )


@keeps_form
def fund_edit(request, pk: int):
    fund = access.get_fund_for(request.user, pk, write=True)
    form = FundForm(bound_or_restored(request), instance=Fund.objects.get(pk=fund.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_update(actor=request.user, fund=fund, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect("funds:detail", pk=fund.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Edit %(fund)s") % {"fund": fund.name},
            "button": _("Save"),
            "back_href": reverse("funds:detail", args=[fund.pk]),
            "back_label": fund.name,
        },
    )


def ledger_columns() -> list[exports.Column]:
    """The ledger's list as a file: every entry as recorded (a reversal names what it reverses;
    amounts as recorded, the kind says which way they move)."""
    return [
        exports.Column(_("Value date"), lambda e: e.value_date, exports.DATE),
        exports.Column(_("Kind"), lambda e: e.get_kind_display()),
        exports.Column(_("Amount"), lambda e: e.amount, exports.NUMBER),
        exports.Column(_("Case"), lambda e: e.case),
        exports.Column(_("Organisation"), lambda e: e.organisation.name if e.organisation else ""),
        exports.Column(_("Year"), lambda e: e.year, exports.NUMBER),
        exports.Column(_("Decision or reference"), lambda e: e.reference),
        exports.Column(_("Note"), lambda e: e.note),
        exports.Column(_("Reason for the reversal"), lambda e: e.reason),
        exports.Column(
            _("Reverses"),
            lambda e: (
                f"{e.reverses.get_kind_display()} {e.reverses.value_date:%Y-%m-%d}"
                if e.reverses
                else ""
            ),
        ),
        exports.Column(_("Recorded"), lambda e: e.recorded_at, exports.DATE),
        exports.Column(
            _("Recorded by"), lambda e: e.recorded_by.full_name if e.recorded_by else ""
        ),
    ]


def fund_detail(request, pk: int):
    fund = access.get_fund_for(request.user, pk)
    today = timezone.localdate()
    filters = LedgerFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    at = criteria.get("at") or today
    entries = (
        LedgerEntry.objects.filter(fund=fund)
        .matching(
            kind=criteria.get("kind", ""),
            date_from=criteria.get("date_from"),
            date_to=criteria.get("date_to"),
        )
        .for_list()
    )
    if exports.wanted(request):
        return exports.export_response(
            request, f"huvudbok-{fund.registration_series}", ledger_columns(), entries
        )
    page, query = paginate(request, entries)
    return render(
        request,
        "core/fund_detail.html",
        {
            "fund": fund,
            "position": fund.position(at),
            "at": at,
            "today": today,
            "filters": filters,
            "page": page,
            "query": query,
            "can_manage": access.can_manage_funds(request.user),
            "hand_kinds": [kind.value for kind in HAND_KINDS],
            "fund_pages": links.fund_pages_for(request.user, fund),
        },
    )


@keeps_form
@idempotent
def entry_create(request, pk: int):
    fund = access.get_fund_for(request.user, pk, write=True)
    form = LedgerEntryForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.ledger_entry_record(
                actor=request.user,
                fund=fund,
                kind=data["kind"],
                amount=data["amount"],
                value_date=data["value_date"],
                reference=data["reference"],
                note=data["note"],
                by_hand=True,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The %(kind)s has been entered in the ledger.")
                % {"kind": entry.get_kind_display().lower()},
            )
            return redirect("funds:detail", pk=fund.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("New ledger entry in %(fund)s") % {"fund": fund.name},
            "lead": _(
                "The ledger is append-only: an entry cannot be changed or deleted afterwards, "
                "only reversed with a reason."
            ),
            "button": _("Enter in the ledger"),
            "back_href": reverse("funds:detail", args=[fund.pk]),
            "back_label": fund.name,
        },
    )


@keeps_form
@idempotent
def entry_reverse(request, pk: int, entry_pk: int):
    fund = access.get_fund_for(request.user, pk, write=True)
    entry = LedgerEntry.objects.filter(fund=fund, pk=entry_pk).select_related("reverses").first()
    if entry is None:
        raise Http404
    form = LedgerReverseForm(bound_or_restored(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_entry_reverse(
                actor=request.user,
                entry=entry,
                reason=form.cleaned_data["reason"],
                value_date=form.cleaned_data["value_date"],
                by_hand=True,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The entry has been reversed."))
            return redirect("funds:detail", pk=fund.pk)
    return render(
        request,
        "core/entry_reverse.html",
        {"form": form, "fund": fund, "entry": entry},
    )


def register_columns() -> list[exports.Column]:
    return [
        exports.Column(_("Date"), lambda n: n.registered_on, exports.DATE),
        exports.Column(_("Registration number"), lambda n: str(n)),
        exports.Column(_("Counterpart"), lambda n: n.counterpart.name if n.counterpart else ""),
        exports.Column(_("Subject"), lambda n: n.subject),
        exports.Column(_("Fund"), lambda n: n.fund.name),
    ]


def register(request):
    if not access.can_read_register(request.user):
        raise PermissionDenied
    filters = RegisterFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    numbers = RegistrationNumber.objects.for_register()
    if criteria.get("fund"):
        numbers = numbers.filter(fund=criteria["fund"])
    if criteria.get("year"):
        numbers = numbers.filter(year=criteria["year"])
    numbers = numbers.search(criteria.get("q", ""))
    if exports.wanted(request):
        return exports.export_response(request, "diarium", register_columns(), numbers)
    page, query = paginate(request, numbers)
    # Each number links to its case's pages (sketch, application, project), as the apps
    # registered them: one query per stage for the whole page.
    stages = links.links_for(number.pk for number in page.object_list)
    for number in page.object_list:
        number.stages = stages.get(number.pk, [])
    return render(request, "core/register.html", {"filters": filters, "page": page, "query": query})
