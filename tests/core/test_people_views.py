"""User management and delegations in the app."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Delegation, Event, Invitation, Membership, Role, RoleAssignment, User
from tests import factories

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def invite_data(organisation, **overrides):
    return {
        "full_name": "Ny Person",
        "email": "ny@x.example",
        "language": "sv",
        "organisation": str(organisation.pk),
        "title": "Utvecklare",
        "roles": [Role.APPLICANT],
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "idempotency_key": str(uuid.uuid4()),
    } | overrides


# --- Lists and pages -------------------------------------------------------------------------


def test_user_list_filters_by_role_organisation_status_and_search(admin_client, organisation):
    factories.person(Role.APPLICANT, organisation=organisation, name="Ada Farsta")
    factories.person(Role.AUDITOR, name="Rut Revisor")
    factories.person(Role.AUDITOR, name="Gamla Gunnar", is_active=False)

    def names(query):
        page = admin_client.get("/users/?" + query).context["page"]
        return sorted(person.full_name for person in page.object_list)

    assert names("role=auditor") == ["Gamla Gunnar", "Rut Revisor"]
    assert names(f"organisation={organisation.pk}") == ["Ada Farsta"]
    assert names("status=inactive") == ["Gamla Gunnar"]
    assert names("q=revisor") == ["Rut Revisor"]
    assert names("q=nobody") == []
    assert "Inga användare matchar filtret." in text_of(admin_client.get("/users/?q=nobody"))


def test_user_list_paginates(admin_client):
    for n in range(55):
        factories.UserFactory(full_name=f"Person {n:02d}")
    first = admin_client.get("/users/")
    assert len(first.context["page"].object_list) == 50
    assert "Sida 1 av 2" in text_of(first)
    second = admin_client.get("/users/?page=2")
    assert len(second.context["page"].object_list) == 6  # 55 + the administrator
    assert admin_client.get("/users/?page=99").context["page"].number == 2


def test_every_list_has_the_page_size_of_the_setting(admin_client, settings):
    """LIST_PAGE_SIZE is the one page size (the bench measures at 60, as others do)."""
    settings.LIST_PAGE_SIZE = 12
    for n in range(20):
        factories.UserFactory(full_name=f"Person {n:02d}")
    first = admin_client.get("/users/")
    assert len(first.context["page"].object_list) == 12
    assert "Sida 1 av 2" in text_of(first)
    assert len(admin_client.get("/users/?page=2").context["page"].object_list) == 9


def test_auditor_reads_but_gets_no_buttons_and_cannot_write(client, auditor):
    target = factories.person(Role.APPLICANT)
    client.force_login(auditor)
    page = client.get(f"/users/{target.pk}/")
    assert page.status_code == 200
    assert "Avaktivera" not in text_of(page)
    assert client.get("/users/invite/").status_code == 403
    assert client.post(f"/users/{target.pk}/deactivate/", {"reason": "x"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_outsiders_see_nothing(client, applicant):
    target = factories.UserFactory()
    client.force_login(applicant)
    assert client.get("/users/").status_code == 403
    assert client.get(f"/users/{target.pk}/").status_code == 404
    assert client.get(f"/users/{target.pk + 999}/").status_code == 404


# --- Invite --------------------------------------------------------------------------------------


def test_invite_creates_the_person_and_shows_their_page(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/users/invite/", invite_data(organisation), follow=True)
    person = User.objects.get(email="ny@x.example")
    assert response.redirect_chain[-1][0] == f"/users/{person.pk}/"
    assert "En inbjudan har skickats till ny@x.example." in text_of(response)
    assert "Inbjuden som ny@x.example" in text_of(response)
    assert mail.outbox[0].to == ["ny@x.example"]


def test_double_click_on_invite_creates_one_person(admin_client, organisation):
    data = invite_data(organisation)
    first = admin_client.post("/users/invite/", data)
    second = admin_client.post("/users/invite/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert User.objects.filter(email="ny@x.example").count() == 1
    assert Invitation.objects.count() == 1


def test_refused_invite_keeps_what_was_typed_and_says_why(admin_client, organisation):
    factories.UserFactory(email="ny@x.example")
    data = invite_data(organisation, full_name="Förnamn Efternamn")
    response = admin_client.post("/users/invite/", data)
    assert response.status_code == 200
    assert "Det finns redan en användare med e-postadressen ny@x.example." in text_of(response)
    assert 'value="Förnamn Efternamn"' in response.content.decode()
    assert User.objects.filter(email="ny@x.example").count() == 1
    # The same form, corrected, can be sent: a refused attempt used up nothing.
    data["email"] = "annan@x.example"
    assert admin_client.post("/users/invite/", data).status_code == 302


def test_invite_with_end_before_start_is_refused_on_the_field(admin_client, organisation):
    data = invite_data(organisation, valid_from="2027-02-01", valid_until="2027-01-01")
    response = admin_client.post("/users/invite/", data)
    assert response.context["form"].errors["valid_until"] == [
        "Slutdatumet kan inte vara före startdatumet."
    ]
    assert not User.objects.filter(email="ny@x.example").exists()


def test_invite_with_a_malformed_date_is_refused_in_swedish(admin_client, organisation):
    response = admin_client.post("/users/invite/", invite_data(organisation, valid_from="1/2/27"))
    assert response.context["form"].errors["valid_from"] == [
        "Ange datum som ÅÅÅÅ-MM-DD, till exempel 2026-11-22."
    ]


# --- Changing a person ------------------------------------------------------------------------


def test_edit_details(admin_client):
    person = factories.UserFactory(full_name="Fel Namn")
    response = admin_client.post(
        f"/users/{person.pk}/edit/",
        {"full_name": "Rätt Namn", "email": person.email, "language": "en", "is_staff": "on"},
    )
    assert response["Location"] == f"/users/{person.pk}/"
    person.refresh_from_db()
    assert (person.full_name, person.language, person.is_staff) == ("Rätt Namn", "en", True)


def test_deactivate_needs_a_reason_and_is_logged(admin_client):
    person = factories.person(Role.APPLICANT)
    empty = admin_client.post(f"/users/{person.pk}/deactivate/", {"reason": ""})
    assert empty.status_code == 200
    assert "Detta fält måste fyllas i." in text_of(empty)
    done = admin_client.post(
        f"/users/{person.pk}/deactivate/", {"reason": "Har slutat"}, follow=True
    )
    assert "är avaktiverad" in text_of(done)
    person.refresh_from_db()
    assert not person.is_active
    assert Event.objects.for_target(person).filter(comment="Har slutat").exists()


def test_deactivating_yourself_is_refused_with_a_message(admin_client, fund_admin):
    response = admin_client.post(f"/users/{fund_admin.pk}/deactivate/", {"reason": "test"})
    assert response.status_code == 200
    assert "Du kan inte avaktivera dig själv." in text_of(response)
    fund_admin.refresh_from_db()
    assert fund_admin.is_active


def test_reactivate(admin_client):
    person = factories.UserFactory(is_active=False)
    admin_client.post(f"/users/{person.pk}/reactivate/", {"reason": ""})
    person.refresh_from_db()
    assert person.is_active


def test_password_reset_and_invitation_resend_buttons(
    admin_client, django_capture_on_commit_callbacks
):
    person = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/users/{person.pk}/password-reset/", follow=True)
    assert "En länk för att välja nytt lösenord har skickats" in text_of(response)
    assert admin_client.get(f"/users/{person.pk}/password-reset/").status_code == 405
    refused = admin_client.post(f"/users/{person.pk}/invitation/", follow=True)
    assert "har redan tagit emot inbjudan" in text_of(refused)
    assert len(mail.outbox) == 1


def test_give_end_and_withdraw_roles(admin_client, today):
    person = factories.UserFactory()
    key = str(uuid.uuid4())
    admin_client.post(
        f"/users/{person.pk}/roles/add/",
        {"role": Role.AUDITOR, "valid_from": today.isoformat(), "idempotency_key": key},
    )
    assignment = RoleAssignment.objects.get(user=person)
    overlap = admin_client.post(
        f"/users/{person.pk}/roles/add/",
        {
            "role": Role.AUDITOR,
            "valid_from": today.isoformat(),
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert "har redan rollen Revisor (läsbehörig)" in text_of(overlap)
    past = admin_client.post(
        f"/users/{person.pk}/roles/{assignment.pk}/end/",
        {"valid_until": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert "Slutdatumet kan inte vara före startdatumet" in text_of(past)
    admin_client.post(
        f"/users/{person.pk}/roles/{assignment.pk}/end/", {"valid_until": today.isoformat()}
    )
    assignment.refresh_from_db()
    assert assignment.valid_until == today
    future = factories.RoleAssignmentFactory(
        user=person, role=Role.APPLICANT, valid_from=today + dt.timedelta(days=7)
    )
    admin_client.post(f"/users/{person.pk}/roles/{future.pk}/withdraw/")
    future.refresh_from_db()
    assert future.withdrawn_at is not None


def test_a_role_of_another_person_is_not_found(admin_client):
    person, other = factories.UserFactory(), factories.person(Role.AUDITOR)
    assignment = other.role_assignments.get()
    assert admin_client.get(f"/users/{person.pk}/roles/{assignment.pk}/end/").status_code == 404


def test_add_and_end_membership(admin_client, organisation, today):
    person = factories.UserFactory()
    admin_client.post(
        f"/users/{person.pk}/memberships/add/",
        {
            "organisation": organisation.pk,
            "title": "Chef",
            "valid_from": today.isoformat(),
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    membership = Membership.objects.get(user=person)
    assert membership.title == "Chef"
    admin_client.post(
        f"/users/{person.pk}/memberships/{membership.pk}/end/", {"valid_until": today.isoformat()}
    )
    membership.refresh_from_db()
    assert membership.valid_until == today


# --- Delegations ----------------------------------------------------------------------------


def test_city_director_names_and_ends_a_delegate(client, city_director, today):
    delegate = factories.UserFactory(full_name="Dan Delegat")
    client.force_login(city_director)
    form = client.get("/delegations/new/").context["form"]
    assert city_director not in form.fields["delegate"].queryset
    response = client.post(
        "/delegations/new/",
        {
            "delegate": delegate.pk,
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=5)).isoformat(),
            "note": "Semester",
            "idempotency_key": str(uuid.uuid4()),
        },
        follow=True,
    )
    assert "Dan Delegat är din ersättare" in text_of(response)
    delegation = Delegation.objects.get()
    no_reason = client.post(f"/delegations/{delegation.pk}/end/", {"reason": ""})
    assert no_reason.status_code == 200
    client.post(f"/delegations/{delegation.pk}/end/", {"reason": "Tillbaka"})
    delegation.refresh_from_db()
    assert delegation.end_reason == "Tillbaka"


def test_delegation_starting_in_the_past_is_refused_on_the_field(client, city_director, today):
    client.force_login(city_director)
    response = client.post(
        "/delegations/new/",
        {
            "delegate": factories.UserFactory().pk,
            "valid_from": (today - dt.timedelta(days=1)).isoformat(),
            "valid_until": today.isoformat(),
        },
    )
    assert "En delegation kan inte börja bakåt i tiden." in str(
        response.context["form"].errors["valid_from"]
    )
    assert not Delegation.objects.exists()


def test_delegate_reads_the_delegations_but_cannot_create(client, city_director):
    delegate = factories.UserFactory()
    factories.DelegationFactory(delegator=city_director, delegate=delegate)
    client.force_login(delegate)
    assert client.get("/delegations/").status_code == 200
    assert client.get("/delegations/new/").status_code == 403


def test_filtering_in_place_returns_only_the_results(admin_client):
    factories.person(Role.AUDITOR, name="Rut Revisor")
    partial = admin_client.get("/users/?role=auditor", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert '<p id="user-count" hx-swap-oob="innerHTML">1 användare</p>' in html
    assert '<div id="user-results">' in html
    assert "Rut Revisor" in html
    assert "<header" not in html
    full = admin_client.get("/users/?role=auditor").content.decode()
    assert "<header" in full
    assert "Rut Revisor" in full


def test_someone_elses_form_key_replays_nothing(client, fund_admin, other_fund_admin, organisation):
    data = invite_data(organisation)
    client.force_login(fund_admin)
    first = client.post("/users/invite/", data)
    client.force_login(other_fund_admin)
    data["email"] = "annan@x.example"
    second = client.post("/users/invite/", data)
    assert second.status_code == 302
    assert second["Location"] != first["Location"]
    assert User.objects.filter(email__in=["ny@x.example", "annan@x.example"]).count() == 2


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Den här adressen är ingen sida"), ("en", "This address is not a page")],
)
def test_a_get_to_a_post_only_url_shows_the_sites_own_page_in_the_readers_language(
    client, fund_admin, language, heading
):
    fund_admin.language = language
    fund_admin.save(update_fields=["language"])
    client.force_login(fund_admin)
    person = factories.UserFactory()
    for url in (f"/users/{person.pk}/password-reset/", "/accounts/logout/"):
        response = client.get(url)
        assert response.status_code == 405, url
        assert "POST" in response["Allow"], url
        page = response.content.decode()
        assert f"<h1>{heading}</h1>" in page, url
        assert 'class="site-nav"' in page, url  # the site's frame, with the menu
        assert f'<html lang="{language}">' in page, url
