"""After a reorganisation: the replaced organisations that still have open reclaim lines,
cases or projects, and the city director's hand-over of them to the successors."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import bound_or_restored
from core.http import add_domain_error, idempotent
from core.middleware import keeps_form
from core.models import Organisation
from reclaim import access, services
from reclaim.forms import HandOverForm
from reclaim.selectors import reorganisation_page, reorganisations_to_handle


def reorganisation_list(request):
    if not access.can_read_reorganisations(request.user):
        raise Http404
    return render(
        request,
        "reclaim/reorganisations.html",
        {"reorganisations": reorganisations_to_handle()},
    )


@keeps_form
@idempotent
def reorganisation_detail(request, pk: int):
    reorganisation = access.get_reorganisation_for(request.user, pk, write=request.method == "POST")
    page = reorganisation_page(reorganisation)
    needs_successor = bool(page["sketches"] or page["applications"] or page["projects"])
    form = HandOverForm(
        bound_or_restored(request),
        successors=[share.successor for share in page["shares"]],
        needs_successor=needs_successor,
        initial={"successor": page["largest"].pk if page["largest"] else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handed = services.reorganisation_handle(
                actor=request.user,
                reorganisation=reorganisation,
                lines=data["lines"],
                successor=Organisation.objects.filter(pk=data.get("successor")).first(),
                reason=data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Handed over: %(lines)s reclaim lines, %(cases)s cases and %(projects)s "
                    "projects."
                )
                % {"lines": handed.lines, "cases": handed.cases, "projects": handed.projects},
            )
            return redirect(reverse("reclaim:reorganisations"))
    return render(
        request,
        "reclaim/reorganisation.html",
        {**page, "form": form, "can_hand_over": access.can_decide(request.user)},
    )
