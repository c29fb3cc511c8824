"""The investment report: one case from idea sketch to reclaim, asked for on the project's page
by anyone who may see the whole project; its figures checked against sums computed here from the
ledger's and the plan's raw rows, and never a score or a reviewer's name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import CriterionScore, Score
from core.models import EntryKind, LedgerEntry, Role
from projects.models import Project
from reclaim.models import PlanLine, VersionState
from reports import services
from reports.models import JobState, ReportJob, ReportKind
from tests import factories
from tests.reports.conftest import YEAR, kr, pdf_info, pdf_text, sums_of

pytestmark = pytest.mark.django_db


def _case_sums(project: Project) -> dict[str, int]:
    return sums_of(LedgerEntry.objects.filter(case=project.registration))


def _ask(client, user, project, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reports:investment", args=[project.pk]))


def test_the_investment_pdf_tells_the_case_from_the_ledger_and_the_plan(
    client, portfolio, applicant, django_capture_on_commit_callbacks
):
    project = Project.objects.get(registration__fund=portfolio)
    # The owner's applicant asks on the project's page; the worker's service renders it.
    response = _ask(client, applicant, project, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get(requester=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[job.pk])
    assert (job.kind, job.case_id, job.value_date) == (
        ReportKind.INVESTMENT,
        project.registration_id,
        timezone.localdate(),
    )
    assert job.state == JobState.DONE, job.error
    download = client.get(reverse("reports:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    text = pdf_text(content)

    sums = _case_sums(project)
    net_paid = sums["disbursement"] - sums.get("refund", 0)
    outstanding = sums["grant"] - sums.get("release", 0) - net_paid
    assert sums["return"] == 600_000
    assert sums["refund"] == 200_000
    for amount in (sums["grant"], sums["disbursement"], sums["refund"], sums["return"]):
        assert kr(amount) in text, kr(amount)
    assert f"{kr(net_paid)}" in text
    assert f"Utestående = beviljat − frigjort − netto utbetalt {kr(outstanding)}" in " ".join(
        text.split()
    )
    # The decided plan's total, from its raw lines.
    decided = sum(
        PlanLine.objects.filter(
            version__plan__project=project, version__state=VersionState.APPROVED
        ).values_list("amount", flat=True)
    )
    assert decided > 0
    assert kr(decided) in text
    # The decisions with their references: the board's number and paragraph.
    decision = project.board_decision
    assert decision.board_reference in text
    assert f"§ {decision.paragraph}" in text
    # Never an individual score or a reviewer's name.
    scorers = set(Score.objects.values_list("assignment__reviewer__full_name", flat=True))
    assert scorers
    for name in scorers:
        assert name not in text
    flat = " ".join(text.split())
    comments = [
        *Score.objects.exclude(comment="").values_list("comment", flat=True),
        *CriterionScore.objects.exclude(comment="").values_list("comment", flat=True),
    ]
    assert comments
    for comment in comments:
        assert " ".join(comment.split()) not in flat
    # The case's registration number heads every page.
    pages = text.split("\f")[:-1]
    assert len(pages) == job.pages >= 2
    for number, page in enumerate(pages, start=1):
        assert str(project.registration) in page
        assert f"Sida {number} av {len(pages)}" in page
    info = pdf_info(content)
    assert "Tagged:          yes" in info
    assert f"Projektrapport: {project.title}" in info


def test_a_project_just_granted_gives_a_report_of_what_there_is(
    project, fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job, _new = services.report_request(
            actor=fund_admin,
            kind=ReportKind.INVESTMENT,
            fund=project.registration.fund,
            value_date=timezone.localdate(),
            case=project.registration,
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    text = " ".join(pdf_text(job.file.read()).split())
    assert "Projektet har inte utvärderats ännu." in text
    assert "Projektet har ännu ingen plan för återföring." in text
    assert kr(project.granted_amount) in text


@pytest.mark.parametrize("who", ["benefiting", "other organisation", "no organisation"])
def test_who_may_not_see_the_whole_project_gets_not_found(
    client, portfolio, social, who, django_capture_on_commit_callbacks
):
    project = Project.objects.get(registration__fund=portfolio)
    user = {
        # Socialnämnden's staff read the project's summary (it benefits), not the whole case.
        "benefiting": lambda: factories.person(Role.APPLICANT, organisation=social),
        "other organisation": lambda: factories.person(
            Role.APPLICANT, organisation=factories.OrganisationFactory(name="Kulturnämnden")
        ),
        "no organisation": lambda: factories.person(),
    }[who]()
    response = _ask(client, user, project, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_five_clicks_make_one_job_and_losing_access_hides_the_report(
    client, portfolio, applicant, django_capture_on_commit_callbacks
):
    project = Project.objects.get(registration__fund=portfolio)
    client.force_login(applicant)
    url = reverse("reports:investment", args=[project.pk])
    # The worker is away: the job stays queued, and the same person's clicks find it.
    for _ in range(5):
        client.post(url)
    job = ReportJob.objects.get()
    assert job.state == JobState.QUEUED
    listing = client.get(reverse("reports:list"))
    assert listing.status_code == 200
    assert str(project.registration) in listing.text
    assert 'name="fund"' not in listing.text  # the portfolio is for those who read everything
    assert client.post(reverse("reports:list"), {"fund": portfolio.pk}).status_code == 404
    # The applicant leaves the owner organisation: the report is not theirs to read any more.
    applicant.memberships.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 404
    assert str(project.registration) not in client.get(reverse("reports:list")).text


def test_the_reports_queries_do_not_grow_with_the_project(running, fund_admin, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.documents.investment import investment_context
    from tests.projects.conftest import pay

    def queries() -> int:
        job = ReportJob(
            kind=ReportKind.INVESTMENT,
            fund=running.registration.fund,
            case=running.registration,
            value_date=timezone.localdate(),
            requester=fund_admin,
        )
        with CaptureQueriesContext(connection) as captured:
            investment_context(job, timezone.now())
        return len(captured)

    pay(running, fund_admin, YEAR, organisation, 10_000)
    once = queries()
    for _ in range(9):
        pay(running, fund_admin, YEAR, organisation, 10_000)
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() >= 10
    assert queries() == once
