"""Reads of the reports app for the start page: the person's own reports that are ready or
that failed lately."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from core import access as core_access
from core.attention import DELEGATE, Attention, counted
from core.models import Role
from reports.access import can_ask_for_reports
from reports.models import JobState, ReportJob

READY_FOR = dt.timedelta(days=1)  # a finished report is news for a day
FAILED_FOR = dt.timedelta(days=14)


def _role(user) -> str:
    roles = core_access.active_roles(user)
    for role in (Role.FUND_ADMIN, Role.CITY_DIRECTOR, Role.AUDITOR):
        if role in roles:
            return role
    return DELEGATE


def attention_for(user) -> list[Attention]:
    """Reports of one's own finished in the last day (to download) and failed in the last two
    weeks and not tried again (to try again)."""
    if not core_access.is_person(user) or not can_ask_for_reports(user):
        return []
    now = timezone.now()
    counts = ReportJob.objects.filter(requester=user).aggregate(
        ready=Count("pk", filter=Q(state=JobState.DONE, finished_at__gte=now - READY_FOR)),
        failed=Count("pk", filter=Q(state=JobState.FAILED, finished_at__gte=now - FAILED_FOR)),
    )
    role, url = _role(user), reverse("reports:list")
    return [
        *counted(
            role,
            counts["failed"],
            ngettext_lazy(
                "%(count)s of your reports failed", "%(count)s of your reports failed", "count"
            ),
            url=url,
        ),
        *counted(
            role,
            counts["ready"],
            ngettext_lazy(
                "%(count)s report ready to download", "%(count)s reports ready to download", "count"
            ),
            url=url,
            kind="info",
        ),
    ]
