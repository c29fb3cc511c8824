"""Who may ask for and read reports. A report is downloadable only by someone allowed to see
everything in it (BRIEF.md "Who sees what"):

- the fund-wide reports (the portfolio) by those who read everything (fund administrators, the
  city director and a delegate during the delegation, auditors);
- an investment report, and the reclaim decision of a decided plan version, by everyone who may
  see the whole project (its owner, co-owners and partners, the people assigned to it, those
  who read everything, council members not in conflict, the board secretary:
  ``projects.access.view_of`` is FULL, as ``reclaim.access.plan_view`` reads it); a benefiting
  organisation that reads only the project's summary and its own reclaim lines may not (the
  report holds them all).

- a board proposal by those who read the proposal (``applications.access.get_proposal_for``:
  those who read everything, and the board secretary once it was sent to the city director).

A person's reports are their own: another person's report, by its address, is "not found", as
is one's own once one may no longer read what it holds."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from applications import access as application_access
from core import access as core_access
from projects import access as project_access
from projects.models import Project
from reclaim.models import PlanVersion, VersionState
from reports.models import CASE_KINDS, ReportJob, ReportKind


def can_ask_for_reports(user) -> bool:
    """May ask for the fund-wide reports (and sees "Reports" in the menu)."""
    return core_access.reads_everything(user)


def can_list_reports(user) -> bool:
    """The list of one's own reports: every person (an investment report is asked for from
    the project's page by people who may not ask for the fund-wide ones)."""
    return core_access.is_person(user)


def investment_project_for(user, project_pk: int) -> Project:
    """The project whose investment report ``user`` may ask for (404 otherwise)."""
    return project_access.get_project_for(user, project_pk, full=True)


def decided_version_for(user, project_pk: int, version_pk: int) -> tuple[Project, PlanVersion]:
    """The decided plan version whose reclaim decision ``user`` may ask for (404 otherwise)."""
    project = investment_project_for(user, project_pk)
    version = (
        PlanVersion.objects.filter(
            pk=version_pk,
            plan__project=project,
            state__in=(VersionState.APPROVED, VersionState.SUPERSEDED),
        )
        .select_related("plan")
        .first()
    )
    if version is None:
        raise Http404
    return project, version


def proposal_for(user, proposal_pk: int):
    """The proposal whose document ``user`` may ask for (404 otherwise)."""
    return application_access.get_proposal_for(user, proposal_pk)


def may_read(user, job: ReportJob) -> bool:
    if job.kind == ReportKind.BOARD_PROPOSAL:
        try:
            proposal_for(user, job.parameters.get("proposal", 0))
        except Http404:
            return False
        return True
    if job.kind in CASE_KINDS:
        project = Project.objects.filter(registration_id=job.case_id).only("pk").first()
        if project is None:
            return False
        try:
            investment_project_for(user, project.pk)
        except Http404:
            return False
        return True
    return core_access.reads_everything(user)


def readable_jobs(user):
    """The person's own reports that they may still read (the list's rows): the fund-wide ones
    while they read everything, and those about the projects they see."""
    mine = ReportJob.objects.of(user)
    if core_access.reads_everything(user):
        return mine
    readable = Q(kind__in=CASE_KINDS) & Q(
        case__in=Project.objects.visible_to(user).values("registration_id")
    )
    if application_access.can_read_proposals(user):
        readable |= Q(kind=ReportKind.BOARD_PROPOSAL)
    return mine.filter(readable)


def get_job_for(user, pk: int) -> ReportJob:
    if not can_list_reports(user):
        raise Http404
    job = ReportJob.objects.select_related("fund", "case").filter(pk=pk, requester=user).first()
    if job is None or not may_read(user, job):
        raise Http404
    return job
