"""The pages the benches measure (``bench/volume.py``, ``bench/city.py``) ask the database the
same number of queries at N and at 10N generated applications with their reviews and the
projects granted from them (``fondadmin.volume``), and ``make bench``'s key pages no more than
its limits (15, 10 on the application list). The benches time them at volume; this is the
check CI runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, Proposal, ReviewAssignment
from bench import city
from bench.volume import pages
from core.models import Fund, User
from fondadmin import volume
from projects.models import AssignmentRole, ProgressReport, Project
from reclaim.models import Installment, PlanState, PlanVersion, ReclaimPlan, VersionState
from reports.dashboards import dashboards
from reports.documents import DOCUMENTS
from reports.documents.portfolio import portfolio_context
from reports.models import ReportJob, ReportKind

pytestmark = pytest.mark.django_db
N = 10
# Half the cases with a council review still to do, so the council member's "to do now" list
# is not empty at N either (an empty page skips the queries that load its rows).
# Five applications a call: N makes two calls, the first decided with its project, and 10N
# twenty (nineteen decided); the last call's reviews stay open.
SPEC = {"seed": 6, "open_share": 0.5, "per_call": 5}


def _ids() -> dict:
    """The bench's objects: the first generated cases, the same at every volume."""
    council = User.objects.get(email=f"ledamot01@{volume.DOMAIN}")
    project = Project.objects.order_by("pk")[0]
    first = ReviewAssignment.objects.filter(reviewer=council).order_by("application_id", "pk")[0]
    return {
        "assignment": first.pk,
        "review": first.application_id,
        "case": Application.objects.order_by("pk")[0].pk,
        "fund": Fund.objects.get().pk,
        "project": project.pk,
        "report": project.reports.order_by("period_end")[0].pk,
        "manager": project.assignments.get(role=AssignmentRole.MANAGER).person.email,
        # As bench.harness.ids_of: an applicant who takes no part in a project.
        "applicant": User.objects.filter(
            email__startswith="sokande", role_assignments__role="applicant"
        )
        .exclude(project_assignments__isnull=False)
        .order_by("email")[0]
        .email,
    }


def _city_pages() -> list:
    return [replace(page, label=f"city: {page.label}") for page in city.pages(_ids())]


def _counts() -> dict[str, int]:
    clients = {}
    counts = {}
    for page in [*pages(_ids()), *_city_pages()]:
        if page.who not in clients:
            clients[page.who] = Client()
            if page.who:
                clients[page.who].force_login(User.objects.get(email=page.who))
        client = clients[page.who]
        client.get(page.path)  # the session's renewal and per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        assert response.status_code == 200, page.path
        counts[page.label] = len(captured.captured_queries)
        if isinstance(page, city.Page):
            limit = city.query_limit(page)
            assert counts[page.label] <= limit, (page.label, counts[page.label], limit)
    # The portfolio report's reading (its PDF is rendered from this context).
    fund = Fund.objects.get()
    with CaptureQueriesContext(connection) as captured:
        context = portfolio_context(fund, timezone.localdate(), timezone.now())
    assert context["investments"]
    counts["portfolio report"] = len(captured.captured_queries)
    # The other documents' reading, and the start page's fund in figures (read, not kept).
    project = Project.objects.order_by("pk")[0]
    version = PlanVersion.objects.filter(state=VersionState.APPROVED).order_by("pk")[0]
    proposal = Proposal.objects.order_by("pk")[0]
    admin = User.objects.get(email=f"admin@{volume.DOMAIN}")
    today = timezone.localdate()
    jobs = {
        "investment report": ReportJob(
            kind=ReportKind.INVESTMENT, case=project.registration, value_date=today
        ),
        "reclaim decision": ReportJob(
            kind=ReportKind.RECLAIM_DECISION,
            case=version.plan.project.registration,
            value_date=today,
            parameters={"version": version.pk},
        ),
        "board proposal": ReportJob(
            kind=ReportKind.BOARD_PROPOSAL,
            fund=fund,
            value_date=today,
            requester=admin,
            parameters={"proposal": proposal.pk},
        ),
        "yearly report": ReportJob(
            kind=ReportKind.YEARLY, fund=fund, value_date=today, parameters={"year": today.year}
        ),
    }
    for label, job in jobs.items():
        with CaptureQueriesContext(connection) as captured:
            DOCUMENTS[job.kind].context(job, timezone.now())
        counts[label] = len(captured.captured_queries)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        boards = dashboards(today)
    assert boards[0].figures
    counts["fund in figures"] = len(captured.captured_queries)
    return counts


def test_the_benchs_pages_ask_the_same_queries_at_n_and_10n_applications():
    volume.generate(volume.VolumeSpec(applications=N, **SPEC))
    council = User.objects.get(email=f"ledamot01@{volume.DOMAIN}")
    assert ReviewAssignment.objects.for_reviewer(council).open_tasks().exists()
    # Projects in every state the stage leaves them, and reports waiting to be written and
    # reviewed, so the lists load every kind of row at N already.
    assert Project.objects.count() == 1
    assert ReclaimPlan.objects.filter(state=PlanState.IN_FORCE).count() == 1
    at_n = _counts()
    volume.generate(volume.VolumeSpec(applications=10 * N, **SPEC))
    assert Project.objects.count() == 19
    assert {"due", "submitted", "reviewed"} <= set(
        ProgressReport.objects.values_list("state", flat=True)
    )
    # The reclaim stage: plans decided and lines booked, so its pages load every kind of row.
    assert ReclaimPlan.objects.filter(state=PlanState.IN_FORCE).count() > 1
    assert Installment.objects.exists()
    assert _counts() == at_n
