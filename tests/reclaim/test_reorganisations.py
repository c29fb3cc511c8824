"""After a reorganisation the city director hands over what the replaced organisation has
open: its reclaim lines not yet booked or waived move to the successors by their shares (a new
version, decided at once) or are waived with the reason; its open cases and projects pass to
the successor named. Booked lines and the ledger never change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import EntryKind, Event, LedgerEntry
from core.money import format_kr
from core.services import reorganisation_record
from reclaim import services
from reclaim.models import Installment, InstallmentState, PlanVersion, VersionState
from reclaim.selectors import reorganisations_to_handle
from reclaim.services.plans import lines_of
from tests import factories
from tests.projects.conftest import refused
from tests.reclaim.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def successors(db):
    return (
        factories.OrganisationFactory(name="Norra socialnämnden", kind="specialist_committee"),
        factories.OrganisationFactory(name="Södra socialnämnden", kind="specialist_committee"),
    )


def replace(actor, organisation, shares):
    return reorganisation_record(
        actor=actor,
        organisation=organisation,
        effective_from=timezone.localdate(),
        decided_on=timezone.localdate() - dt.timedelta(days=30),
        decision_reference="KF 2026-10-05 § 12",
        shares=shares,
    )


def test_open_lines_move_to_the_successors_by_their_shares_in_a_new_decided_version(
    decided, fund_admin, city_director, social, education, successors
):
    north, south = successors
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    returns_before = list(LedgerEntry.objects.filter(kind=EntryKind.RETURN).values("amount"))
    reorganisation = replace(
        fund_admin, social, [(north, Decimal("66.67")), (south, Decimal("33.33"))]
    )
    assert list(reorganisations_to_handle()) == [reorganisation]

    handed = services.reorganisation_handle(
        actor=city_director,
        reorganisation=reorganisation,
        lines="move",
        successor=None,
        reason="Socialnämnden delas.",
    )

    assert handed.lines == 1
    first, second = PlanVersion.objects.filter(plan=decided).order_by("number")
    assert (first.state, second.state) == (VersionState.SUPERSEDED, VersionState.APPROVED)
    assert second.decided_by == city_director
    assert second.cap == first.cap
    assert "Socialnämnden delas." in second.reason
    # 900 000 over 66,67 % and 33,33 %: the parts add up to the line exactly.
    assert lines_of(second) == {
        (social.pk, YEAR): 600_000,  # booked: stays
        (north.pk, YEAR + 1): 600_030,
        (south.pk, YEAR + 1): 299_970,
        (education.pk, YEAR): 500_000,
    }
    assert sum(lines_of(second).values()) == sum(lines_of(first).values())
    assert list(LedgerEntry.objects.filter(kind=EntryKind.RETURN).values("amount")) == (
        returns_before
    )
    assert list(reorganisations_to_handle()) == []
    with translation.override("sv"), refused(code="nothing_open") as info:
        services.reorganisation_handle(
            actor=city_director,
            reorganisation=reorganisation,
            lines="move",
            successor=None,
            reason="Igen.",
        )
    assert "har inget öppet kvar" in info.value.message


def test_open_lines_are_waived_with_the_reason(decided, fund_admin, city_director, education):
    other = factories.OrganisationFactory(
        name="Nya utbildningsnämnden", kind="specialist_committee"
    )
    reorganisation = replace(fund_admin, education, [(other, Decimal(100))])
    services.reorganisation_handle(
        actor=city_director,
        reorganisation=reorganisation,
        lines="waive",
        successor=None,
        reason="Nämnden läggs ned; besparingen följer inte med.",
    )
    waived = Installment.objects.get(plan=decided, organisation=education)
    assert (waived.state, waived.amount, waived.year) == (InstallmentState.WAIVED, 500_000, YEAR)
    assert "besparingen följer inte med" in waived.reason
    assert PlanVersion.objects.filter(plan=decided).count() == 1  # nothing moved
    assert not LedgerEntry.objects.filter(kind=EntryKind.RETURN).exists()


def test_a_move_onto_a_settled_line_of_the_successor_is_refused_and_nothing_changes(
    decided, fund_admin, city_director, social, education
):
    # Education's line of this year is booked; Socialnämnden's line of this year would land on
    # it when Utbildningsnämnden takes over Socialnämnden.
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=education, year=YEAR, amount=500_000
    )
    reorganisation = replace(fund_admin, social, [(education, Decimal(100))])
    with translation.override("sv"), refused(code="cannot_move") as info:
        services.reorganisation_handle(
            actor=city_director,
            reorganisation=reorganisation,
            lines="move",
            successor=None,
            reason="Sammanslagning.",
        )
    assert f"Utbildningsnämnden {YEAR}" in info.value.message
    assert PlanVersion.objects.filter(plan=decided).count() == 1
    assert not Event.objects.filter(action="reclaim.reorganisation_handled").exists()


def test_only_the_city_director_hands_over_with_a_reason_and_a_real_successor(
    decided, fund_admin, city_director, social, successors
):
    north, south = successors
    stranger = factories.OrganisationFactory(name="Fastighetsnämnden")
    reorganisation = replace(fund_admin, social, [(north, Decimal(50)), (south, Decimal(50))])
    with refused(code="not_city_director"):
        services.reorganisation_handle(
            actor=fund_admin,
            reorganisation=reorganisation,
            lines="move",
            successor=None,
            reason="x",
        )
    with refused(field="reason"):
        services.reorganisation_handle(
            actor=city_director,
            reorganisation=reorganisation,
            lines="move",
            successor=None,
            reason=" ",
        )
    with refused(field="successor"):
        services.reorganisation_handle(
            actor=city_director,
            reorganisation=reorganisation,
            lines="move",
            successor=stranger,
            reason="x",
        )
    assert PlanVersion.objects.filter(plan=decided).count() == 1


def test_open_cases_and_projects_pass_to_the_successor_named(
    decided, fund_admin, city_director, successors
):
    project = decided.project
    owner = project.owner
    north, _south = successors
    reorganisation = replace(fund_admin, owner, [(north, Decimal(100))])
    with refused(field="successor"):
        services.reorganisation_handle(
            actor=city_director,
            reorganisation=reorganisation,
            lines="move",
            successor=None,
            reason="Farsta går upp i Norra.",
        )
    handed = services.reorganisation_handle(
        actor=city_director,
        reorganisation=reorganisation,
        lines="move",
        successor=north,
        reason="Farsta går upp i Norra.",
    )
    assert handed.projects == 1
    project.refresh_from_db()
    assert project.owner == north
    assert Event.objects.filter(
        action="case.handed_over", comment="Farsta går upp i Norra."
    ).exists()


def test_the_hand_over_page_shows_the_split_and_only_the_city_director_posts(
    client, decided, fund_admin, city_director, social, successors, applicant
):
    north, south = successors
    reorganisation = replace(fund_admin, social, [(north, Decimal(75)), (south, Decimal(25))])
    url = reverse("reclaim:reorganisation", args=[reorganisation.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    client.force_login(fund_admin)
    assert client.get(url).status_code == 200
    assert client.post(url, {"lines": "move", "reason": "x"}).status_code == 403
    client.force_login(city_director)
    page = client.get(url).content.decode()
    assert format_kr(675_000) in page  # 900 000 split 75/25
    assert format_kr(225_000) in page
    response = client.post(url, {"lines": "move", "reason": ""})
    assert response.status_code == 200  # the form again, saying what is missing
    response = client.post(url, {"lines": "move", "reason": "Delning enligt KF."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reclaim:reorganisations")
    assert lines_of(PlanVersion.objects.get(plan=decided, state="approved"))[
        (north.pk, YEAR + 1)
    ] == (675_000)


def test_a_co_owners_part_passes_to_the_successor_and_a_decided_case_stays(
    decided, fund_admin, city_director, co_owner_org, successors
):
    project = decided.project
    application = project.application
    north, _south = successors
    assert project.participants.filter(organisation=co_owner_org).exists()
    reorganisation = replace(fund_admin, co_owner_org, [(north, Decimal(100))])
    handed = services.reorganisation_handle(
        actor=city_director,
        reorganisation=reorganisation,
        lines="move",
        successor=north,
        reason="Skarpnäck går upp i Norra.",
    )
    assert (handed.projects, handed.cases) == (1, 0)  # the granted application is decided
    assert project.participants.filter(organisation=north).exists()
    assert not project.participants.filter(organisation=co_owner_org).exists()
    assert application.participants.filter(organisation=co_owner_org).exists()
