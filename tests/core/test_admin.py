"""The Django admin is for staff and read-only."""

import pytest

from core.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_non_staff_are_sent_to_the_admin_login(client):
    client.force_login(factories.person(Role.FUND_ADMIN))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_read_in_swedish_but_cannot_add_change_or_delete(client):
    staff = factories.person(Role.FUND_ADMIN, is_staff=True)
    other = factories.person(Role.APPLICANT, full_name="Ada Sökande")
    client.force_login(staff)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Personer och roller" in index.content.decode()
    listing = client.get("/admin/core/user/")
    assert listing.status_code == 200
    assert "Ada Sökande" in listing.content.decode()
    assert client.get("/admin/core/user/add/").status_code == 403
    detail = client.get(f"/admin/core/user/{other.pk}/change/")
    assert detail.status_code == 200
    assert 'name="full_name"' not in detail.content.decode()  # shown, not editable
    response = client.post(f"/admin/core/user/{other.pk}/change/", {"full_name": "Ändrat"})
    assert response.status_code == 403
    assert client.post(f"/admin/core/user/{other.pk}/delete/", {"post": "yes"}).status_code == 403
    other.refresh_from_db()
    assert other.full_name == "Ada Sökande"
