"""A fund administrator records the city's change of a fund's reclaim rules: from the fund's
page to the rules, a form sent without its reason comes back with what was chosen, and the new
version is shown with its reason; an applicant reads the rules but cannot change them."""

import pytest

from reclaim.models import ReclaimPolicy
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BUTTON = "Registrera de nya reglerna"


def test_the_reclaim_rules_are_changed_as_a_new_version(visitor, fund_admin, fund, applicant):
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    admin.goto(f"/funds/{fund.pk}/", "fund")
    admin.page.get_by_role("link", name="Regler för återföring").click()
    admin.check("rules")
    assert "Fondens ursprungliga regler" in admin.page.inner_text("main")
    admin.page.get_by_role("link", name="Ändra reglerna").click()
    admin.check("change form")
    admin.page.get_by_label("Återföringsperiod").select_option("5")
    admin.submit("without a reason", button=BUTTON)
    assert admin.page.get_by_label("Återföringsperiod").input_value() == "5"
    assert "Detta fält måste fyllas i." in admin.page.inner_text("main")
    assert not ReclaimPolicy.objects.exists()
    admin.page.get_by_role("textbox", name="Skäl").fill("Kommunstyrelsens beslut, KS 2026/999.")
    admin.submit("recorded", button=BUTTON)
    main = admin.page.inner_text("main")
    assert "Version 1, i kraft sedan" in main
    assert "KS 2026/999" in main
    assert ReclaimPolicy.objects.get().window_years == 5

    reader = visitor("applicant")
    reader.login(applicant.email, factories.PASSWORD)
    reader.goto(f"/reclaim/policies/{fund.pk}/", "rules as applicant")
    assert "5 kalenderår" in reader.page.inner_text("main")
    assert reader.page.get_by_role("link", name="Ändra reglerna").count() == 0
