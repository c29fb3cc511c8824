"""The first page of a list that grows with the data is read from an index in the list's own
order, not sorted from the whole table (PostgreSQL's plan, on tables filled and analysed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, Call, IdeaSketch
from core.models import EntryKind, LedgerEntry, RegistrationNumber
from tests import factories

pytestmark = pytest.mark.django_db
ROWS = 8_000


@pytest.fixture
def filled(fund_admin):
    fund = factories.FundFactory()
    owner = factories.OrganisationFactory()
    today = timezone.localdate()
    call = Call.objects.create(
        fund=fund,
        title="Fylld",
        description="",
        idea_sketch_deadline=today,
        application_deadline=today + dt.timedelta(days=1),
        indicative_budget=0,
        decision_route="own_proposal",
        created_by=fund_admin,
    )
    start = timezone.now() - dt.timedelta(days=ROWS)
    numbers = RegistrationNumber.objects.bulk_create(
        RegistrationNumber(fund=fund, series="SIF", year=2000 + n // 1000, sequence=n % 1000 + 1)
        for n in range(ROWS)
    )
    sketches = IdeaSketch.objects.bulk_create(
        IdeaSketch(
            call=call,
            owner=owner,
            title=f"Skiss {n}",
            created_by=fund_admin,
            created_at=start + dt.timedelta(days=n),
        )
        for n in range(ROWS)
    )
    Application.objects.bulk_create(
        Application(
            sketch=sketch,
            call=call,
            owner=owner,
            registration=numbers[0],
            title=sketch.title,
            created_by=fund_admin,
            created_at=sketch.created_at,
        )
        for sketch in sketches
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fund=fund,
            kind=EntryKind.INJECTION,
            amount=1,
            value_date=fund.started_on + dt.timedelta(days=n % 3000),
            reference="KF",
        )
        for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return fund


def _plan(queryset) -> str:
    return queryset.explain()


def test_the_first_pages_of_the_lists_come_from_their_indexes(filled, fund_admin):
    plans = {
        ("applications_application", "applications_application_list"): _plan(
            Application.objects.visible_to(fund_admin).matching().for_list()[:50]
        ),
        ("applications_ideasketch", "applications_sketch_list"): _plan(
            IdeaSketch.objects.visible_to(fund_admin).matching().for_list()[:50]
        ),
        ("core_registrationnumber", "core_register_order"): _plan(
            RegistrationNumber.objects.for_register()[:50]
        ),
        ("core_ledgerentry", "core_ledger_list"): _plan(
            LedgerEntry.objects.filter(fund=filled).for_list()[:50]
        ),
    }
    for (table, index), plan in plans.items():
        assert index in plan, f"{index} not used:\n{plan}"
        assert f"Seq Scan on {table} " not in plan, plan
    # The check can fail: ordered by a column no index leads with, the page is sorted.
    unindexed = _plan(Application.objects.order_by("title")[:50])
    assert "applications_application_list" not in unindexed
    assert "Sort" in unindexed
