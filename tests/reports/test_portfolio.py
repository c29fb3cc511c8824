"""The portfolio report: rendered by the job service with WeasyPrint, read back with pdftotext
and pdfinfo; its figures checked against sums computed here from the ledger's raw rows."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from core import services as core_services
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


def test_the_positions_per_year_carry_each_years_entries_and_reversals_forward(fund, fund_admin):
    """By hand: an injection in 2016, nothing in 2017, a fund expense in 2018 reversed in 2019,
    a withdrawal in 2019; each year's end position, and the value date's, from the test's own
    arithmetic."""
    from core.models import EntryKind, LedgerEntry

    def record(kind, amount, day):
        return core_services.ledger_entry_record(
            actor=fund_admin,
            fund=fund,
            kind=kind,
            amount=amount,
            value_date=day,
            reference="KF 2015-06-15 § 12",
        )

    record(EntryKind.INJECTION, 1_000_000, dt.date(2016, 3, 1))
    expense = record(EntryKind.FUND_EXPENSE, 50_000, dt.date(2018, 5, 1))
    core_services.ledger_entry_reverse(
        actor=fund_admin,
        entry=expense,
        reason="Fel fond",
        value_date=dt.date(2019, 2, 1),
        by_hand=True,
        today=dt.date(2019, 2, 1),
    )
    record(EntryKind.WITHDRAWAL, 100_000, dt.date(2019, 9, 1))
    positions = LedgerEntry.objects.filter(fund=fund).positions_by_year(dt.date(2019, 6, 30))
    assert [(p.at, p.balance, p.expenses, p.withdrawn) for p in positions] == [
        (dt.date(2016, 12, 31), 1_000_000, 0, 0),
        (dt.date(2017, 12, 31), 1_000_000, 0, 0),
        (dt.date(2018, 12, 31), 950_000, 50_000, 0),
        (dt.date(2019, 6, 30), 1_000_000, 0, 0),  # the withdrawal comes after the value date
    ]
    for position in positions:  # each equals the one-date position the fund page shows
        assert position == fund.position(position.at)
    assert LedgerEntry.objects.filter(fund=fund).positions_by_year(dt.date(2015, 12, 31)) == []


def test_the_investments_sums_add_up_to_the_funds_figures(portfolio, fund_admin):
    context = portfolio_context(portfolio, timezone.localdate(), timezone.now())
    position = context["position"]
    (only,) = context["investments"]
    assert (only.money.granted, only.money.disbursed, only.money.refunded) == (
        position.granted,
        position.disbursed,
        position.refunded,
    )
    assert only.money.returned == position.returned == 600_000
    assert only.reclaim.decided == 2_000_000  # the decided plan's three lines
    assert only.money.expenses == 0  # a fund expense belongs to no case


def test_the_bench_command_produces_a_report_and_says_what_it_cost(portfolio, city_director):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench_report", fund=portfolio.pk, stdout=out)
    job = ReportJob.objects.get()
    assert job.state == JobState.DONE
    assert f"report {job.pages} pages" in out.getvalue()
    assert "peak RSS" in out.getvalue()


def test_the_investments_are_listed_under_their_owner_whose_row_adds_them_up(portfolio, fund_admin):
    context = portfolio_context(portfolio, timezone.localdate(), timezone.now())
    position = context["position"]
    groups = context["groups"]
    listed = [investment for group in groups for investment in group.investments]
    assert listed == context["investments"]  # each investment once, in the owners' order
    for group in groups:
        assert {investment.project.owner_id for investment in group.investments} == {group.owner.pk}
        for name in ("granted", "disbursed", "refunded", "released", "returned"):
            assert getattr(group.money, name) == sum(
                getattr(investment.money, name) for investment in group.investments
            )
        assert group.reclaim.decided == sum(i.reclaim.decided for i in group.investments)
    assert sum(group.money.granted for group in groups) == position.granted
    assert sum(group.money.returned for group in groups) == position.returned == 600_000
    assert sum(group.reclaim.decided for group in groups) == 2_000_000


def test_a_report_that_names_an_address_is_produced_without_fetching_it():
    from reports.render import Running, html_to_pdf

    pdf = html_to_pdf(
        '<html lang="sv"><title>t</title><body><p>Text</p>'
        '<img src="http://127.0.0.1:9/bild.png" alt="bild"></body></html>',
        texts=Running(top_left="Fonden", top_right="Ej diarieförd", bottom_left="Per"),
    )
    assert pdf.pages == 1
    assert pdf.content.startswith(b"%PDF")
