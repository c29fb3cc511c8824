"""Fixtures for reports: reclaim's decided plan (a fund with one granted project, paid
3 000 000 kr of which 200 000 kr came back, and a reclaim plan decided by the city director),
with this year's line of Socialnämnden booked (a return in the ledger) and a fund expense.
And a helper that reads a PDF's text as pdftotext lays it out."""

from __future__ import annotations

import subprocess

import pytest
from django.utils import timezone

from core import services as core_services
from core.models import EntryKind, LedgerEntry
from core.money import format_kr
from reclaim import services as reclaim_services
from tests.reclaim import conftest as reclaim
from tests.reclaim.conftest import YEAR

open_call = reclaim.open_call
co_owner_org = reclaim.co_owner_org
nonprofit = reclaim.nonprofit
council = reclaim.council
sketch = reclaim.sketch
meeting = reclaim.meeting
applicable_sketch = reclaim.applicable_sketch
application = reclaim.application
social = reclaim.social
education = reclaim.education
secretary = reclaim.secretary
project = reclaim.project
manager = reclaim.manager
deputy = reclaim.deputy
running = reclaim.running
evaluated = reclaim.evaluated
decided = reclaim.decided


@pytest.fixture
def portfolio(decided, fund_admin, social):
    """The fund of the decided plan, with a return and a fund expense in its ledger."""
    reclaim_services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    fund = decided.project.registration.fund
    core_services.ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.FUND_EXPENSE,
        amount=123_457,
        value_date=timezone.localdate(),
        note="Central effektutvärdering",
    )
    return fund


def sums_of(entries) -> dict[str, int]:
    """Each kind's sum straight from the ledger rows given, reversals taken off what they
    reverse: the test's own arithmetic, not the app's."""
    sums: dict[str, int] = {}
    for kind, amount, reversed_kind in entries.values_list("kind", "amount", "reverses__kind"):
        if kind == EntryKind.REVERSAL:
            sums[reversed_kind] = sums.get(reversed_kind, 0) - amount
        else:
            sums[kind] = sums.get(kind, 0) + amount
    return sums


def raw_sums(fund, at) -> dict[str, int]:
    return sums_of(LedgerEntry.objects.filter(fund=fund, value_date__lte=at))


def balance_of(sums: dict[str, int]) -> int:
    """Injections, less withdrawals, net payments and fund expenses, plus returns."""
    return (
        sums.get("injection", 0)
        - sums.get("withdrawal", 0)
        - sums.get("disbursement", 0)
        + sums.get("refund", 0)
        - sums.get("fund_expense", 0)
        + sums.get("return", 0)
    )


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    # No-break spaces (in amounts) come out as spaces or as themselves: read them as spaces.
    return result.stdout.decode().replace("\xa0", " ")


def kr(amount: int) -> str:
    """An amount as the report prints it, with plain spaces (as ``pdf_text`` reads it)."""
    return format_kr(amount).replace("\xa0", " ")


def pdf_info(content: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture(autouse=True)
def _fresh_figures():
    """The start page keeps a fund's figures for a minute (in the cache): each test reads its
    own."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
