"""A reclaim plan in the browser, from the evaluated project's page: the fund administrator
drafts it from the evaluation, puts more in a line than the cap allows and fits it, sends it;
the city director decides it; the fund administrator books a line of this year (a return in
the ledger) and the city director waives another. Every page is checked by axe under the CSP.
(The fund's rules start the window in the year of the decision, so a line can be booked now.)"""

from __future__ import annotations

import pytest

from core.models import EntryKind, LedgerEntry
from reclaim import services
from reclaim.models import Installment, InstallmentState, VersionState
from reclaim.services.plans import lines_of
from tests import factories
from tests.reclaim import conftest as reclaim_fixtures
from tests.reclaim.conftest import NET_PAID, START, YEAR

application = reclaim_fixtures.application
applicable_sketch = reclaim_fixtures.applicable_sketch
sketch = reclaim_fixtures.sketch
open_call = reclaim_fixtures.open_call
co_owner_org = reclaim_fixtures.co_owner_org
nonprofit = reclaim_fixtures.nonprofit
council = reclaim_fixtures.council
meeting = reclaim_fixtures.meeting
social = reclaim_fixtures.social
education = reclaim_fixtures.education
secretary = reclaim_fixtures.secretary
project = reclaim_fixtures.project
manager = reclaim_fixtures.manager
deputy = reclaim_fixtures.deputy
running = reclaim_fixtures.running
evaluated = reclaim_fixtures.evaluated

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_plan_is_drafted_fitted_decided_and_followed_up(
    visitor, evaluated, fund_admin, city_director, social, education
):
    services.reclaim_policy_change(
        actor=fund_admin,
        fund=evaluated.registration.fund,
        window_years=6,
        start_offset=0,
        cap_at_net_paid=True,
        reason="Fönstret börjar beslutsåret (KS 2026/1).",
    )
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    admin.goto(f"/projects/{evaluated.pk}/", "project")
    admin.page.get_by_role("link", name="Plan för återföring").click()
    admin.check("no plan yet")
    admin.page.get_by_role("link", name="Upprätta planen utifrån utvärderingen").click()
    admin.submit("drafted", button="Upprätta planen")
    main = admin.page.inner_text("main")
    assert "Besparingar utanför återföringsperioden" in main
    admin.page.get_by_role("link", name="Ändra raderna").click()
    admin.check("lines form")
    admin.page.get_by_label(f"Socialnämnden {START}", exact=True).fill("3 000 000")
    admin.submit("above the cap", button="Spara raderna")
    version = evaluated.reclaim_plan.versions.get()
    assert version.start_year == YEAR
    excess = f"{sum(lines_of(version).values()) - NET_PAID:,}".replace(",", "\xa0")
    assert f"Planen ligger {excess}\xa0kr över taket." in admin.page.inner_text("main")
    admin.page.get_by_role("link", name="Anpassa till taket").click()
    admin.submit("fitted", button="Anpassa till taket")
    assert sum(lines_of(version).values()) == NET_PAID
    admin.page.get_by_role("link", name="Skicka till stadsdirektören").click()
    admin.submit("sent", button="Skicka till stadsdirektören")
    version.refresh_from_db()
    assert version.state == VersionState.SUBMITTED

    director = visitor("director")
    director.login(city_director.email, factories.PASSWORD)
    director.goto(f"/reclaim/projects/{evaluated.pk}/", "plan sent")
    director.page.get_by_role("link", name="Besluta planen").click()
    director.submit("decided", button="Besluta planen")
    version.refresh_from_db()
    assert version.state == VersionState.APPROVED
    director.goto(f"/reclaim/projects/{evaluated.pk}/", "in force")
    assert "Gäller: version 1" in director.page.inner_text("main")

    booked = next(key for key in lines_of(version) if key[1] == YEAR)
    amount = lines_of(version)[booked]
    admin.goto(f"/reclaim/projects/{evaluated.pk}/", "in force, admin")
    admin.page.locator(f'a[href$="/lines/{booked[0]}/{YEAR}/book/"]').click()
    admin.check("book form")
    admin.submit("booked", button="Bokför återföringen")
    entry = LedgerEntry.objects.get(kind=EntryKind.RETURN)
    assert (entry.amount, entry.organisation_id, entry.year) == (amount, booked[0], YEAR)
    assert "Bokförd" in admin.page.inner_text("main")

    other = next(key for key in lines_of(version) if key != booked)
    director.goto(f"/reclaim/projects/{evaluated.pk}/", "to waive")
    director.page.locator(f'a[href$="/lines/{other[0]}/{other[1]}/waive/"]').click()
    director.submit("waive without reason", button="Efterskänk raden")
    assert "Ange varför raden efterskänks." in director.page.inner_text("main")
    director.page.get_by_role("textbox", name="Skäl").fill("Verksamheten lades ned.")
    director.submit("waived", button="Efterskänk raden")
    waived = Installment.objects.get(state=InstallmentState.WAIVED)
    assert (waived.organisation_id, waived.year) == other
