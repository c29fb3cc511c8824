"""core.access: who holds which role on which day, and the city director's delegate."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import access
from core.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 15)


def test_role_counts_only_inside_its_inclusive_period():
    user = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, valid_from=dt.date(2026, 6, 1), valid_until=DAY
    )
    assert not access.has_role(user, Role.AUDITOR, dt.date(2026, 5, 31))
    assert access.has_role(user, Role.AUDITOR, dt.date(2026, 6, 1))
    assert access.has_role(user, Role.AUDITOR, DAY)
    assert not access.has_role(user, Role.AUDITOR, DAY + dt.timedelta(days=1))


def test_open_ended_role_counts_from_its_start():
    user = factories.person(Role.COUNCIL_MEMBER)
    assert access.has_role(user, Role.COUNCIL_MEMBER, dt.date(2099, 1, 1))
    assert not access.has_role(user, Role.COUNCIL_MEMBER, dt.date(2014, 12, 31))


def test_withdrawn_role_never_counts():
    user = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=user,
        role=Role.AUDITOR,
        valid_from=DAY,
        withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert not access.has_role(user, Role.AUDITOR, DAY)


def test_deactivated_and_anonymous_hold_no_roles():
    user = factories.person(Role.FUND_ADMIN, is_active=False)
    assert access.active_roles(user) == frozenset()
    assert access.active_roles(AnonymousUser()) == frozenset()
    assert access.active_roles(None) == frozenset()


def test_several_roles_at_once():
    user = factories.person(Role.COUNCIL_MEMBER, Role.APPLICANT)
    assert access.active_roles(user) == {Role.COUNCIL_MEMBER, Role.APPLICANT}
    assert access.has_any_role(user, {Role.AUDITOR, Role.APPLICANT})
    assert not access.has_any_role(user, {Role.AUDITOR, Role.FUND_ADMIN})


def test_roles_are_asked_once_per_day(django_assert_num_queries):
    user = factories.person(Role.AUDITOR)
    with django_assert_num_queries(1):
        for _ in range(5):
            access.has_role(user, Role.AUDITOR)
            access.has_role(user, Role.FUND_ADMIN)


def test_applicant_acts_for_member_organisations_that_can_own_cases():
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd")
    partner = factories.OrganisationFactory(name="Läxhjälpen", kind="nonprofit")
    user = factories.person(Role.APPLICANT, organisation=farsta)
    factories.MembershipFactory(user=user, organisation=partner)
    assert access.applicant_organisations(user) == [farsta]
    assert {o.pk for o in access.organisations_of(user)} == {farsta.pk, partner.pk}


def test_membership_without_applicant_role_gives_no_applicant_organisation():
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd")
    member = factories.person(Role.COUNCIL_MEMBER, organisation=farsta)
    assert access.applicant_organisations(member) == []
    assert access.organisation_ids_of(member) == {farsta.pk}


def test_ended_membership_no_longer_counts():
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd")
    user = factories.person(Role.APPLICANT)
    factories.MembershipFactory(
        user=user,
        organisation=farsta,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    assert access.organisations_of(user, dt.date(2025, 12, 31)) == [farsta]
    assert access.organisations_of(user, dt.date(2026, 1, 1)) == []


def test_city_director_acts_in_own_right():
    director = factories.person(Role.CITY_DIRECTOR)
    capacity = access.city_director_capacity(director, DAY)
    assert capacity.principal == director
    assert not capacity.on_delegation


def test_delegate_acts_on_delegation_only_during_the_period():
    director = factories.person(Role.CITY_DIRECTOR)
    delegate = factories.UserFactory()
    delegation = factories.DelegationFactory(
        delegator=director,
        delegate=delegate,
        valid_from=DAY,
        valid_until=DAY + dt.timedelta(days=6),
    )
    assert access.city_director_capacity(delegate, DAY - dt.timedelta(days=1)) is None
    capacity = access.city_director_capacity(delegate, DAY)
    assert capacity.on_delegation
    assert capacity.principal == director
    assert capacity.delegation == delegation
    assert access.city_director_capacity(delegate, DAY + dt.timedelta(days=6)).on_delegation
    assert access.city_director_capacity(delegate, DAY + dt.timedelta(days=7)) is None
    # A delegate does not become city director in their own right.
    assert not access.has_role(delegate, Role.CITY_DIRECTOR, DAY)


def test_ended_delegation_gives_no_capacity():
    director = factories.person(Role.CITY_DIRECTOR)
    delegate = factories.UserFactory()
    factories.DelegationFactory(
        delegator=director,
        delegate=delegate,
        valid_from=DAY,
        valid_until=DAY,
        ended_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    assert access.city_director_capacity(delegate, DAY) is None


def test_delegation_lapses_when_delegator_is_no_longer_city_director():
    director = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=director, role=Role.CITY_DIRECTOR, valid_from=dt.date(2020, 1, 1), valid_until=DAY
    )
    delegate = factories.UserFactory()
    factories.DelegationFactory(
        delegator=director,
        delegate=delegate,
        valid_from=DAY,
        valid_until=DAY + dt.timedelta(days=3),
    )
    assert access.city_director_capacity(delegate, DAY) is not None
    assert access.city_director_capacity(delegate, DAY + dt.timedelta(days=1)) is None


def test_who_manages_and_reads_users():
    admin = factories.person(Role.FUND_ADMIN)
    auditor = factories.person(Role.AUDITOR)
    applicant = factories.person(Role.APPLICANT)
    assert access.can_manage_users(admin)
    assert access.can_read_users(admin)
    assert not access.can_manage_users(auditor)
    assert access.can_read_users(auditor)
    assert not access.can_read_users(applicant)


def test_get_user_for_hides_people_from_outsiders_and_refuses_writes_to_readers():
    target = factories.UserFactory()
    admin = factories.person(Role.FUND_ADMIN)
    auditor = factories.person(Role.AUDITOR)
    applicant = factories.person(Role.APPLICANT)
    assert access.get_user_for(admin, target.pk, write=True) == target
    assert access.get_user_for(auditor, target.pk) == target
    with pytest.raises(PermissionDenied):
        access.get_user_for(auditor, target.pk, write=True)
    with pytest.raises(Http404):
        access.get_user_for(applicant, target.pk)
    with pytest.raises(Http404):
        access.get_user_for(admin, target.pk + 1000)


def test_only_the_delegator_may_end_a_delegation():
    director = factories.person(Role.CITY_DIRECTOR)
    admin = factories.person(Role.FUND_ADMIN)
    delegation = factories.DelegationFactory(delegator=director)
    assert access.get_delegation_for(director, delegation.pk, write=True) == delegation
    with pytest.raises(PermissionDenied):
        access.get_delegation_for(admin, delegation.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.get_delegation_for(delegation.delegate, delegation.pk, write=True)
    with pytest.raises(Http404):
        access.get_delegation_for(factories.person(Role.APPLICANT), delegation.pk)


# --- The standing: a person loaded with what the role questions ask ---------------------------


def _answers(user, day) -> tuple:
    delegation = access.active_delegation_for(user, day)
    return (
        access.active_roles(user, day),
        access.organisation_ids_of(user, day),
        delegation.pk if delegation else None,
    )


@pytest.mark.parametrize("offset", [0, 1, 4])
def test_a_person_loaded_with_their_standing_gets_the_same_answers_without_queries(
    offset, django_assert_num_queries
):
    """Roles, memberships and delegations that begin, end, are withdrawn or lapse: the
    standing loaded with the person answers as the questions asked one by one do."""
    farsta = factories.OrganisationFactory(name="Farsta stadsdelsnämnd")
    director = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=director, role=Role.CITY_DIRECTOR, valid_from=dt.date(2020, 1, 1), valid_until=DAY
    )
    person = factories.person(Role.APPLICANT, organisation=farsta)
    factories.RoleAssignmentFactory(
        user=person, role=Role.AUDITOR, valid_from=DAY + dt.timedelta(days=1)
    )
    factories.RoleAssignmentFactory(
        user=person,
        role=Role.FUND_ADMIN,
        valid_from=DAY,
        withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    factories.MembershipFactory(
        user=person,
        organisation=factories.OrganisationFactory(name="Socialnämnden"),
        valid_until=DAY + dt.timedelta(days=2),
    )
    factories.DelegationFactory(
        delegator=director, delegate=person, valid_from=DAY, valid_until=DAY + dt.timedelta(days=3)
    )
    day = DAY + dt.timedelta(days=offset)
    expected = _answers(User.objects.get(pk=person.pk), day)
    # A delegation naming them that day is then checked (the delegator still city director?).
    delegated = offset <= 3
    with django_assert_num_queries(1 + 2 * delegated):
        loaded = access.person_with_standing(person.pk, day)
        assert _answers(loaded, day) == expected


def test_a_page_costs_a_logged_in_person_two_queries_beyond_it(client, django_assert_num_queries):
    """The session and the person with their standing: the menu asks nothing more."""
    member = factories.person(Role.COUNCIL_MEMBER, organisation=factories.OrganisationFactory())
    client.force_login(member)
    client.get("/privacy/")
    with django_assert_num_queries(2):
        response = client.get("/privacy/")
    assert b"/reviews/" in response.content  # the council member's menu


def test_the_standing_of_a_missing_person_is_none():
    assert access.person_with_standing(987_654, DAY) is None
