"""The pages of a fund's reclaim rules."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import access as core_access
from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from reclaim import access, plans, selectors, services
from reclaim.forms import PolicyForm
from reclaim.models import start_text


def policy_detail(request, fund_pk: int):
    fund = access.get_policy_fund_for(request.user, fund_pk)
    rules = selectors.rules_for(fund)
    return render(
        request,
        "reclaim/policy.html",
        {
            "fund": fund,
            "rules": rules,
            "start_text": start_text(rules.start_offset),
            "max_window": plans.MAX_WINDOW_YEARS,
            "versions": selectors.policy_versions(fund),
            "can_change": access.can_change_policy(request.user),
            "can_read_fund": core_access.can_read_funds(request.user),
        },
    )


@keeps_form
@idempotent
def policy_edit(request, fund_pk: int):
    fund = access.get_policy_fund_for(request.user, fund_pk, write=True)
    rules = selectors.rules_for(fund)
    form = PolicyForm(
        bound_or_restored(request),
        initial={
            "window_years": rules.window_years,
            "start_offset": rules.start_offset,
            "cap_at_net_paid": rules.cap_at_net_paid,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.reclaim_policy_change(
                actor=request.user,
                fund=fund,
                window_years=data["window_years"],
                start_offset=data["start_offset"],
                cap_at_net_paid=data["cap_at_net_paid"],
                reason=data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The new reclaim rules have been recorded."))
            return redirect("reclaim:policy", fund_pk=fund.pk)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Change the reclaim rules of %(fund)s") % {"fund": fund.name},
            "button": _("Record the new rules"),
            "back_href": reverse("reclaim:policy", args=[fund.pk]),
            "back_label": _("Reclaim rules"),
        },
    )
