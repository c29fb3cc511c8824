"""Funds, ledger, register and organisation pages cost the same with N rows as with 10N."""

import datetime as dt

import pytest

from core import services
from core.models import EntryKind
from tests import factories

pytestmark = pytest.mark.django_db
DAY = dt.date(2016, 1, 1)


def _entries(fund, actor, count):
    """Entries of every kind shown on the page: injections, reversed ones, and a case's
    grant and disbursement to an organisation."""
    organisation = factories.OrganisationFactory(name="Utbetalningsnämnden")
    for _ in range(count):
        injection = services.ledger_entry_record(
            actor=actor,
            fund=fund,
            kind=EntryKind.INJECTION,
            amount=1000,
            value_date=DAY,
            reference="KF",
            by_hand=True,
        )
        services.ledger_entry_reverse(actor=actor, entry=injection, reason="Fel", by_hand=True)
        services.ledger_entry_record(
            actor=actor,
            fund=fund,
            kind=EntryKind.INJECTION,
            amount=1000,
            value_date=DAY,
            reference="KF",
            by_hand=True,
        )
        case = services.registration_number_allocate(
            fund=fund, counterpart=organisation, subject="Ärende"
        )
        services.ledger_entry_record(
            actor=None, fund=fund, kind=EntryKind.GRANT, amount=500, value_date=DAY, case=case
        )
        services.ledger_entry_record(
            actor=None,
            fund=fund,
            kind=EntryKind.DISBURSEMENT,
            amount=100,
            value_date=DAY,
            case=case,
            organisation=organisation,
        )


def test_fund_detail(admin_client, fund_admin, fund, assert_same_at_n_and_10n):
    assert_same_at_n_and_10n(
        admin_client,
        f"/funds/{fund.pk}/?kind=&date_from=2015-01-01",
        lambda count: _entries(fund, fund_admin, count),
        n=2,
    )


def test_fund_list(admin_client, fund_admin, assert_same_at_n_and_10n):
    def grow(count):
        for _ in range(count):
            fund = factories.FundFactory()
            _entries(fund, fund_admin, 1)

    assert_same_at_n_and_10n(admin_client, "/funds/", grow, n=1)


def test_register(admin_client, fund_admin, fund, assert_same_at_n_and_10n):
    organisation = factories.OrganisationFactory()

    def grow(count):
        for _ in range(count):
            services.registration_number_allocate(
                fund=fund, counterpart=organisation, subject="Ärende"
            )

    assert_same_at_n_and_10n(admin_client, "/register/", grow)


def test_organisation_list(admin_client, assert_same_at_n_and_10n):
    def grow(count):
        for _ in range(count):
            factories.OrganisationFactory()

    assert_same_at_n_and_10n(admin_client, "/organisations/?status=all", grow)


def test_organisation_detail(admin_client, fund_admin, assert_same_at_n_and_10n):
    successor = factories.OrganisationFactory(name="Efterträdaren", active_from=DAY)

    def grow(count):
        for _ in range(count):
            old = factories.OrganisationFactory(active_from=DAY)
            services.reorganisation_record(
                actor=fund_admin,
                organisation=old,
                effective_from=DAY + dt.timedelta(days=10),
                decided_on=DAY,
                decision_reference="KF",
                shares=[(successor, 100)],
            )

    assert_same_at_n_and_10n(admin_client, f"/organisations/{successor.pk}/", grow)
