"""Pages cost the same number of queries with N rows as with 10N."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from core.models import Event, Invitation, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_user_list(admin_client, organisation, assert_same_at_n_and_10n):
    def grow(count):
        for _ in range(count):
            person = factories.person(Role.APPLICANT, Role.AUDITOR, organisation=organisation)
            factories.MembershipFactory(user=person, organisation=factories.OrganisationFactory())

    assert_same_at_n_and_10n(admin_client, "/users/", grow)


def test_user_detail(admin_client, fund_admin, assert_same_at_n_and_10n):
    person = factories.UserFactory()
    today = timezone.localdate()

    def grow(count):
        for n in range(count):
            factories.RoleAssignmentFactory(
                user=person,
                role=Role.AUDITOR,
                valid_from=dt.date(2000, 1, 1) + dt.timedelta(days=10 * n),
                valid_until=dt.date(2000, 1, 1) + dt.timedelta(days=10 * n + 5),
            )
            factories.MembershipFactory(user=person, organisation=factories.OrganisationFactory())
            factories.DelegationFactory(delegate=person, valid_from=today, valid_until=today)
            Event.objects.create(actor=fund_admin, action="user.updated", target=person)

    assert_same_at_n_and_10n(admin_client, f"/users/{person.pk}/", grow)


def test_delegation_list(client, city_director, assert_same_at_n_and_10n):
    client.force_login(city_director)
    today = timezone.localdate()

    def grow(count):
        for n in range(count):
            start = today + dt.timedelta(days=3 * (n + 40))
            factories.DelegationFactory(
                delegator=city_director, valid_from=start, valid_until=start
            )

    assert_same_at_n_and_10n(client, "/delegations/", grow)


def test_start_page_of_a_fund_administrator(admin_client, assert_same_at_n_and_10n):
    def grow(count):
        for _ in range(count):
            Invitation.objects.create(
                user=factories.UserFactory(),
                token_hash=uuid.uuid4().hex,
                expires_at=timezone.now() + dt.timedelta(days=1),
            )

    assert_same_at_n_and_10n(admin_client, "/", grow)


def test_account_page(client, assert_same_at_n_and_10n):
    person = factories.UserFactory()
    client.force_login(person)

    def grow(count):
        for _ in range(count):
            factories.MembershipFactory(user=person, organisation=factories.OrganisationFactory())

    assert_same_at_n_and_10n(client, "/accounts/", grow)
