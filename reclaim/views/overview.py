"""Reclaim's start page (what the reader's organisations owe the fund; the funds' overviews
for those who follow them), a fund's reclaim overview with its forward position, and the
comments on a plan's lines."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports
from core.http import comment_page, comment_withdraw_page, idempotent
from core.models import Comment, Fund
from reclaim import access
from reclaim.overview import fund_overview, fund_rows, owed_page


def reclaim_home(request):
    if not access.can_open_reclaim(request.user):
        raise Http404
    overview = access.can_read_overview(request.user)
    return render(
        request,
        "reclaim/home.html",
        {
            **owed_page(request.user),
            "funds": list(Fund.objects.order_by("name")) if overview else [],
            "can_read_reorganisations": access.can_read_reorganisations(request.user),
        },
    )


def fund_detail(request, fund_pk: int):
    fund = access.get_overview_fund_for(request.user, fund_pk)
    if exports.wanted(request):
        rows = fund_rows(fund, timezone.localdate())
        return exports.export_response(
            request, f"aterforing-{fund.registration_series}", line_columns(), rows
        )
    return render(request, "reclaim/fund.html", fund_overview(fund))


def _outcome(row) -> str:
    if row.installment is not None:
        return row.installment.get_state_display()
    return _("Overdue") if row.overdue else _("To come")


def line_columns() -> list[exports.Column]:
    """Every decided reclaim line of the fund with what became of it (plans; a booked line's
    amount is also in the ledger as a return)."""
    return [
        exports.Column(_("Registration number"), lambda r: r.project.registration),
        exports.Column(_("Investment"), lambda r: r.project.title),
        exports.Column(_("Organisation"), lambda r: r.line.organisation.name),
        exports.Column(_("Year"), lambda r: r.line.year, exports.NUMBER),
        exports.Column(_("Decided (plan)"), lambda r: r.line.amount, exports.NUMBER),
        exports.Column(_("Outcome"), _outcome),
        exports.Column(
            _("Recorded"),
            lambda r: r.installment.recorded_at if r.installment else None,
            exports.DATE,
        ),
    ]


def _back(project) -> str:
    return reverse("reclaim:plan", args=[project.pk])


@require_POST
@idempotent
def plan_comment(request, project_pk: int):
    project = access.get_plan_project_for(request.user, project_pk)
    plan = access.get_plan_for(project)
    about, organisation = access.comment_about(request.user, project)
    if not about:
        raise PermissionDenied
    return comment_page(
        request,
        target=plan,
        organisation=organisation,
        about=about,
        back_href=_back(project),
        back_label=_("Reclaim plan"),
    )


@require_POST
def plan_comment_withdraw(request, project_pk: int, comment_pk: int):
    project = access.get_plan_project_for(request.user, project_pk)
    plan = access.get_plan_for(project)
    comment = Comment.objects.on(plan).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment_withdraw_page(request, comment=comment, back_href=_back(project))
