"""core.services for people: invitations, activation, roles and memberships."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from core import services
from core.errors import DomainError
from core.events import describe
from core.models import Event, Invitation, Membership, OutboundEmail, Role, RoleAssignment, User
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def counts():
    return (
        User.objects.count(),
        Membership.objects.count(),
        RoleAssignment.objects.count(),
        Invitation.objects.count(),
        Event.objects.count(),
        OutboundEmail.objects.count(),
    )


def invite(actor, **overrides):
    fields = {
        "actor": actor,
        "email": "Ny.Person@Farsta.example",
        "full_name": "Ny Person",
        "organisation": factories.OrganisationFactory(name="Farsta stadsdelsnämnd"),
        "title": "Utvecklare",
        "roles": [Role.APPLICANT],
        "valid_from": TODAY,
        "valid_until": None,
        "today": TODAY,
    } | overrides
    return services.user_invite(**fields)


def token_from(email_body: str) -> str:
    link = next(line for line in email_body.splitlines() if "/accounts/invitation/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


# --- Invitations ------------------------------------------------------------------------------


def test_invite_creates_person_membership_roles_invitation_event_and_email(
    fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(fund_admin)
    user = invitation.user
    assert user.email == "ny.person@farsta.example"
    assert not user.has_usable_password()
    assert [m.organisation.short_name for m in user.memberships.all()] == ["Farsta"]
    assert [r.role for r in user.role_assignments.all()] == [Role.APPLICANT]
    assert invitation.is_open
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    actions = set(Event.objects.for_target(user).values_list("action", flat=True))
    assert actions == {"user.invited", "membership.added", "role.assigned"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny.person@farsta.example"]
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_invitation_email_is_in_the_invited_persons_language(
    fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(fund_admin, language="sv")
        invite(fund_admin, email="en@x.example", language="en")
    swedish, english = mail.outbox
    assert swedish.subject == "Inbjudan till fondadmin, sociala investeringsfonden"
    assert english.subject == "Invitation to fondadmin, the social investment fund"


def test_invite_refuses_an_address_that_exists_in_any_case(fund_admin):
    factories.UserFactory(email="ny.person@farsta.example")
    before = counts()
    with pytest.raises(DomainError) as refused:
        invite(fund_admin, email="NY.PERSON@farsta.example")
    assert refused.value.field == "email"
    assert counts() == before


def test_invite_refuses_end_before_start_and_stores_nothing(fund_admin):
    before = counts()
    with pytest.raises(DomainError) as refused:
        invite(fund_admin, valid_from=TODAY, valid_until=TODAY - dt.timedelta(days=1))
    assert refused.value.field == "valid_until"
    assert str(refused.value.message) == "Slutdatumet kan inte vara före startdatumet."
    assert counts() == before


def test_invite_of_applicant_requires_an_organisation(fund_admin):
    before = counts()
    with pytest.raises(DomainError) as refused:
        invite(fund_admin, organisation=None)
    assert refused.value.field == "organisation"
    assert counts() == before


def test_invite_that_breaks_a_role_rule_stores_nothing_half_way(fund_admin, city_director):
    before = counts()
    with pytest.raises(DomainError):
        invite(fund_admin, roles=[Role.AUDITOR, Role.CITY_DIRECTOR], organisation=None)
    assert counts() == before


def test_accepting_sets_the_password_once(fund_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(fund_admin)
    token = token_from(mail.outbox[0].body)
    user = services.invitation_accept(token=token, password="ett-långt-lösenord")
    assert user.check_password("ett-långt-lösenord")
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(token=token, password="ett-annat-lösenord")
    assert refused.value.code == "used"
    user.refresh_from_db()
    assert user.check_password("ett-långt-lösenord")


def test_expired_replaced_and_unknown_invitations_are_refused_with_the_reason(
    fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(fund_admin)
    first = token_from(mail.outbox[0].body)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(DomainError) as expired:
        services.invitation_check(first)
    assert expired.value.code == "expired"
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor=fund_admin, user=invitation.user)
    with pytest.raises(DomainError) as replaced:
        services.invitation_check(first)
    assert replaced.value.code == "replaced"
    assert services.invitation_check(token_from(mail.outbox[1].body)).user == invitation.user
    with pytest.raises(DomainError) as unknown:
        services.invitation_check("not-a-token")
    assert unknown.value.code == "invalid"


def test_resending_is_refused_after_acceptance_and_for_deactivated(
    fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(fund_admin)
    services.invitation_accept(token=token_from(mail.outbox[0].body), password="x-long-password-1")
    with pytest.raises(DomainError):
        services.invitation_resend(actor=fund_admin, user=invitation.user)
    other = factories.UserFactory(is_active=False)
    with pytest.raises(DomainError):
        services.invitation_resend(actor=fund_admin, user=other)


@pytest.mark.django_db(transaction=True)
def test_an_invitation_link_used_twice_at_the_same_instant_is_used_once(fund_admin):
    invitation_token = "concurrent-token"
    user = factories.UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    Invitation.objects.create(
        user=user,
        token_hash=services.users.token_hash(invitation_token),
        created_by=fund_admin,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(password):
        try:
            barrier.wait()
            services.invitation_accept(token=invitation_token, password=password)
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(f"password-{n}-long",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "used"]
    assert Event.objects.filter(action="user.invitation_accepted").count() == 1


# --- Details and activation ---------------------------------------------------------------------


def test_update_logs_changed_fields_and_refuses_a_taken_address(fund_admin):
    user = factories.UserFactory(full_name="Gammalt Namn", email="a@x.example")
    factories.UserFactory(email="taken@x.example")
    services.user_update(
        actor=fund_admin,
        user=user,
        full_name="Nytt Namn",
        email="A@x.example",
        language="en",
        is_staff=False,
    )
    user.refresh_from_db()
    assert (user.full_name, user.email, user.language) == ("Nytt Namn", "a@x.example", "en")
    event = Event.objects.for_target(user).get()
    assert event.data["fields"] == ["full_name", "language"]
    with pytest.raises(DomainError) as refused:
        services.user_update(
            actor=fund_admin,
            user=user,
            full_name="Nytt Namn",
            email="TAKEN@x.example",
            language="en",
            is_staff=False,
        )
    assert refused.value.field == "email"


def test_deactivate_keeps_everything_and_revokes_open_invitations(fund_admin, other_fund_admin):
    user = factories.person(Role.APPLICANT)
    Invitation.objects.create(
        user=user, token_hash="h" * 64, expires_at=timezone.now() + dt.timedelta(days=3)
    )
    services.user_deactivate(actor=fund_admin, user=user, reason="Slutat", today=TODAY)
    user.refresh_from_db()
    assert not user.is_active
    assert user.deactivated_at is not None
    assert User.objects.filter(pk=user.pk).exists()
    assert user.role_assignments.count() == 1
    assert not Invitation.objects.get(user=user).is_open
    event = Event.objects.for_target(user).get(action="user.deactivated")
    assert (event.comment, event.from_state, event.to_state) == ("Slutat", "active", "inactive")


@pytest.mark.parametrize(
    ("case", "message_part"),
    [
        ("self", "yourself"),
        ("twice", "already"),
        ("no_reason", "reason"),
        ("last_admin", "at least one"),
    ],
)
def test_deactivate_refusals(fund_admin, case, message_part):
    target = factories.person(Role.APPLICANT)
    reason = "Slutat"
    if case == "self":
        target = fund_admin
    elif case == "twice":
        target.is_active = False
        target.save()
    elif case == "no_reason":
        reason = "  "
    elif case == "last_admin":
        target = factories.person(Role.FUND_ADMIN)
        actor = factories.person(Role.AUDITOR)
        User.objects.filter(pk=fund_admin.pk).update(is_active=False)
    actor = fund_admin if case != "last_admin" else actor
    before = (User.objects.filter(is_active=True).count(), Event.objects.count())
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.user_deactivate(actor=actor, user=target, reason=reason, today=TODAY)
    assert message_part in str(refused.value.message)
    assert (User.objects.filter(is_active=True).count(), Event.objects.count()) == before


def test_reactivate(fund_admin):
    user = factories.UserFactory(is_active=False, deactivated_at=timezone.now())
    services.user_reactivate(actor=fund_admin, user=user)
    user.refresh_from_db()
    assert user.is_active
    assert user.deactivated_at is None
    with pytest.raises(DomainError):
        services.user_reactivate(actor=fund_admin, user=user)


def test_password_reset_email_carries_a_working_link(
    fund_admin, client, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(email="glomsk@x.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_send(user=user, actor=fund_admin)
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert response.context["validlink"]
    assert Event.objects.for_target(user).get().action == "user.password_reset_sent"
    with pytest.raises(DomainError):
        services.password_reset_send(user=factories.UserFactory(is_active=False))


# --- Roles ---------------------------------------------------------------------------------------


def test_role_assign_and_its_event_reads_in_swedish(fund_admin):
    user = factories.UserFactory()
    services.role_assign(
        actor=fund_admin,
        user=user,
        role=Role.COUNCIL_MEMBER,
        valid_from=TODAY,
        valid_until=dt.date(2027, 12, 31),
        today=TODAY,
    )
    event = Event.objects.for_target(user).get()
    with translation.override("sv"):
        text = describe(event)
    assert "Ledamot i rådet" in text
    assert "2027-12-31" in text


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (TODAY, TODAY - dt.timedelta(days=1), "valid_until"),
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1), "valid_from"),
        (TODAY - dt.timedelta(days=1), None, "valid_from"),
    ],
)
def test_role_assign_refuses_bad_periods(fund_admin, start, end, field):
    user = factories.UserFactory()
    with pytest.raises(DomainError) as refused:
        services.role_assign(
            actor=fund_admin,
            user=user,
            role=Role.AUDITOR,
            valid_from=start,
            valid_until=end,
            today=TODAY,
        )
    assert refused.value.field == field
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_role_assign_refuses_overlap_but_allows_a_later_period(fund_admin):
    user = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=user,
        role=Role.AUDITOR,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    with pytest.raises(DomainError):
        services.role_assign(
            actor=fund_admin,
            user=user,
            role=Role.AUDITOR,
            valid_from=dt.date(2026, 12, 31),
            today=TODAY,
        )
    services.role_assign(
        actor=fund_admin, user=user, role=Role.AUDITOR, valid_from=dt.date(2027, 1, 1), today=TODAY
    )
    assert RoleAssignment.objects.filter(user=user).count() == 2


def test_there_is_one_city_director_at_a_time(fund_admin, city_director):
    newcomer = factories.UserFactory()
    with pytest.raises(DomainError) as refused:
        services.role_assign(
            actor=fund_admin, user=newcomer, role=Role.CITY_DIRECTOR, valid_from=TODAY, today=TODAY
        )
    assert city_director.full_name in str(refused.value.message)
    current = city_director.role_assignments.get()
    services.role_end(actor=fund_admin, assignment=current, valid_until=TODAY, today=TODAY)
    services.role_assign(
        actor=fund_admin,
        user=newcomer,
        role=Role.CITY_DIRECTOR,
        valid_from=TODAY + dt.timedelta(days=1),
        today=TODAY,
    )


def test_role_assign_refuses_unknown_roles_and_deactivated_people(fund_admin):
    with pytest.raises(DomainError):
        services.role_assign(
            actor=fund_admin,
            user=factories.UserFactory(),
            role="king",
            valid_from=TODAY,
            today=TODAY,
        )
    with pytest.raises(DomainError):
        services.role_assign(
            actor=fund_admin,
            user=factories.UserFactory(is_active=False),
            role=Role.AUDITOR,
            valid_from=TODAY,
            today=TODAY,
        )


def test_role_end_rules(fund_admin):
    user = factories.UserFactory()
    coming = factories.RoleAssignmentFactory(
        user=user, role=Role.APPLICANT, valid_from=TODAY + dt.timedelta(days=10)
    )
    with pytest.raises(DomainError) as before_start:  # before the start, but not in the past
        services.role_end(
            actor=fund_admin,
            assignment=coming,
            valid_until=TODAY + dt.timedelta(days=5),
            today=TODAY,
        )
    assert "före startdatumet" in str(before_start.value.message)
    assignment = factories.RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, valid_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(DomainError):  # in the past
        services.role_end(
            actor=fund_admin,
            assignment=assignment,
            valid_until=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    services.role_end(actor=fund_admin, assignment=assignment, valid_until=TODAY, today=TODAY)
    assignment.refresh_from_db()
    assert assignment.valid_until == TODAY
    with pytest.raises(DomainError):  # already ended (seen the day after)
        services.role_end(
            actor=fund_admin,
            assignment=assignment,
            valid_until=TODAY + dt.timedelta(days=3),
            today=TODAY + dt.timedelta(days=1),
        )


def test_the_last_fund_administrator_role_cannot_end(fund_admin):
    assignment = fund_admin.role_assignments.get()
    with pytest.raises(DomainError):
        services.role_end(actor=fund_admin, assignment=assignment, valid_until=TODAY, today=TODAY)
    factories.person(Role.FUND_ADMIN)
    services.role_end(actor=fund_admin, assignment=assignment, valid_until=TODAY, today=TODAY)


def test_withdraw_only_before_the_role_begins(fund_admin):
    user = factories.UserFactory()
    future = factories.RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, valid_from=TODAY + dt.timedelta(days=5)
    )
    begun = factories.RoleAssignmentFactory(user=user, role=Role.APPLICANT, valid_from=TODAY)
    services.role_withdraw(actor=fund_admin, assignment=future, today=TODAY)
    future.refresh_from_db()
    assert future.withdrawn_at is not None
    with pytest.raises(DomainError):
        services.role_withdraw(actor=fund_admin, assignment=future, today=TODAY)
    with pytest.raises(DomainError):
        services.role_withdraw(actor=fund_admin, assignment=begun, today=TODAY)


# --- Memberships -----------------------------------------------------------------------------


def test_membership_add_refuses_overlap_and_ceased_organisations(fund_admin, organisation):
    user = factories.UserFactory()
    services.membership_add(
        actor=fund_admin, user=user, organisation=organisation, valid_from=TODAY, today=TODAY
    )
    with pytest.raises(DomainError) as overlap:
        services.membership_add(
            actor=fund_admin, user=user, organisation=organisation, valid_from=TODAY, today=TODAY
        )
    assert overlap.value.field == "organisation"
    ceased = factories.OrganisationFactory(name="Nedlagd nämnd", active_until=dt.date(2024, 12, 31))
    with pytest.raises(DomainError):
        services.membership_add(
            actor=fund_admin, user=user, organisation=ceased, valid_from=TODAY, today=TODAY
        )
    assert user.memberships.count() == 1


def test_membership_end_and_withdraw(fund_admin, organisation):
    user = factories.UserFactory()
    begun = factories.MembershipFactory(user=user, organisation=organisation)
    other = factories.OrganisationFactory(name="Socialnämnden")
    future = factories.MembershipFactory(
        user=user, organisation=other, valid_from=TODAY + dt.timedelta(days=10)
    )
    services.membership_end(actor=fund_admin, membership=begun, valid_until=TODAY, today=TODAY)
    services.membership_withdraw(actor=fund_admin, membership=future, today=TODAY)
    with pytest.raises(DomainError):
        services.membership_withdraw(actor=fund_admin, membership=begun, today=TODAY)
    actions = list(Event.objects.for_target(user).values_list("action", flat=True))
    assert sorted(actions) == ["membership.ended", "membership.withdrawn"]


# --- Found in review: rules that must hold over time -------------------------------------------


def test_ending_cannot_extend_a_role_or_a_membership(fund_admin, organisation):
    user = factories.UserFactory()
    role = factories.RoleAssignmentFactory(
        user=user, role=Role.AUDITOR, valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=10)
    )
    with pytest.raises(DomainError) as refused:
        services.role_end(
            actor=fund_admin,
            assignment=role,
            valid_until=TODAY + dt.timedelta(days=20),
            today=TODAY,
        )
    assert refused.value.field == "valid_until"
    membership = factories.MembershipFactory(
        user=user, organisation=organisation, valid_until=TODAY + dt.timedelta(days=3)
    )
    with pytest.raises(DomainError):
        services.membership_end(
            actor=fund_admin,
            membership=membership,
            valid_until=TODAY + dt.timedelta(days=4),
            today=TODAY,
        )
    role.refresh_from_db()
    membership.refresh_from_db()
    assert role.valid_until == TODAY + dt.timedelta(days=10)
    assert membership.valid_until == TODAY + dt.timedelta(days=3)


def test_ending_an_outgoing_directors_role_later_cannot_make_two_directors(fund_admin):
    outgoing = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=outgoing,
        role=Role.CITY_DIRECTOR,
        valid_from=dt.date(2020, 1, 1),
        valid_until=TODAY + dt.timedelta(days=5),
    )
    incoming = factories.UserFactory()
    services.role_assign(
        actor=fund_admin,
        user=incoming,
        role=Role.CITY_DIRECTOR,
        valid_from=TODAY + dt.timedelta(days=6),
        today=TODAY,
    )
    old = outgoing.role_assignments.get()
    with pytest.raises(DomainError):
        services.role_end(
            actor=fund_admin, assignment=old, valid_until=TODAY + dt.timedelta(days=30), today=TODAY
        )


def test_reactivating_a_former_director_while_another_holds_the_role_is_refused(
    fund_admin, city_director
):
    former = factories.person(Role.CITY_DIRECTOR, is_active=False)
    with pytest.raises(DomainError) as refused:
        services.user_reactivate(actor=fund_admin, user=former, today=TODAY)
    assert city_director.full_name in str(refused.value.message)
    former.refresh_from_db()
    assert not former.is_active


def test_fund_administrators_must_cover_every_future_day_not_just_tomorrow(fund_admin):
    other = factories.UserFactory()
    factories.RoleAssignmentFactory(
        user=other,
        role=Role.FUND_ADMIN,
        valid_from=dt.date(2020, 1, 1),
        valid_until=TODAY + dt.timedelta(days=30),
    )
    mine = fund_admin.role_assignments.get()
    with pytest.raises(DomainError) as refused:
        services.role_end(actor=fund_admin, assignment=mine, valid_until=TODAY, today=TODAY)
    assert (TODAY + dt.timedelta(days=31)).isoformat() in str(refused.value.message)
    with pytest.raises(DomainError):
        services.user_deactivate(actor=other, user=fund_admin, reason="x", today=TODAY)
    # Once someone covers the days after the other's role ends, this role may end.
    services.role_assign(
        actor=fund_admin,
        user=other,
        role=Role.FUND_ADMIN,
        valid_from=TODAY + dt.timedelta(days=31),
        today=TODAY,
    )
    services.role_end(actor=fund_admin, assignment=mine, valid_until=TODAY, today=TODAY)


def test_withdrawing_the_future_role_that_gives_cover_is_refused(fund_admin):
    mine = fund_admin.role_assignments.get()
    successor = factories.UserFactory()
    cover = services.role_assign(
        actor=fund_admin,
        user=successor,
        role=Role.FUND_ADMIN,
        valid_from=TODAY + dt.timedelta(days=10),
        today=TODAY,
    )
    services.role_end(
        actor=fund_admin, assignment=mine, valid_until=TODAY + dt.timedelta(days=9), today=TODAY
    )
    with pytest.raises(DomainError):
        services.role_withdraw(actor=fund_admin, assignment=cover, today=TODAY)
    cover.refresh_from_db()
    assert cover.withdrawn_at is None


def test_changing_the_address_of_an_invited_person_replaces_the_invitation(
    fund_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(fund_admin, email="fel@adress.example")
    old_token = token_from(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(
            actor=fund_admin,
            user=invitation.user,
            full_name="Ny Person",
            email="ratt@adress.example",
            language="sv",
            is_staff=False,
        )
    with pytest.raises(DomainError) as old_link:
        services.invitation_check(old_token)
    assert old_link.value.code == "replaced"
    assert mail.outbox[1].to == ["ratt@adress.example"]
    assert services.invitation_check(token_from(mail.outbox[1].body)).user == invitation.user


def test_changing_the_address_of_an_active_account_tells_the_old_address(
    fund_admin, django_capture_on_commit_callbacks
):
    person = factories.UserFactory(email="gammal@x.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(
            actor=fund_admin,
            user=person,
            full_name=person.full_name,
            email="ny@x.example",
            language="sv",
            is_staff=False,
        )
    assert mail.outbox[0].to == ["gammal@x.example"]
    assert "ny@x.example" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Din inloggningsadress till fondadmin har ändrats"


def test_a_link_is_sent_but_not_kept_in_the_record(fund_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(fund_admin)
    queued = OutboundEmail.objects.get()
    assert "/accounts/invitation/" not in queued.body
    assert "[link 1, removed after sending]" in queued.body
    for callback in callbacks:
        callback()
    sent = OutboundEmail.objects.get()
    assert sent.status == "sent"
    assert sent.secrets == {}
    assert "/accounts/invitation/" not in sent.body
    assert "/accounts/invitation/" in mail.outbox[0].body
