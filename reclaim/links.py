"""Where reclaim's pages are, for core's register, the case pages and the fund page
(``core.links``): a project's reclaim plan, a fund's reclaim rules."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import links
from reclaim.access import can_read_overview, can_read_policy


def _plans(registration_ids):
    """The evaluated projects among the numbers: their reclaim plan's page is where the plan is
    drafted."""
    from projects.models import EvaluationState, Project

    return Project.objects.filter(
        registration_id__in=registration_ids, evaluation__state=EvaluationState.COMPLETED
    )


def register() -> None:
    links.register(
        "reclaim",
        _("Reclaim plan"),
        order=40,
        rows=_plans,
        url_name="reclaim:plan",
    )
    links.register_fund_page(
        "reclaim_policy",
        _("Reclaim rules"),
        order=10,
        url=lambda fund: reverse("reclaim:policy", args=[fund.pk]),
        visible=can_read_policy,
    )
    links.register_fund_page(
        "reclaim_overview",
        _("Reclaim and forward position"),
        order=20,
        url=lambda fund: reverse("reclaim:fund", args=[fund.pk]),
        visible=can_read_overview,
    )
