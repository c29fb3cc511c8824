"""Login, logout, expired sessions, invitations, password reset, language."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.middleware import PENDING_POST_KEY, SEEN_COOKIE, SESSION_REFRESHED_KEY, mark_seen
from core.models import Invitation, Role, User
from core.services.users import token_hash
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login_post(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def seen(client, user) -> None:
    """The browser of someone whose session has expired (see SEEN_COOKIE)."""
    client.cookies[SEEN_COOKIE] = mark_seen(HttpResponse(), user).cookies[SEEN_COOKIE].value


def test_login_with_the_email_in_any_case_lands_on_start_and_remembers_the_session(client):
    person = factories.person(Role.AUDITOR, email="rut@x.example")
    response = login_post(client, "RUT@x.example", factories.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[SEEN_COOKIE].value.startswith(f"{person.pk}:")
    assert client.get("/").context["user"] == person


def test_wrong_password_says_so_in_swedish_and_keeps_the_address(client):
    factories.person(Role.AUDITOR, email="rut@x.example")
    response = login_post(client, "rut@x.example", "fel")
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel." in text_of(response)
    assert 'value="rut@x.example"' in response.content.decode()


def test_deactivated_user_is_told_the_account_is_deactivated(client):
    factories.person(Role.AUDITOR, email="gone@x.example", is_active=False)
    response = login_post(client, "gone@x.example", factories.PASSWORD)
    assert "Ditt konto är avaktiverat." in text_of(response)
    # Without the right password nothing is revealed about the account.
    response = login_post(client, "gone@x.example", "fel")
    assert "Ditt konto är avaktiverat." not in text_of(response)
    assert "E-postadressen eller lösenordet är fel." in text_of(response)


def test_a_deactivated_users_open_session_stops_working(client):
    person = factories.person(Role.AUDITOR)
    client.force_login(person)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get("/").status_code == 302


def test_logged_in_person_opening_login_goes_to_start(client):
    client.force_login(factories.person(Role.AUDITOR))
    assert client.get(LOGIN)["Location"] == "/"


def test_logout_ends_the_session_and_forgets_it_was_there(client):
    client.force_login(factories.person(Role.AUDITOR))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.cookies[SEEN_COOKIE].value == ""
    assert client.get("/").status_code == 302
    # Logging out again (say, in a second tab) is harmless.
    assert client.post(reverse("logout")).status_code == 302


def test_anonymous_is_sent_to_login_without_a_session_message(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/"
    assert "session" not in text_of(response)


def test_expired_session_gets_its_own_message(client):
    seen(client, factories.person(Role.AUDITOR))
    response = client.get("/users/", follow=True)
    assert "Din session har gått ut. Logga in igen." in text_of(response)


def test_a_forged_seen_cookie_is_ignored(client):
    client.cookies[SEEN_COOKIE] = "1"
    response = client.get("/users/", follow=True)
    assert "session" not in text_of(response)


def test_a_form_posted_after_the_session_expired_is_kept_across_the_new_login(
    client, fund_admin, organisation
):
    seen(client, fund_admin)
    typed = {
        "full_name": "Ny Person",
        "email": "ny@x.example",
        "language": "sv",
        "organisation": str(organisation.pk),
        "roles": [Role.APPLICANT, Role.AUDITOR],
        "valid_from": "2026-12-01",
        "valid_until": "",
    }
    response = client.post("/users/invite/", typed, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/users/invite/"
    assert "Din session hade gått ut, så ingenting sparades." in text_of(response)
    assert not User.objects.filter(email="ny@x.example").exists()
    response = client.post(
        "/accounts/login/?next=/users/invite/",
        {"username": fund_admin.email, "password": factories.PASSWORD, "next": "/users/invite/"},
        follow=True,
    )
    form = response.context["form"]
    assert form.is_bound
    assert form.data["full_name"] == "Ny Person"
    assert form.data.getlist("roles") == [Role.APPLICANT, Role.AUDITOR]
    assert not User.objects.filter(email="ny@x.example").exists()
    # It is restored once: a reload shows the empty form.
    assert not client.get("/users/invite/").context["form"].is_bound


def test_keepalive_renews_a_live_session_and_refuses_a_dead_one(client):
    client.force_login(factories.person(Role.AUDITOR))
    response = client.post(reverse("session_keepalive"))
    assert response.json() == {"expires_in": 3600}
    client.logout()
    expired = client.post(reverse("session_keepalive"))
    assert (expired.status_code, expired.json()) == (401, {"expired": True})


# --- Invitations --------------------------------------------------------------------------------


def invitation_for(user, **fields):
    token = f"token-{user.pk}"
    defaults = {"expires_at": timezone.now() + dt.timedelta(days=3)}
    Invitation.objects.create(user=user, token_hash=token_hash(token), **(defaults | fields))
    return f"/accounts/invitation/{token}/"


def test_accepting_an_invitation_sets_the_password_and_logs_in(client):
    person = factories.person(Role.APPLICANT, password=None)
    url = invitation_for(person)
    assert "Välkommen till fondadmin" in text_of(client.get(url))
    response = client.post(
        url, {"password1": "ett-bra-lösenord-1", "password2": "ett-bra-lösenord-1"}
    )
    assert response["Location"] == "/"
    assert response.cookies[SEEN_COOKIE].value.startswith(f"{person.pk}:")
    person.refresh_from_db()
    assert person.check_password("ett-bra-lösenord-1")
    assert client.get("/").context["user"] == person


def test_invitation_form_refuses_weak_or_different_passwords_and_stores_nothing(client):
    person = factories.person(Role.APPLICANT, password=None)
    url = invitation_for(person)
    different = client.post(
        url, {"password1": "ett-bra-lösenord-1", "password2": "annat-lösenord-2"}
    )
    assert "De två lösenorden är inte likadana." in text_of(different)
    weak = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    assert "för kort" in text_of(weak)
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert Invitation.objects.get(user=person).accepted_at is None


def test_an_invitation_link_used_twice_explains_itself(client):
    person = factories.person(Role.APPLICANT, password=None)
    url = invitation_for(person)
    client.post(url, {"password1": "ett-bra-lösenord-1", "password2": "ett-bra-lösenord-1"})
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "Inbjudan har redan använts." in text_of(again)
    posted = client.post(url, {"password1": "x-annat-lösen-9", "password2": "x-annat-lösen-9"})
    assert posted.status_code == 410
    person.refresh_from_db()
    assert person.check_password("ett-bra-lösenord-1")


def test_expired_and_unknown_invitation_links(client):
    person = factories.person(Role.APPLICANT, password=None)
    url = invitation_for(person, expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(url)
    assert expired.status_code == 410
    assert "Inbjudan gick ut" in text_of(expired)
    unknown = client.get("/accounts/invitation/nonsense/")
    assert unknown.status_code == 404
    assert "Inbjudningslänken är inte giltig." in text_of(unknown)


# --- Password reset ----------------------------------------------------------------------------


def test_password_reset_sends_a_link_only_to_active_accounts_without_telling(
    client, django_capture_on_commit_callbacks
):
    factories.person(Role.AUDITOR, email="aktiv@x.example")
    factories.person(Role.AUDITOR, email="borta@x.example", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("aktiv@x.example", "borta@x.example", "okand@x.example"):
            response = client.post("/accounts/password/reset/", {"email": address})
            assert response["Location"] == "/accounts/password/reset/sent/"
    assert [message.to for message in mail.outbox] == [["aktiv@x.example"]]
    assert mail.outbox[0].subject == "Välj ett nytt lösenord för fondadmin"


def test_password_change_needs_the_old_password(client):
    person = factories.person(Role.AUDITOR)
    client.force_login(person)
    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "fel",
            "new_password1": "nytt-lösenord-77",
            "new_password2": "nytt-lösenord-77",
        },
    )
    assert wrong.status_code == 200
    assert "gamla lösenord" in text_of(wrong)
    right = client.post(
        "/accounts/password/",
        {
            "old_password": factories.PASSWORD,
            "new_password1": "nytt-lösenord-77",
            "new_password2": "nytt-lösenord-77",
        },
    )
    assert right["Location"] == "/accounts/password/changed/"


# --- Language ------------------------------------------------------------------------------------


def test_swedish_by_default_whatever_the_browser_prefers(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()


def test_anonymous_switch_to_english_uses_the_cookie(client):
    response = client.post("/language/", {"language": "en", "next": LOGIN})
    assert response["Location"] == LOGIN
    page = client.get(LOGIN)
    assert page["Content-Language"] == "en"
    assert "<h1>Log in</h1>" in page.content.decode()


def test_a_logged_in_persons_choice_is_kept_on_the_account(client):
    person = factories.person(Role.AUDITOR)
    client.force_login(person)
    client.post("/language/", {"language": "en", "next": "/"})
    person.refresh_from_db()
    assert person.language == "en"
    client.cookies.clear()
    client.force_login(person)
    assert client.get("/")["Content-Language"] == "en"


def test_unknown_language_is_ignored(client):
    client.post("/language/", {"language": "xx", "next": "/"})
    assert client.get(LOGIN)["Content-Language"] == "sv"


def test_a_kept_form_is_never_given_to_someone_else(client, fund_admin, other_fund_admin):
    seen(client, fund_admin)
    client.post("/users/invite/", {"full_name": "Hemlig Uppgift", "email": "x@x.example"})
    response = client.post(
        "/accounts/login/?next=/users/invite/",
        {"username": other_fund_admin.email, "password": factories.PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/users/invite/"
    assert not response.context["form"].is_bound
    assert "Hemlig Uppgift" not in response.content.decode()


def test_a_kept_form_goes_stale_after_half_an_hour(client, fund_admin, monkeypatch):
    seen(client, fund_admin)
    client.post("/users/invite/", {"full_name": "Gammal Text"})
    later = time.time() + 31 * 60
    monkeypatch.setattr("core.forms.time.time", lambda: later)
    client.force_login(fund_admin)
    assert not client.get("/users/invite/").context["form"].is_bound


def test_passwords_are_never_kept_and_a_post_only_action_says_nothing_was_done(client, fund_admin):
    seen(client, fund_admin)
    response = client.post(
        "/accounts/password/",
        {"old_password": "gammalt", "new_password1": "nytt-1", "new_password2": "nytt-1"},
        HTTP_REFERER="http://testserver/accounts/password/",
    )
    assert PENDING_POST_KEY not in client.session
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"
    target = factories.UserFactory()
    response = client.post(
        f"/users/{target.pk}/password-reset/",
        HTTP_REFERER=f"http://testserver/users/{target.pk}/",
        follow=True,
    )
    assert response.redirect_chain[0][0] == f"/accounts/login/?next=/users/{target.pk}/"
    assert "ingenting gjordes" in text_of(response)
    seen(client, fund_admin)
    client.post("/users/invite/", {"full_name": "Kvar", "password": "hemligt"})
    assert client.session[PENDING_POST_KEY]["data"] == {"full_name": ["Kvar"]}


def test_an_htmx_request_after_expiry_is_sent_to_login_with_the_way_back(client, fund_admin):
    seen(client, fund_admin)
    response = client.get("/users/?role=auditor", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/accounts/login/?next=/users/%3Frole%3Dauditor"


# --- The idle timeout without a write on every request ----------------------------------------


def _session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in context.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[SESSION_REFRESHED_KEY] -= seconds
    session.save()


def test_a_page_within_a_minute_of_the_last_renewal_writes_no_session(client, settings):
    client.force_login(factories.person(Role.AUDITOR))
    assert _session_writes(client, "/") == []
    _age_session(client, 59)
    assert _session_writes(client, "/") == []


def test_a_page_a_minute_later_renews_the_idle_timeout(client, settings):
    client.force_login(factories.person(Role.AUDITOR))
    _age_session(client, 61)
    assert len(_session_writes(client, "/")) == 1
    session = client.session
    assert abs(session[SESSION_REFRESHED_KEY] - time.time()) < 5
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_pages_say_how_long_the_session_has_left(client, settings):
    client.force_login(factories.person(Role.AUDITOR))
    _age_session(client, 50)  # renewed 50 s ago: not written again, 50 s less left
    response = client.get("/")
    left = int(response["X-Session-Seconds"])
    assert settings.SESSION_COOKIE_AGE - 55 <= left <= settings.SESSION_COOKIE_AGE - 50
    assert f'<meta name="session-seconds" content="{left}">' in response.content.decode()
    renewed = client.post(reverse("session_keepalive"))
    assert renewed.json() == {"expires_in": settings.SESSION_COOKIE_AGE}
    assert int(client.get("/")["X-Session-Seconds"]) >= settings.SESSION_COOKIE_AGE - 2


def test_an_anonymous_page_starts_no_session(client):
    response = client.get("/accounts/login/")
    assert "X-Session-Seconds" not in response
    assert SESSION_REFRESHED_KEY not in client.session
