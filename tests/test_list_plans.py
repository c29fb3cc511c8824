"""The first page of a list that grows with the data is read from an index in the list's own
order, not sorted from the whole table (PostgreSQL's plan, on tables filled and analysed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, Call, IdeaSketch, ReviewAssignment
from applications.selectors.attention import TASKS_SHOWN
from applications.selectors.reviews import assignments_of, open_tasks_of
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
    applications = Application.objects.bulk_create(
        Application(
            sketch=sketch,
            call=call,
            owner=owner,
            registration=numbers[0],
            title=sketch.title,
            created_by=fund_admin,
            created_at=sketch.created_at,
            # One in 20 submitted (and not yet scored): its reviewer has something to do.
            state="submitted" if n % 20 == 0 else "draft",
            current_version=1 if n % 20 == 0 else 0,
        )
        for n, sketch in enumerate(sketches)
    )
    # One council member assigned to every application, with something to do on one in 20
    # (``to_do`` as the services keep it).
    member = factories.person("council_member", name="Rita Rådsledamot")
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application=application,
            reviewer=member,
            kind="council",
            assigned_by=fund_admin,
            due_on=today + dt.timedelta(days=n % 90),
            to_do=n % 20 == 0,
        )
        for n, application in enumerate(applications)
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
    member = ReviewAssignment.objects.first().reviewer
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
        ("applications_reviewassignment", "applications_assignment_list"): _plan(
            assignments_of(member)[:50]
        ),
        ("applications_reviewassignment", "applications_assignment_to_do"): _plan(
            open_tasks_of(member)[:TASKS_SHOWN]
        ),
    }
    for (table, index), plan in plans.items():
        assert index in plan, f"{index} not used:\n{plan}"
        assert f"Seq Scan on {table} " not in plan, plan
    # The check can fail: ordered by a column no index leads with, the page is sorted.
    unindexed = _plan(Application.objects.order_by("title")[:50])
    assert "applications_application_list" not in unindexed
    assert "Sort" in unindexed
