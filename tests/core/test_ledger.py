"""The ledger's rules, one by one, and the pages that write to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from core import services
from core.errors import DomainError
from core.models import EntryKind, Event, LedgerEntry
from tests import factories

pytestmark = pytest.mark.django_db
DAY = dt.date(2016, 1, 1)


def inject(fund, actor, amount=1_000, day=DAY):
    return services.ledger_entry_record(
        actor=actor,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=amount,
        value_date=day,
        reference="KF 2015-06-15 § 12",
        by_hand=True,
    )


def refused(call, **kwargs):
    before = (LedgerEntry.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert (LedgerEntry.objects.count(), Event.objects.count()) == before
    return error.value


def test_position_follows_the_identities(fund, fund_admin):
    inject(fund, fund_admin, 300)
    case = services.registration_number_allocate(fund=fund)
    org = factories.OrganisationFactory()
    record = services.ledger_entry_record
    record(actor=None, fund=fund, kind="grant", amount=100, value_date=DAY, case=case)
    record(actor=None, fund=fund, kind="release", amount=10, value_date=DAY, case=case)
    record(
        actor=None,
        fund=fund,
        kind="disbursement",
        amount=50,
        value_date=DAY,
        case=case,
        organisation=org,
    )
    record(
        actor=None, fund=fund, kind="refund", amount=5, value_date=DAY, case=case, organisation=org
    )
    record(
        actor=fund_admin, fund=fund, kind="fund_expense", amount=20, value_date=DAY, by_hand=True
    )
    record(
        actor=None, fund=fund, kind="return", amount=7, value_date=DAY, case=case, organisation=org
    )
    position = fund.position(DAY)
    assert (position.I, position.G, position.R, position.P, position.E, position.T) == (
        300,
        100,
        10,
        45,
        20,
        7,
    )
    assert position.balance == 300 - 45 - 20 + 7
    assert position.outstanding == 100 - 10 - 45
    assert position.available == 300 - 100 + 10 - 20 + 7
    assert position.available == position.balance - position.outstanding
    assert fund.position(DAY - dt.timedelta(days=1)).balance == 0
    assert LedgerEntry.objects.positions_by_fund(DAY)[fund.pk] == position


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, 10**13])
def test_amounts_must_be_positive_whole_kronor(fund, fund_admin, amount):
    refused(
        services.ledger_entry_record,
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=amount,
        value_date=DAY,
        reference="KF",
        by_hand=True,
    )


def test_only_hand_kinds_by_hand(fund, fund_admin):
    inject(fund, fund_admin)
    case = services.registration_number_allocate(fund=fund)
    error = refused(
        services.ledger_entry_record,
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.GRANT,
        amount=1,
        value_date=DAY,
        case=case,
        by_hand=True,
    )
    assert error.field == "kind"


def test_withdrawal_larger_than_available_is_refused_with_figures(fund, fund_admin):
    inject(fund, fund_admin, 1_000)
    error = refused(
        services.ledger_entry_record,
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.WITHDRAWAL,
        amount=1_001,
        value_date=DAY,
        reference="KF",
        by_hand=True,
    )
    assert error.code == "exceeds_available"
    assert "1\u00a0000\u00a0kr" in error.message


def test_a_backdated_withdrawal_must_fit_every_later_day(fund, fund_admin):
    inject(fund, fund_admin, 1_000, DAY)
    inject(fund, fund_admin, 1_000, DAY + dt.timedelta(days=10))
    case = services.registration_number_allocate(fund=fund)
    services.ledger_entry_record(
        actor=None,
        fund=fund,
        kind="grant",
        amount=1_500,
        value_date=DAY + dt.timedelta(days=20),
        case=case,
    )
    # 1 000 were available on DAY, but after the grant only 500 are: 600 would go negative.
    refused(
        services.ledger_entry_record,
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.WITHDRAWAL,
        amount=600,
        value_date=DAY,
        reference="KF",
        by_hand=True,
    )
    inject(fund, fund_admin, 1, DAY)  # still fine to add
    services.ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.WITHDRAWAL,
        amount=500,
        value_date=DAY,
        reference="KF",
        by_hand=True,
    )


def test_value_dates_between_fund_start_and_today(fund, fund_admin):
    for day in (
        fund.started_on - dt.timedelta(days=1),
        timezone.localdate() + dt.timedelta(days=1),
    ):
        error = refused(
            services.ledger_entry_record,
            actor=fund_admin,
            fund=fund,
            kind=EntryKind.INJECTION,
            amount=1,
            value_date=day,
            reference="KF",
            by_hand=True,
        )
        assert error.field == "value_date"


def test_injection_needs_a_decision(fund, fund_admin):
    error = refused(
        services.ledger_entry_record,
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=1,
        value_date=DAY,
        reference="  ",
        by_hand=True,
    )
    assert error.field == "reference"


def test_reversal_names_the_entry_needs_a_reason_and_happens_once(fund, fund_admin):
    entry = inject(fund, fund_admin)
    refused(services.ledger_entry_reverse, actor=fund_admin, entry=entry, reason=" ", by_hand=True)
    reversal = services.ledger_entry_reverse(
        actor=fund_admin, entry=entry, reason="Fel belopp", value_date=DAY, by_hand=True
    )
    assert reversal.reverses == entry
    assert reversal.amount == entry.amount
    assert fund.position(DAY).available == 0
    error = refused(
        services.ledger_entry_reverse, actor=fund_admin, entry=entry, reason="Igen", by_hand=True
    )
    assert error.code == "already_reversed"
    error = refused(
        services.ledger_entry_reverse, actor=fund_admin, entry=reversal, reason="Igen", by_hand=True
    )
    assert error.code == "reversal_of_reversal"


def test_reversal_cannot_predate_its_entry_nor_overdraw(fund, fund_admin):
    entry = inject(fund, fund_admin, 1_000, DAY + dt.timedelta(days=5))
    refused(
        services.ledger_entry_reverse,
        actor=fund_admin,
        entry=entry,
        reason="Fel",
        value_date=DAY,
        by_hand=True,
    )
    case = services.registration_number_allocate(fund=fund)
    services.ledger_entry_record(
        actor=None,
        fund=fund,
        kind="grant",
        amount=600,
        value_date=DAY + dt.timedelta(days=6),
        case=case,
    )
    error = refused(
        services.ledger_entry_reverse, actor=fund_admin, entry=entry, reason="Fel", by_hand=True
    )
    assert error.code == "exceeds_available"


def test_service_kinds_are_reversed_only_by_their_services(fund, fund_admin):
    inject(fund, fund_admin)
    case = services.registration_number_allocate(fund=fund)
    grant = services.ledger_entry_record(
        actor=None, fund=fund, kind="grant", amount=100, value_date=DAY, case=case
    )
    error = refused(
        services.ledger_entry_reverse, actor=fund_admin, entry=grant, reason="Fel", by_hand=True
    )
    assert error.code == "not_by_hand"
    services.ledger_entry_reverse(actor=None, entry=grant, reason="Beslutet upphävt")
    assert fund.position().G == 0


def test_case_rules(fund, fund_admin):
    inject(fund, fund_admin)
    case = services.registration_number_allocate(fund=fund)
    org = factories.OrganisationFactory()
    record = services.ledger_entry_record
    refused(record, actor=None, fund=fund, kind="grant", amount=1, value_date=DAY)  # no case
    record(actor=None, fund=fund, kind="grant", amount=100, value_date=DAY, case=case)
    error = refused(
        record,
        actor=None,
        fund=fund,
        kind="disbursement",
        amount=101,
        value_date=DAY,
        case=case,
        organisation=org,
    )
    assert error.code == "exceeds_outstanding"
    refused(record, actor=None, fund=fund, kind="disbursement", amount=1, value_date=DAY, case=case)
    error = refused(
        record,
        actor=None,
        fund=fund,
        kind="refund",
        amount=1,
        value_date=DAY,
        case=case,
        organisation=org,
    )
    assert error.code == "exceeds_paid"
    other_fund = factories.FundFactory(name="Annan fond")
    other_case = services.registration_number_allocate(fund=other_fund)
    refused(record, actor=None, fund=fund, kind="grant", amount=1, value_date=DAY, case=other_case)


def test_the_database_refuses_to_change_or_delete_an_entry(fund, fund_admin):
    entry = inject(fund, fund_admin)
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    for statement in (
        LedgerEntry.objects.filter(pk=entry.pk).update,
        LedgerEntry.objects.filter(pk=entry.pk).delete,
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement(amount=1) if statement.__name__ == "update" else statement()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 1_000


# --- Pages --------------------------------------------------------------------------------


def post_entry(client, fund, **data):
    payload = {
        "kind": "injection",
        "amount": "300 000 000",
        "value_date": DAY.isoformat(),
        "reference": "KF 2015-06-15 § 12",
        "note": "",
        **data,
    }
    return client.post(f"/funds/{fund.pk}/entries/new/", payload)


@pytest.mark.parametrize("amount", ["0", "-5", "1,5", "12.50", "abc", "1e9", "", "١٢٣"])
def test_bad_amounts_are_refused_in_swedish_and_kept(admin_client, fund, amount):
    response = post_entry(admin_client, fund, amount=amount, reference="Mitt beslut")
    assert response.status_code == 200
    assert LedgerEntry.objects.count() == 0
    assert "amount" in response.context["form"].errors
    page = response.content.decode()
    assert "Ingenting sparades" in page
    assert 'value="Mitt beslut"' in page


def test_an_injection_and_a_reversal_through_the_pages(admin_client, fund):
    response = post_entry(admin_client, fund, amount="300\u00a0000\u00a0000")
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.amount == 300_000_000
    page = admin_client.get(f"/funds/{fund.pk}/").content.decode()
    assert 'data-figure="available">300\u00a0000\u00a0000\u00a0kr' in page
    response = admin_client.post(
        f"/funds/{fund.pk}/entries/{entry.pk}/reverse/",
        {"reason": "", "value_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert LedgerEntry.objects.count() == 1
    assert "Ange skälet till rättelsen." in response.content.decode()
    response = admin_client.post(
        f"/funds/{fund.pk}/entries/{entry.pk}/reverse/",
        {"reason": "Fel fond", "value_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    page = admin_client.get(f"/funds/{fund.pk}/").content.decode()
    assert 'data-figure="available">0\u00a0kr' in page


def test_a_withdrawal_above_available_explains_itself(admin_client, fund):
    post_entry(admin_client, fund, amount="1 000")
    response = post_entry(admin_client, fund, kind="withdrawal", amount="1 001")
    assert response.status_code == 200
    assert LedgerEntry.objects.count() == 1
    assert "är mer än vad som finns tillgängligt" in response.content.decode()


def test_the_position_at_a_past_date(admin_client, fund):
    post_entry(admin_client, fund, amount="1 000", value_date="2016-01-01")
    page = admin_client.get(f"/funds/{fund.pk}/?at=2015-12-31").content.decode()
    assert 'data-figure="I">0\u00a0kr' in page
    page = admin_client.get(f"/funds/{fund.pk}/?at=2016-01-01").content.decode()
    assert 'data-figure="I">1\u00a0000\u00a0kr' in page


def test_the_register_lists_and_finds_numbers(admin_client, fund):
    org = factories.OrganisationFactory(name="Skarpnäcks stadsdelsnämnd")
    services.registration_number_allocate(fund=fund, counterpart=org, subject="Skarpnäcksmodellen")
    services.registration_number_allocate(fund=fund, subject="Annat")
    year = timezone.localdate().year
    page = admin_client.get("/register/").content.decode()
    assert f"SIF {year}/0001" in page
    assert f"SIF {year}/0002" in page
    page = admin_client.get("/register/", {"q": f"sif {year}/2"}).content.decode()
    assert f"SIF {year}/0002" in page
    assert "Skarpnäcksmodellen" not in page
    page = admin_client.get("/register/", {"q": "skarpnäck"}).content.decode()
    assert "Skarpnäcksmodellen" in page
    assert "Annat" not in page


# --- Hooks for the apps that write money ----------------------------------------------------


def test_a_case_reads_its_own_entries_and_a_cause_the_entries_it_wrote(fund, fund_admin):
    inject(fund, fund_admin, 1_000)
    case = services.registration_number_allocate(fund=fund)
    other = services.registration_number_allocate(fund=fund)
    cause = factories.OrganisationFactory()  # any saved object can be a cause
    grant = services.ledger_entry_record(
        actor=None, fund=fund, kind="grant", amount=100, value_date=DAY, case=case, cause=cause
    )
    services.ledger_entry_record(
        actor=None, fund=fund, kind="grant", amount=50, value_date=DAY, case=other
    )
    assert list(LedgerEntry.objects.for_case(case)) == [grant]
    assert list(LedgerEntry.objects.caused_by(cause)) == [grant]
    assert not LedgerEntry.objects.caused_by(factories.OrganisationFactory()).exists()


def test_fund_lock_returns_the_fund_fresh_from_the_database(fund):
    from core.models import Fund
    from core.services.ledger import fund_lock

    Fund.objects.filter(pk=fund.pk).update(name="Omdöpt fond")
    with transaction.atomic():
        assert fund_lock(fund).name == "Omdöpt fond"
        assert fund_lock(fund.pk).pk == fund.pk


def test_available_is_written_once_as_balance_less_outstanding():
    from core.models import Position
    from core.models.funds import AVAILABLE, BALANCE, OUTSTANDING

    assert AVAILABLE == {
        EntryKind.INJECTION: 1,
        EntryKind.WITHDRAWAL: -1,
        EntryKind.GRANT: -1,
        EntryKind.RELEASE: 1,
        EntryKind.FUND_EXPENSE: -1,
        EntryKind.RETURN: 1,
    }
    position = Position(
        at=DAY,
        injected=1_000,
        withdrawn=7,
        granted=300,
        released=11,
        disbursed=120,
        refunded=13,
        expenses=17,
        returned=19,
    )
    p = position
    assert p.balance == p.I - p.P - p.E + p.T == p.figure(BALANCE)
    assert p.outstanding == p.G - p.R - p.P == p.figure(OUTSTANDING)
    assert p.available == p.I - p.G + p.R - p.E + p.T == p.balance - p.outstanding
