"""The portfolio report: rendered by the job service with WeasyPrint, read back with pdftotext
and pdfinfo; its figures checked against sums computed here from the ledger's raw rows."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from reports import services
from reports.documents.portfolio import portfolio_context
from reports.models import JobState, ReportJob, ReportKind
from tests.reports.conftest import kr, pdf_info, pdf_text, raw_sums

pytestmark = pytest.mark.django_db


def _produce(actor, fund, value_date, django_capture_on_commit_callbacks) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job, new = services.report_request(
            actor=actor, kind=ReportKind.PORTFOLIO, fund=fund, value_date=value_date
        )
    assert new
    job.refresh_from_db()
    return job


def test_the_portfolio_pdf_states_the_ledgers_figures_to_the_krona(
    portfolio, city_director, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    job = _produce(city_director, portfolio, today, django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE, job.error
    content = job.file.read()
    if keep := os.environ.get("KEEP_PDF"):
        Path(keep).write_bytes(content)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    sums = raw_sums(portfolio, today)
    balance = (
        sums["injection"]
        - sums.get("withdrawal", 0)
        - sums["disbursement"]
        + sums["refund"]
        - sums["fund_expense"]
        + sums["return"]
    )
    outstanding = sums["grant"] - sums.get("release", 0) - sums["disbursement"] + sums["refund"]
    for amount in (
        sums["injection"],
        sums["grant"],
        sums["disbursement"],
        sums["refund"],
        sums["fund_expense"],
        sums["return"],
        balance,
        outstanding,
        balance - outstanding,
    ):
        assert kr(amount) in text, kr(amount)
    assert sums["return"] == 600_000
    assert sums["fund_expense"] == 123_457
    # The running texts on every page, in Swedish.
    pages = text.split("\f")[:-1]
    assert len(pages) == job.pages >= 2
    for number, page in enumerate(pages, start=1):
        assert portfolio.name in page
        assert "Ej diarieförd" in page
        assert f"Sida {number} av {len(pages)}" in page
        assert f"Per {today:%Y-%m-%d}" in page
    assert "framtagen" in text
    info = pdf_info(content)
    assert "Tagged:          yes" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert f"Portföljrapport: {portfolio.name}" in info


def test_a_past_value_date_counts_only_the_entries_up_to_it(portfolio, city_director):
    before = dt.date(2015, 6, 30)
    context = portfolio_context(portfolio, before, timezone.now())
    sums = raw_sums(portfolio, before)
    assert context["position"].granted == sums.get("grant", 0)
    assert context["position"].returned == sums.get("return", 0) == 0
