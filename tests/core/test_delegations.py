"""The city director's delegations."""

import datetime as dt

import pytest
from django.core import mail

from core import access, services
from core.errors import DomainError
from core.models import Delegation, Event, Role
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def create(director, delegate, start=TODAY, end=TODAY + dt.timedelta(days=13), **kwargs):
    return services.delegation_create(
        actor=director, delegate=delegate, valid_from=start, valid_until=end, today=TODAY, **kwargs
    )


def test_create_logs_and_tells_the_delegate(city_director, django_capture_on_commit_callbacks):
    delegate = factories.UserFactory(language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        delegation = create(city_director, delegate, note="Semester")
    assert access.city_director_capacity(delegate, TODAY).delegation == delegation
    event = Event.objects.for_target(delegation).get()
    assert (event.action, event.comment) == ("delegation.created", "Semester")
    assert mail.outbox[0].to == [delegate.email]
    assert mail.outbox[0].subject == "Du har utsetts till stadsdirektörens ersättare"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("end_before_start", "valid_until"),
        ("starts_in_the_past", "valid_from"),
        ("to_self", "delegate"),
        ("inactive_delegate", "delegate"),
    ],
)
def test_create_refusals(city_director, case, field):
    delegate = factories.UserFactory()
    start, end = TODAY, TODAY + dt.timedelta(days=3)
    if case == "end_before_start":
        end = TODAY - dt.timedelta(days=1)
    elif case == "starts_in_the_past":
        start = TODAY - dt.timedelta(days=1)
    elif case == "to_self":
        delegate = city_director
    elif case == "inactive_delegate":
        delegate.is_active = False
        delegate.save()
    with pytest.raises(DomainError) as refused:
        create(city_director, delegate, start, end)
    assert refused.value.field == field
    assert not Delegation.objects.exists()


def test_only_a_city_director_on_the_first_day_may_delegate():
    former = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=former, role=Role.CITY_DIRECTOR, valid_from=dt.date(2020, 1, 1), valid_until=TODAY
    )
    with pytest.raises(DomainError):
        create(former, factories.UserFactory(), TODAY + dt.timedelta(days=1))


def test_periods_of_one_director_never_overlap(city_director):
    first = create(city_director, factories.UserFactory(), TODAY, TODAY + dt.timedelta(days=9))
    with pytest.raises(DomainError) as refused:
        create(
            city_director,
            factories.UserFactory(),
            TODAY + dt.timedelta(days=9),
            TODAY + dt.timedelta(days=20),
        )
    assert first.delegate.full_name in str(refused.value.message)
    create(
        city_director,
        factories.UserFactory(),
        TODAY + dt.timedelta(days=10),
        TODAY + dt.timedelta(days=20),
    )
    assert Delegation.objects.count() == 2


def test_end_stops_the_delegate_at_once(city_director, django_capture_on_commit_callbacks):
    delegate = factories.UserFactory()
    delegation = create(city_director, delegate)
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_end(
            actor=city_director, delegation=delegation, reason="Åter i tjänst", today=TODAY
        )
    assert access.city_director_capacity(delegate, TODAY) is None
    assert mail.outbox[-1].subject == "Din delegation från stadsdirektören har avslutats"
    with pytest.raises(DomainError):
        services.delegation_end(
            actor=city_director, delegation=delegation, reason="igen", today=TODAY
        )


def test_end_needs_a_reason_and_a_delegation_that_has_not_run_out(city_director):
    delegation = create(city_director, factories.UserFactory(), TODAY, TODAY + dt.timedelta(days=1))
    with pytest.raises(DomainError) as no_reason:
        services.delegation_end(actor=city_director, delegation=delegation, reason=" ", today=TODAY)
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError):
        services.delegation_end(
            actor=city_director,
            delegation=delegation,
            reason="sent",
            today=TODAY + dt.timedelta(days=2),
        )
    delegation.refresh_from_db()
    assert delegation.ended_at is None
