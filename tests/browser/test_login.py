"""Logging in and out in a real browser, with the production CSP and axe on every page."""

import pytest

from core.models import Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_fund_administrator_logs_in_sees_start_page_and_logs_out(visitor):
    admin = factories.person(Role.FUND_ADMIN, name="Anna Lindqvist")
    browser = visitor("anna")
    browser.login(admin.email, factories.PASSWORD)
    page = browser.page
    assert page.locator("h1").inner_text() == "Välkommen, Anna"
    assert page.get_by_role("heading", name="Handläggare").is_visible()
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/accounts/login/")
    browser.check("logged out")
    assert "Du är utloggad." in page.locator("main").inner_text()


def test_wrong_password_keeps_the_email_and_says_what_is_wrong(visitor):
    person = factories.person(Role.AUDITOR)
    browser = visitor("auditor")
    browser.goto("/accounts/login/", "login")
    browser.page.locator("#id_username").fill(person.email)
    browser.page.locator("#id_password").fill("fel-lösenord")
    browser.submit("wrong password")
    assert "E-postadressen eller lösenordet är fel" in browser.page.locator("main").inner_text()
    assert browser.page.locator("#id_username").input_value() == person.email
    assert browser.page.evaluate("document.activeElement.dataset.errorSummary") == ""
