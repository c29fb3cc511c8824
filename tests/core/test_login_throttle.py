"""Login throttling (django-axes, database handler): repeated failures pause logging in with an
e-mail address or from a client address, the form says until when, the pause ends by itself,
fund administrators see and lift it in the admin, and it needs no Redis. Password resets are
capped per account without telling whether the account exists."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import throttle
from core.models import OutboundEmail, Role
from core.services import password_reset_send
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMIT = 5
OTHER_ADDRESS = "198.51.100.7"


def login_post(client, email, password, address="127.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def fail(client, email, times, address="127.0.0.1"):
    return [login_post(client, email, "fel-lösenord", address) for _ in range(times)]


def pause_message(until: dt.datetime) -> str:
    """The message as the Swedish page shows it (from the catalogue once translated)."""
    with translation.override("sv"):
        return gettext(
            "Too many failed attempts to log in. Logging in with this e-mail address or "
            "from this network is paused until %(time)s. Try again then, or ask a fund "
            "administrator to lift the pause."
        ) % {"time": timezone.localtime(until).strftime("%H:%M")}


def time_passes(minutes: int) -> None:
    """Every recorded failure happened ``minutes`` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_five_failures_pause_the_account_and_the_form_says_until_when(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    for response in fail(client, person.email, LIMIT - 1):
        assert response.status_code == 200
        assert "E-postadressen eller lösenordet är fel." in text_of(response)
    before = timezone.now()
    fifth = login_post(client, person.email, "fel-lösenord")
    assert fifth.status_code == 429
    until = throttle.try_again_at(before + dt.timedelta(minutes=15))
    later = throttle.try_again_at(timezone.now() + dt.timedelta(minutes=15))
    assert pause_message(until) in text_of(fifth) or pause_message(later) in text_of(fifth)
    assert "E-postadressen eller lösenordet är fel." not in text_of(fifth)
    # The form keeps what was typed, and says when to come back in the header too.
    assert f'value="{person.email}"' in fifth.content.decode()
    assert 14 * 60 < int(fifth["Retry-After"]) <= 15 * 60
    # Even the right password is refused now, and nobody is logged in.
    right = login_post(client, person.email, factories.PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_counts_the_address_in_any_case_and_from_any_client(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    for number, typed in enumerate(["RUT@x.example", "Rut@X.example", " rut@x.example"] * 2):
        if number < LIMIT:
            login_post(client, typed, "fel", address=f"203.0.113.{number + 1}")
    refused = login_post(client, person.email, factories.PASSWORD, address=OTHER_ADDRESS)
    assert refused.status_code == 429
    assert AccessAttempt.objects.filter(username="rut@x.example").count() == LIMIT


def test_a_paused_account_does_not_stop_other_people_logging_in(client):
    paused = factories.person(Role.AUDITOR, email="rut@x.example")
    other = factories.person(Role.AUDITOR, email="ivar@x.example")
    fail(client, paused.email, LIMIT)
    response = login_post(client, other.email, factories.PASSWORD, address=OTHER_ADDRESS)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_guessing_at_many_accounts_from_one_address_pauses_that_address_only(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    for number in range(LIMIT):
        login_post(client, f"gissning{number}@x.example", "fel", address="203.0.113.9")
    from_there = login_post(client, person.email, factories.PASSWORD, address="203.0.113.9")
    assert from_there.status_code == 429
    # An address nobody has: paused the same way, so the pause reveals nothing about accounts.
    unknown = login_post(client, "finns-inte@x.example", "fel", address="203.0.113.9")
    assert unknown.status_code == 429
    elsewhere = login_post(client, person.email, factories.PASSWORD, address=OTHER_ADDRESS)
    assert elsewhere.status_code == 302


def test_failures_below_the_limit_and_a_success_leave_others_unpaused(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    fail(client, person.email, LIMIT - 1)
    assert login_post(client, person.email, factories.PASSWORD).status_code == 302


def test_the_pause_ends_by_itself(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    fail(client, person.email, LIMIT)
    time_passes(14)
    assert login_post(client, person.email, factories.PASSWORD).status_code == 429
    time_passes(2)
    response = login_post(client, person.email, factories.PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_attempts_during_the_pause_do_not_prolong_it(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    fail(client, person.email, LIMIT)
    time_passes(10)
    fail(client, person.email, 3)  # refused, not counted
    time_passes(6)
    assert login_post(client, person.email, factories.PASSWORD).status_code == 302


def test_failures_spread_wider_than_the_pause_do_not_add_up(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    fail(client, person.email, LIMIT - 1)
    time_passes(16)
    fail(client, person.email, LIMIT - 1)
    assert login_post(client, person.email, factories.PASSWORD).status_code == 302


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: Redis is "down"
        }
    }
)
def test_throttling_keeps_its_state_in_postgresql_and_works_with_redis_down(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    assert login_post(client, person.email, "fel").status_code == 200
    assert fail(client, person.email, LIMIT - 1)[-1].status_code == 429
    assert AccessAttempt.objects.get(username="rut@x.example").failures_since_start == LIMIT
    time_passes(16)
    assert login_post(client, person.email, factories.PASSWORD).status_code == 302


def test_a_very_long_address_is_refused_or_counted_never_a_server_error(client):
    long_address = "a" * 60 + "." + "b" * 60 + "@" + ".".join(["c" * 60] * 4) + ".example"
    for _ in range(LIMIT + 1):
        response = login_post(client, long_address, "fel")
        assert response.status_code in (200, 429)
    assert all(len(key) <= 255 for key in AccessAttempt.objects.values_list("username", flat=True))


def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(rf):
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert throttle.client_address(request) == "10.0.0.2"
    with override_settings(TRUST_X_FORWARDED_FOR=True):
        # The last hop is what the proxy saw; the first was written by the client.
        assert throttle.client_address(request) == "203.0.113.5"
        assert throttle.client_address(rf.post(LOGIN, REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
        forged = rf.post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
        assert throttle.client_address(forged) is None


@override_settings(TRUST_X_FORWARDED_FOR=True)
def test_behind_the_proxy_each_client_is_paused_on_its_own(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    for number in range(LIMIT):
        login_post(
            client,
            f"gissning{number}@x.example",
            "fel",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    paused = login_post(
        client, person.email, factories.PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert paused.status_code == 429
    other = login_post(
        client, person.email, factories.PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44"
    )
    assert other.status_code == 302


def test_the_admin_login_is_throttled_by_the_same_count(client):
    staff = factories.person(Role.FUND_ADMIN, email="anna@x.example", is_staff=True)
    fail(client, staff.email, LIMIT)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": factories.PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- The administrator's view ------------------------------------------------------------------


def test_a_fund_administrator_sees_and_lifts_a_pause_in_the_admin(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    admin = factories.person(Role.FUND_ADMIN, email="anna@x.example", is_staff=True)
    fail(client, person.email, LIMIT, address="203.0.113.9")
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "rut@x.example" in text_of(listing)
    assert "203.0.113.9" in text_of(listing)
    attempt = AccessAttempt.objects.get(username="rut@x.example")
    response = client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert login_post(client, person.email, factories.PASSWORD, "203.0.113.9").status_code == 302


def test_other_staff_may_see_a_pause_but_not_lift_it(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    auditor = factories.person(Role.AUDITOR, email="eva@x.example", is_staff=True)
    fail(client, person.email, LIMIT)
    client.force_login(auditor)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    attempt = AccessAttempt.objects.get()
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 403
    assert AccessAttempt.objects.exists()
    client.logout()
    client.force_login(factories.person(Role.AUDITOR, email="ola@x.example"))
    assert client.get("/admin/axes/accessattempt/").status_code == 302


# --- Password reset --------------------------------------------------------------------------


def test_password_resets_are_capped_per_account_and_the_page_never_tells(
    client, django_capture_on_commit_callbacks
):
    factories.person(Role.AUDITOR, email="rut@x.example")
    pages = []
    with django_capture_on_commit_callbacks(execute=True):
        for address in ["rut@x.example"] * 5 + ["okand@x.example"] * 2:
            response = client.post("/accounts/password/reset/", {"email": address})
            pages.append((response.status_code, response["Location"]))
    assert set(pages) == {(302, "/accounts/password/reset/sent/")}
    assert [message.to for message in mail.outbox] == [["rut@x.example"]] * 3
    # An hour later the person may ask again.
    OutboundEmail.objects.update(created_at=F("created_at") - dt.timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "RUT@x.example"})
    assert len(mail.outbox) == 4


def test_a_fund_administrator_may_send_a_reset_beyond_the_cap(django_capture_on_commit_callbacks):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    admin = factories.person(Role.FUND_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            password_reset_send(user=person)
        password_reset_send(user=person)
        password_reset_send(user=person, actor=admin)
    assert len(mail.outbox) == 4


def test_a_password_reset_does_not_unpause_or_count_as_a_login(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    fail(client, person.email, LIMIT)
    client.post("/accounts/password/reset/", {"email": person.email})
    assert login_post(client, person.email, factories.PASSWORD).status_code == 429
