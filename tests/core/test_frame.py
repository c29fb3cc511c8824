"""The page frame's kept parts (``fondadmin.context_processors``) and the prepared statements
every logged-in request runs (``core.prepared``): keeping them must never show one person's
menu to another, the wrong current section, or the wrong language."""

from __future__ import annotations

import re

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import access, prepared
from core.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _menu(page: str) -> list[tuple[str, bool]]:
    """The main menu's labels, each with whether it is marked as the current page."""
    nav = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return [
        (label, bool(current))
        for current, label in re.findall(
            r'<a class="site-nav__link" href="[^"]*"( aria-current="page")?>([^<]*)</a>', nav
        )
    ]


def _get(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_person_gets_the_menu_of_their_own_roles_whoever_came_before(client, fund_admin):
    council_member = factories.person(Role.COUNCIL_MEMBER)
    admin_menu = [label for label, _current in _menu(_get(client, fund_admin, reverse("start")))]
    member_menu = [
        label for label, _current in _menu(_get(client, council_member, reverse("start")))
    ]
    assert "Fonder" in admin_menu
    assert "Diarium" in admin_menu
    assert "Mina granskningar" in member_menu
    assert "Fonder" not in member_menu
    assert "Diarium" not in member_menu
    # Back to the first person: their own menu again, not the one kept last.
    again = [label for label, _current in _menu(_get(client, fund_admin, reverse("start")))]
    assert again == admin_menu


def test_the_current_section_is_marked_on_each_page_of_the_same_menu(client, fund_admin):
    for url, label in [
        (reverse("start"), "Start"),
        (reverse("funds:list"), "Fonder"),
        (reverse("register"), "Diarium"),
        (reverse("start"), "Start"),
    ]:
        menu = _menu(_get(client, fund_admin, url))
        assert [name for name, current in menu if current] == [label], url


def test_the_menu_and_session_dialog_follow_the_persons_language(client, fund_admin):
    page = _get(client, fund_admin, reverse("start"))
    assert "Fonder" in [label for label, _current in _menu(page)]
    assert "Din session håller på att upphöra" in page
    fund_admin.language = "en"
    fund_admin.save(update_fields=["language"])
    page = _get(client, fund_admin, reverse("start"))
    assert "Funds" in [label for label, _current in _menu(page)]
    assert "Your session is about to end" in page
    assert "Din session håller på att upphöra" not in page


def test_an_anonymous_page_has_neither_menu_nor_session_dialog(client):
    page = client.get(reverse("privacy")).content.decode()
    assert 'class="site-nav"' not in page
    assert 'id="session-dialog"' not in page


def test_a_prepared_statement_returns_what_the_plain_cursor_returns_and_is_counted(fund_admin):
    day = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        person = access.person_with_standing(fund_admin.pk, day)
        again = access.person_with_standing(fund_admin.pk, day)
    assert len(queries.captured_queries) == 2
    assert person.pk == again.pk == fund_admin.pk
    assert access.active_roles(person, day) == {Role.FUND_ADMIN}
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, is_active FROM core_user WHERE id = %s", [fund_admin.pk])
        plain = cursor.fetchone()
    assert (
        prepared.fetch_one("SELECT email, is_active FROM core_user WHERE id = %s", [fund_admin.pk])
        == plain
    )
    assert prepared.fetch_one("SELECT email FROM core_user WHERE id = %s", [-1]) is None


def test_a_prepared_statements_error_is_djangos_error(db):
    with pytest.raises(ProgrammingError), transaction.atomic():
        prepared.fetch_one("SELECT no_such_column FROM core_user WHERE id = %s", [1])
