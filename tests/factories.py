"""factory_boy factories for the core models, and ``person()`` for a user with roles."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from core.models import (
    Delegation,
    Fund,
    Membership,
    Organisation,
    OrganisationKind,
    RoleAssignment,
    User,
)

PASSWORD = "test-password-123"
LONG_AGO = dt.date(2015, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stadsdelsnämnd {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.split()[0])
    kind = OrganisationKind.DISTRICT_COMMITTEE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    valid_from = LONG_AGO


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "applicant"
    valid_from = LONG_AGO


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    delegator = factory.SubFactory(UserFactory)
    delegate = factory.SubFactory(UserFactory)
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda d: d.valid_from + dt.timedelta(days=14))


def person(
    *roles: str, organisation: Organisation | None = None, name: str | None = None, **fields
) -> User:
    """A user holding ``roles`` since long ago, and a member of ``organisation`` if given."""
    if name is not None:
        fields["full_name"] = name
    user = UserFactory(**fields)
    for role in roles:
        RoleAssignmentFactory(user=user, role=role)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation)
    return user


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Fond {n}")
    registration_series = "SIF"
    started_on = dt.date(2015, 1, 1)
