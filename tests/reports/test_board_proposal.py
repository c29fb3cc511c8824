"""The proposal to the board as a document: the proposed applications with their amounts per
year, the council's summaries, the call's applications not proposed, and the fund's available
amount from the ledger; asked for on the proposal's page by those who read the proposal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import CriterionScore, ProposalState
from core.models import EntryKind, LedgerEntry, Role
from reports.models import JobState, ReportJob, ReportKind
from tests import factories
from tests.applications import conftest as cases
from tests.applications.test_decisions import approve, send, start
from tests.reports.conftest import kr, pdf_info, pdf_text

complete_application = cases.complete_application
submitted = cases.submitted
recommended = cases.recommended

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(recommended, fund, fund_admin, city_director):
    cases.inject(fund, fund_admin, 10_000_000, timezone.localdate())
    proposal = send(start(recommended.call, fund_admin), fund_admin)
    return approve(proposal, city_director)


@pytest.fixture
def not_proposed(open_call, applicant, organisation, fund_admin, meeting):
    return cases.application_in(
        open_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )


def _ask(client, user, proposal, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reports:board_proposal", args=[proposal.pk]))


def test_the_proposal_document_holds_the_grants_the_summaries_and_the_fund(
    client,
    approved,
    not_proposed,
    recommended,
    city_director,
    django_capture_on_commit_callbacks,
):
    secretary = factories.person(Role.BOARD_SECRETARY)
    response = _ask(client, secretary, approved, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[job.pk])
    assert job.kind == ReportKind.BOARD_PROPOSAL
    assert job.state == JobState.DONE, job.error
    content = job.file.read()
    text = " ".join(pdf_text(content).split())
    item = approved.items.get()
    injected = sum(
        LedgerEntry.objects.filter(kind=EntryKind.INJECTION).values_list("amount", flat=True)
    )
    assert injected == 10_000_000
    assert f"Tillgängligt för nya beviljanden (huvudboken) {kr(injected)}" in text
    assert f"Det här förslaget {kr(item.amount)}" in text
    assert f"Kvar efter det här förslaget {kr(injected - item.amount)}" in text
    for year in item.years.all():
        assert str(year.year) in text
        assert kr(year.amount) in text
    assert recommended.recommendation.summary in text
    assert recommended.title in text
    # The call's other application is not the board secretary's to see (it is in no
    # proposal sent): the document lists only what the person who asked may see.
    assert "Ansökningar som inte föreslås" in text
    assert not_proposed.title not in text
    assert "Alla inlämnade ansökningar i utlysningen föreslås." in text
    assert f"Godkänt av stadsdirektören {city_director.full_name}" in text
    # The council as a body: no individual criterion comments.
    comments = set(CriterionScore.objects.values_list("comment", flat=True))
    assert comments
    for comment in comments:
        assert comment not in text
    assert "Ej diarieförd" in text
    assert f"Förslag till kommunstyrelsen: {approved.call.title}" in pdf_info(content)


def test_who_may_not_read_the_proposal_gets_not_found(
    client,
    recommended,
    not_proposed,
    fund_admin,
    applicant,
    auditor,
    django_capture_on_commit_callbacks,
):
    proposal = start(recommended.call, fund_admin)
    assert proposal.state == ProposalState.DRAFT
    secretary = factories.person(Role.BOARD_SECRETARY)
    # The board secretary reads a proposal once it is sent to the city director.
    assert _ask(client, secretary, proposal, django_capture_on_commit_callbacks).status_code == 404
    assert _ask(client, applicant, proposal, django_capture_on_commit_callbacks).status_code == 404
    assert not ReportJob.objects.exists()
    assert _ask(client, auditor, proposal, django_capture_on_commit_callbacks).status_code == 302
    job = ReportJob.objects.get()
    assert job.state == JobState.DONE, job.error
    text = " ".join(pdf_text(job.file.read()).split())
    assert "Ännu inte godkänt av stadsdirektören" in text
    # An auditor reads every submitted application: the call's other one is listed.
    assert f"{not_proposed.registration} {not_proposed.title}" in text
    # On the proposal page, for those who read it.
    page = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert reverse("reports:board_proposal", args=[proposal.pk]) in page.text
