"""Organisations and reorganisations: the rules and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import services
from core.errors import DomainError
from core.models import Event, Organisation, OrganisationKind, Reorganisation
from tests import factories

pytestmark = pytest.mark.django_db
START = dt.date(2015, 1, 1)
MERGER = dt.date(2020, 1, 1)


@pytest.fixture
def districts():
    return [
        factories.OrganisationFactory(name=f"{name} stadsdelsnämnd", active_from=START)
        for name in ("Farsta", "Skarpnäck", "Enskede")
    ]


def reorganise(actor, organisation, shares, **kwargs):
    return services.reorganisation_record(
        actor=actor,
        organisation=organisation,
        effective_from=kwargs.get("effective_from", MERGER),
        decided_on=kwargs.get("decided_on", MERGER - dt.timedelta(days=100)),
        decision_reference=kwargs.get("decision_reference", "KF 2019-09-23 § 4"),
        shares=shares,
    )


def test_a_split_ends_the_organisation_and_records_shares(fund_admin, districts):
    farsta, skarpnack, enskede = districts
    reorganisation = reorganise(
        fund_admin, farsta, [(skarpnack, Decimal("66.67")), (enskede, Decimal("33.33"))]
    )
    farsta.refresh_from_db()
    assert farsta.active_until == MERGER - dt.timedelta(days=1)
    assert [(s.successor, s.percent) for s in reorganisation.shares.all()] == [
        (skarpnack, Decimal("66.67")),
        (enskede, Decimal("33.33")),
    ]
    assert Event.objects.filter(action="organisation.reorganised").count() == 3
    assert not Organisation.objects.active_on(MERGER).filter(pk=farsta.pk).exists()
    assert farsta.history.count() == 2


@pytest.mark.parametrize(
    "shares",
    [
        [("Skarpnäck", "60"), ("Enskede", "30")],
        [("Skarpnäck", "60"), ("Enskede", "40.01")],
        [("Skarpnäck", "100"), ("Skarpnäck", "0")],
        [("Skarpnäck", "100"), ("Farsta", "0.00")],
        [],
        [("Farsta", "100")],
        [("Skarpnäck", "120"), ("Enskede", "-20")],
    ],
)
def test_refused_shares_change_nothing(fund_admin, districts, shares):
    by_name = {org.name.split()[0]: org for org in districts}
    before = (Organisation.objects.get(pk=districts[0].pk).active_until, Event.objects.count())
    with pytest.raises(DomainError):
        reorganise(
            fund_admin, districts[0], [(by_name[name], Decimal(share)) for name, share in shares]
        )
    assert Reorganisation.objects.count() == 0
    assert (
        Organisation.objects.get(pk=districts[0].pk).active_until,
        Event.objects.count(),
    ) == before


def test_other_refusals(fund_admin, districts):
    farsta, skarpnack, _enskede = districts
    partner = factories.OrganisationFactory(name="Föreningen", kind=OrganisationKind.NONPROFIT)
    late = factories.OrganisationFactory(name="Ny nämnd", active_from=MERGER + dt.timedelta(days=5))
    cases = [
        {"organisation": partner, "shares": [(skarpnack, Decimal(100))]},
        {"organisation": farsta, "shares": [(partner, Decimal(100))]},
        {"organisation": farsta, "shares": [(late, Decimal(100))]},
        {"organisation": farsta, "shares": [(skarpnack, Decimal(100))], "decision_reference": " "},
        {
            "organisation": farsta,
            "shares": [(skarpnack, Decimal(100))],
            "decided_on": MERGER + dt.timedelta(days=1),
        },
        {"organisation": farsta, "shares": [(skarpnack, Decimal(100))], "effective_from": START},
    ]
    for case in cases:
        with pytest.raises(DomainError):
            reorganise(fund_admin, case.pop("organisation"), case.pop("shares"), **case)
    reorganise(fund_admin, farsta, [(skarpnack, Decimal(100))])
    with pytest.raises(DomainError, match=r"redan|already"):
        reorganise(fund_admin, farsta, [(skarpnack, Decimal(100))])


def test_a_nonprofit_never_becomes_a_city_organisation(fund_admin):
    partner = factories.OrganisationFactory(name="Föreningen", kind=OrganisationKind.NONPROFIT)
    with pytest.raises(DomainError):
        services.organisation_update(
            actor=fund_admin,
            organisation=partner,
            name=partner.name,
            short_name="F",
            kind=OrganisationKind.DISTRICT_COMMITTEE,
        )
    assert not Organisation.objects.get(pk=partner.pk).can_own_cases


# --- Pages --------------------------------------------------------------------------------


def test_create_and_duplicate_name(admin_client):
    data = {
        "name": "Stadsdelsnämnden Norr",
        "short_name": "Norr",
        "kind": "district_committee",
        "active_from": "2025-01-01",
    }
    assert admin_client.post("/organisations/new/", data).status_code == 302
    response = admin_client.post("/organisations/new/", {**data, "name": "stadsdelsnämnden norr"})
    assert response.status_code == 200
    assert "Det finns redan en organisation med det namnet." in response.content.decode()
    assert Organisation.objects.filter(name__iexact="stadsdelsnämnden norr").count() == 1


def test_reorganise_page_keeps_input_and_explains_the_sum(admin_client, districts):
    farsta, skarpnack, enskede = districts
    data = {
        "effective_from": "2020-01-01",
        "decided_on": "2019-09-23",
        "decision_reference": "KF 2019-09-23 § 4",
        "successor_1": skarpnack.pk,
        "share_1": "60",
        "successor_2": enskede.pk,
        "share_2": "30,5",
    }
    response = admin_client.post(f"/organisations/{farsta.pk}/reorganise/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Andelarna måste summera till exakt 100 %; de summerar till 90,5 %." in page
    assert 'value="30,5"' in page
    assert 'value="KF 2019-09-23 § 4"' in page
    response = admin_client.post(
        f"/organisations/{farsta.pk}/reorganise/", {**data, "share_2": "40"}
    )
    assert response.status_code == 302
    page = admin_client.get(f"/organisations/{farsta.pk}/").content.decode()
    assert "Skarpnäck stadsdelsnämnd" in page
    assert "40 %" in page


def test_a_share_without_successor_is_pointed_out(admin_client, districts):
    farsta, skarpnack, _enskede = districts
    response = admin_client.post(
        f"/organisations/{farsta.pk}/reorganise/",
        {
            "effective_from": "2020-01-01",
            "decided_on": "2019-09-23",
            "decision_reference": "KF",
            "successor_1": skarpnack.pk,
            "share_1": "100",
            "share_2": "abc",
        },
    )
    errors = response.context["form"].errors
    assert "share_2" in errors
    assert Reorganisation.objects.count() == 0


# --- The seam for projects and reclaim ---------------------------------------------------------


def test_the_reorganisation_is_announced_inside_its_transaction(fund_admin, districts):
    """Projects and reclaim move their cases on ``reorganisation_recorded``: they see the
    recorded shares and the ended organisation (and their failure undoes it all, below)."""
    from core.signals import reorganisation_recorded

    farsta, skarpnack, enskede = districts
    seen = []

    def receiver(sender, *, reorganisation, actor, **kwargs):
        seen.append(
            (
                reorganisation.organisation.active_until,
                sorted(s.successor.name for s in reorganisation.shares.all()),
                actor,
            )
        )

    reorganisation_recorded.connect(receiver)
    try:
        reorganise(fund_admin, farsta, [(skarpnack, Decimal("50")), (enskede, Decimal("50"))])
    finally:
        reorganisation_recorded.disconnect(receiver)
    assert seen == [
        (MERGER - dt.timedelta(days=1), sorted([skarpnack.name, enskede.name]), fund_admin)
    ]


def test_a_receiver_that_fails_undoes_the_reorganisation(fund_admin, districts):
    from core.signals import reorganisation_recorded

    farsta, skarpnack, _enskede = districts

    def receiver(**kwargs):
        raise RuntimeError("a line could not move")

    reorganisation_recorded.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            reorganise(fund_admin, farsta, [(skarpnack, Decimal("100"))])
    finally:
        reorganisation_recorded.disconnect(receiver)
    farsta.refresh_from_db()
    assert farsta.active_until is None
    assert not Reorganisation.objects.exists()
    assert not Event.objects.filter(action="organisation.reorganised").exists()
