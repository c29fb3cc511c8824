"""The call pages cost the same number of queries with N rows as with 10N."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from applications.models import Call, CallDocument, CallState
from core.models import Event, Fund

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


@pytest.fixture
def fund(db):
    return Fund.objects.create(
        name="Sociala investeringsfonden", registration_series="SIF", started_on=dt.date(2020, 1, 1)
    )


def a_call(fund, creator, state=CallState.PUBLISHED, **fields) -> Call:
    today = timezone.localdate()
    number = next(_numbers)
    published = state != CallState.DRAFT
    return Call.objects.create(
        fund=fund,
        title=f"Utlysning {number}",
        description="Beskrivning.",
        idea_sketch_deadline=today + dt.timedelta(days=10 + number),
        application_deadline=today + dt.timedelta(days=100 + number),
        indicative_budget=1_000_000 * (number + 1),
        state=state,
        created_by=creator,
        published_at=timezone.now() if published else None,
        cancel_reason="Skäl." if state == CallState.CANCELLED else "",
        cancelled_at=timezone.now() if state == CallState.CANCELLED else None,
        **fields,
    )


def a_document(call, uploader, withdrawn=False) -> CallDocument:
    number = next(_numbers)
    return CallDocument.objects.create(
        call=call,
        title=f"Vägledning {number}",
        file=f"applications/calldocument/{number:032x}.pdf",
        original_name=f"vagledning-{number}.pdf",
        content_type="application/pdf",
        size=1000 + number,
        uploaded_by=uploader,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


STATES = itertools.cycle(
    [CallState.DRAFT, CallState.PUBLISHED, CallState.DECIDED, CallState.CANCELLED]
)


@pytest.fixture
def grow_calls(fund, fund_admin):
    def grow(count):
        for n in range(count):
            call = a_call(fund, fund_admin, state=next(STATES))
            a_document(call, fund_admin)
            a_document(call, fund_admin, withdrawn=n % 2 == 0)
            Event.objects.create(actor=fund_admin, action="call.created", target=call)

    return grow


def test_call_list_of_a_fund_administrator(admin_client, grow_calls, assert_same_at_n_and_10n):
    assert_same_at_n_and_10n(admin_client, "/calls/", grow_calls)
    assert len(admin_client.get("/calls/").context["page"].object_list) == 30


def test_call_list_of_an_applicant(client, applicant, grow_calls, assert_same_at_n_and_10n):
    client.force_login(applicant)
    assert_same_at_n_and_10n(client, "/calls/", grow_calls)


@pytest.fixture
def grow_call(fund, fund_admin, other_fund_admin):
    call = a_call(fund, fund_admin)

    def grow(count):
        for n in range(count):
            uploader = fund_admin if n % 2 else other_fund_admin
            a_document(call, uploader, withdrawn=n % 3 == 0)
            Event.objects.create(
                actor=uploader,
                action="call.document_added",
                target=call,
                data={"title": f"Vägledning {n}"},
            )

    grow.call = call
    return grow


def test_call_detail_of_a_fund_administrator(admin_client, grow_call, assert_same_at_n_and_10n):
    url = f"/calls/{grow_call.call.pk}/"
    assert_same_at_n_and_10n(admin_client, url, grow_call)
    page = admin_client.get(url)
    assert len(page.context["documents"]) == 30
    assert len(page.context["events"]) == 30


def test_call_detail_of_an_applicant(client, applicant, grow_call, assert_same_at_n_and_10n):
    client.force_login(applicant)
    assert_same_at_n_and_10n(client, f"/calls/{grow_call.call.pk}/", grow_call)
