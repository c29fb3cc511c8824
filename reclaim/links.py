"""The fund page's link to the fund's reclaim rules (``core.links.register_fund_page``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import links
from reclaim.access import can_read_policy


def register() -> None:
    links.register_fund_page(
        "reclaim_policy",
        _("Reclaim rules"),
        order=10,
        url=lambda fund: reverse("reclaim:policy", args=[fund.pk]),
        visible=can_read_policy,
    )
