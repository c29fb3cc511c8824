"""The notices of reclaim (registered with ``core.notices`` at start-up). The README's
"Notifications" table lists who is told of what; ``tests/reclaim/test_notices.py`` checks
each row."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.notices import Notice, register_notices

NOTICES = {
    "reclaim_sent": Notice(
        _("Reclaim plan for %(number)s to decide"),
        _(
            "Version %(version)s of the reclaim plan of %(title)s (%(total)s) has been sent "
            "to you to decide."
        ),
    ),
    "reclaim_returned": Notice(
        _("Reclaim plan for %(number)s sent back"),
        _(
            "Version %(version)s of the reclaim plan of %(title)s has been sent back. What "
            "should change is below."
        ),
    ),
    "reclaim_decided": Notice(
        _("Reclaim plan for %(number)s decided"),
        _(
            "Version %(version)s of the reclaim plan of %(title)s has been decided. "
            "%(organisation)s returns %(total)s to the fund under it; the lines per year are "
            "on the plan's page."
        ),
    ),
    "reclaim_decided_fund": Notice(
        _("Reclaim plan for %(number)s decided"),
        _("Version %(version)s of the reclaim plan of %(title)s has been decided (%(total)s)."),
    ),
    "reclaim_exempted": Notice(
        _("%(number)s exempted from reclaim"),
        _(
            "The project %(title)s has been exempted from reclaim: nothing is owed. The reason "
            "is below."
        ),
    ),
}

register_notices(NOTICES)


def plan_url(project) -> str:
    return reverse("reclaim:plan", args=[project.pk])
