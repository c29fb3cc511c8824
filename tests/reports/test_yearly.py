"""The yearly report to the board: a calendar year's decisions, ledger movements (checked here
against sums of the raw rows of that year), reclaim decisions and results; an empty year gives
a clear, short report; the form refuses a year outside the fund's life in Swedish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import services as core_services
from core.models import EntryKind, LedgerEntry
from projects.models import Project
from reports import services
from reports.models import JobState, ReportJob, ReportKind
from tests.reports.conftest import YEAR, kr, pdf_info, pdf_text, sums_of

pytestmark = pytest.mark.django_db


def _produce(actor, fund, year, django_capture_on_commit_callbacks) -> ReportJob:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        job, _new = services.report_request(
            actor=actor,
            kind=ReportKind.YEARLY,
            fund=fund,
            value_date=min(dt.date(year, 12, 31), today),
            parameters={"year": year},
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    return job


def _year_sums(fund, year) -> dict[str, int]:
    return sums_of(LedgerEntry.objects.filter(fund=fund, value_date__year=year))


def test_the_year_in_the_ledger_the_decisions_and_the_results(
    portfolio, city_director, django_capture_on_commit_callbacks
):
    job = _produce(city_director, portfolio, YEAR, django_capture_on_commit_callbacks)
    content = job.file.read()
    text = " ".join(pdf_text(content).split())
    sums = _year_sums(portfolio, YEAR)
    assert sums["return"] == 600_000
    assert sums["fund_expense"] == 123_457
    labels = {
        "grant": "Beviljanden (åtaganden)",
        "disbursement": "Utbetalningar",
        "refund": "Återbetalningar",
        "fund_expense": "Fondkostnader",
        "return": "Återföringar (bokförda)",
    }
    for kind, label in labels.items():
        assert f"{label} {kr(sums.get(kind, 0))}" in text, label
    project = Project.objects.get(registration__fund=portfolio)
    decision = project.board_decision
    assert decision.meeting_date.year == YEAR
    assert f"{decision.board_reference} § {decision.paragraph}" in text
    assert f"beviljat totalt {kr(decision.amount)}" in text
    # The evaluation was completed this year; the reclaim plan was decided last year.
    assert "Utvärderingar som slutfördes under året" in text
    assert "Ingen plan för återföring beslutades" in text
    assert "Utbetalt och återfört per månad" in text
    assert "Ingenting hände" not in text
    assert f"Årsrapport {YEAR}: {portfolio.name}" in pdf_info(content)
    last_year = " ".join(
        pdf_text(
            _produce(
                city_director, portfolio, YEAR - 1, django_capture_on_commit_callbacks
            ).file.read()
        ).split()
    )
    version = project.reclaim_plan.versions.get()
    assert f"{timezone.localtime(version.decided_at):%Y-%m-%d} {project.registration}" in (
        last_year
    )


def test_a_year_without_activity_is_a_clear_empty_report(
    fund, fund_admin, auditor, django_capture_on_commit_callbacks
):
    core_services.ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=300_000_000,
        value_date=dt.date(2016, 3, 1),
        by_hand=True,
        reference="KF 2016",
    )
    job = _produce(auditor, fund, 2018, django_capture_on_commit_callbacks)
    text = " ".join(pdf_text(job.file.read()).split())
    assert "Ingenting hände i fonden 2018:" in text
    assert "Kommunstyrelsen beslutade inte om någon ansökan 2018." in text
    assert "Inga pengar rörde sig för någon investering 2018." in text
    # The position is still there: the money injected two years before.
    assert f"Saldo (reserverat i fonden) {kr(300_000_000)} {kr(300_000_000)}" in text
    assert job.pages >= 1


def test_the_form_refuses_a_year_outside_the_funds_life_and_keeps_what_was_typed(
    client, fund, city_director
):
    client.force_login(city_director)
    url = reverse("reports:list")
    response = client.post(url, {"yearly-fund": fund.pk, "yearly-year": "1999"})
    assert response.status_code == 200
    page = response.text
    assert f"Välj ett år från {fund.started_on.year} till {timezone.localdate().year}." in page
    assert 'value="1999"' in page
    for year in ("0", "-3", "10000", str(timezone.localdate().year + 1)):
        response = client.post(url, {"yearly-fund": fund.pk, "yearly-year": year})
        assert response.status_code == 200, year
        assert "Välj ett år från" in response.text
    response = client.post(url, {"yearly-fund": fund.pk, "yearly-year": "tjugo"})
    assert response.status_code == 200
    assert 'value="tjugo"' in response.text
    assert not ReportJob.objects.exists()
    response = client.post(url, {"yearly-fund": fund.pk, "yearly-year": str(YEAR - 1)})
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[job.pk])
    assert (job.kind, job.parameters, job.value_date) == (
        ReportKind.YEARLY,
        {"year": YEAR - 1},
        dt.date(YEAR - 1, 12, 31),
    )
