"""Who may ask for and read reports. A report is downloadable only by someone allowed to see
everything in it (BRIEF.md "Who sees what"): the fund-wide reports by those who read
everything (fund administrators, the city director and a delegate during the delegation,
auditors). A person's reports are their own: another person's report, by its address, is
"not found", as is one's own once one may no longer read what it holds."""

from __future__ import annotations

from django.http import Http404

from core import access as core_access
from reports.models import ReportJob


def can_ask_for_reports(user) -> bool:
    return core_access.reads_everything(user)


def get_job_for(user, pk: int) -> ReportJob:
    if not can_ask_for_reports(user):
        raise Http404
    job = ReportJob.objects.select_related("fund").filter(pk=pk, requester=user).first()
    if job is None:
        raise Http404
    return job
