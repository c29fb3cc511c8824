"""The projects journey goes on in reclaim, in Chromium with axe on every page: a plan with
savings in two organisations that do not own the project is fitted to the cap and decided by
the city director's delegate ("på delegation"); two lines are booked; the follow-up adjusts a
later year as version 2, decided by the city director; one benefiting organisation is replaced
and the city director moves its open line to the successor; the city director's forward
position equals the projection computed here from the ledger and the plan. And a project
without economic effects is exempted in the browser and owes nothing. (The fund's rules start
the window in the year of the decision, so lines of this year can be booked now.)"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import EntryKind, LedgerEntry
from core.money import format_kr
from core.services import reorganisation_record
from projects import services as project_services
from projects.models import ProjectState
from reclaim import plans, services
from reclaim.models import Installment, PlanState, PlanVersion, VersionState
from reclaim.services.plans import lines_of
from tests import factories
from tests.reclaim import conftest as reclaim_fixtures
from tests.reclaim.conftest import NET_PAID, TEXTS, YEAR

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


def _text(visitor) -> str:
    return visitor.page.inner_text("main").replace("\xa0", " ")


def test_a_plan_is_decided_on_delegation_adjusted_booked_and_handed_over(
    visitor, evaluated, fund_admin, city_director, social, education
):
    assert evaluated.owner not in (social, education)
    fund = evaluated.registration.fund
    services.reclaim_policy_change(
        actor=fund_admin,
        fund=fund,
        window_years=6,
        start_offset=0,
        cap_at_net_paid=True,
        reason="Fönstret börjar beslutsåret (KS 2026/1).",
    )
    delegate = factories.person(name="Dag Delegat")
    factories.DelegationFactory(delegator=city_director, delegate=delegate)

    # The fund administrator drafts the plan, puts more in it than the cap and fits it.
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    admin.goto(f"/reclaim/projects/{evaluated.pk}/", "no plan yet")
    admin.page.get_by_role("link", name="Upprätta planen utifrån utvärderingen").click()
    admin.submit("drafted", button="Upprätta planen")
    admin.page.get_by_role("link", name="Ändra raderna").click()
    admin.check("lines form")
    admin.page.get_by_label(f"Socialnämnden {YEAR}", exact=True).fill("3 000 000")
    admin.submit("above the cap", button="Spara raderna")
    admin.page.get_by_role("link", name="Anpassa till taket").click()
    admin.submit("fitted", button="Anpassa till taket")
    version = PlanVersion.objects.get(plan__project=evaluated)
    assert sum(lines_of(version).values()) == NET_PAID
    admin.page.get_by_role("link", name="Skicka till stadsdirektören").click()
    admin.submit("sent", button="Skicka till stadsdirektören")

    # The delegate decides it, on delegation; his start page says it waits.
    acting = visitor("delegate")
    acting.login(delegate.email, factories.PASSWORD)
    assert "1 plan för återföring att besluta" in _text(acting)
    acting.page.get_by_role("link", name="1 plan för återföring att besluta").click()
    acting.check("plan to decide")
    acting.page.get_by_role("link", name="Besluta planen").click()
    acting.submit("decided on delegation", button="Besluta planen")
    version.refresh_from_db()
    assert (version.state, version.decided_by, version.on_delegation) == (
        VersionState.APPROVED,
        delegate,
        True,
    )
    assert "på delegation" in _text(acting)

    # Two lines of this year are booked: returns in the ledger at the decided amounts.
    decided = lines_of(version)
    this_year = sorted(key for key in decided if key[1] == YEAR)
    assert len(this_year) == 2
    for organisation_id, year in this_year:
        admin.goto(f"/reclaim/projects/{evaluated.pk}/", "to book")
        admin.page.locator(f'a[href$="/lines/{organisation_id}/{year}/book/"]').click()
        admin.check("book form")
        admin.submit("booked", button="Bokför återföringen")
    returns = LedgerEntry.objects.filter(kind=EntryKind.RETURN)
    assert sorted((e.organisation_id, e.year, e.amount) for e in returns) == sorted(
        (o, y, decided[(o, y)]) for o, y in this_year
    )

    # The follow-up of this year: the verified actual reduction next to the plan; next year
    # Socialnämnden's reduction will be lower than planned (version 2).
    admin.goto(f"/reclaim/projects/{evaluated.pk}/", "to follow up")
    admin.page.get_by_role("link", name=f"registrera {YEAR}").click()
    admin.check("follow-up form")
    admin.page.get_by_label(f"Socialnämnden {YEAR}", exact=True).fill("1 500 000")
    admin.page.get_by_label("Underlag").fill("Bokslutet.")
    admin.submit("followed up", button="Registrera uppföljningen")
    assert format_kr(1_500_000).replace("\xa0", " ") in _text(admin)
    admin.page.get_by_role("link", name="Justera planen").click()
    admin.submit("adjustment started", button="Påbörja justeringen")
    admin.page.get_by_role("link", name="Ändra raderna").click()
    admin.check("adjustment lines")
    lower = decided[(social.pk, YEAR + 1)] - 100_000
    admin.page.get_by_label(f"Socialnämnden {YEAR + 1}", exact=True).fill(str(lower))
    admin.page.get_by_label("Varför denna version").fill("Uppföljningen visar lägre kostnader.")
    admin.submit("adjusted", button="Spara raderna")
    admin.page.get_by_role("link", name="Skicka till stadsdirektören").click()
    admin.submit("adjustment sent", button="Skicka till stadsdirektören")
    director = visitor("director")
    director.login(city_director.email, factories.PASSWORD)
    director.goto(f"/reclaim/projects/{evaluated.pk}/", "adjustment to decide")
    director.page.get_by_role("link", name="Besluta planen").click()
    director.submit("version 2 decided", button="Besluta planen")
    second = PlanVersion.objects.get(plan__project=evaluated, state=VersionState.APPROVED)
    assert second.number == 2
    assert lines_of(second)[(social.pk, YEAR + 1)] == lower
    assert "Gäller: version 2" in _text(director)
    changed = f"Socialnämnden {YEAR + 1}: {format_kr(decided[(social.pk, YEAR + 1)])}"
    assert changed.replace("\xa0", " ") in _text(director)

    # Utbildningsnämnden is replaced; the city director moves its open line to the successor.
    successor = factories.OrganisationFactory(
        name="Nya utbildningsnämnden", kind="specialist_committee"
    )
    reorganisation_record(
        actor=fund_admin,
        organisation=education,
        effective_from=timezone.localdate(),
        decided_on=timezone.localdate() - dt.timedelta(days=20),
        decision_reference="KF 2026-11-16 § 3",
        shares=[(successor, Decimal(100))],
    )
    open_education = {
        key: amount
        for key, amount in lines_of(second).items()
        if key[0] == education.pk and key not in this_year
    }
    assert open_education
    director.goto("/", "start with a reorganisation")
    director.page.get_by_role("link", name=re.compile("ersatt organisation")).click()
    director.check("reorganisations")
    director.page.get_by_role("link", name="Utbildningsnämnden").click()
    director.check("hand over")
    director.submit("hand over without reason", button="Lämna över")
    assert "Skäl: Detta fält måste fyllas i." in _text(director)
    director.page.get_by_label("Skäl").fill("Enligt KF 2026-11-16 § 3.")
    director.submit("handed over", button="Lämna över")
    third = PlanVersion.objects.get(plan__project=evaluated, state=VersionState.APPROVED)
    assert third.number == 3
    moved = lines_of(third)
    for (_organisation, year), amount in open_education.items():
        assert moved[(successor.pk, year)] == amount
        assert (education.pk, year) not in moved
    assert sum(moved.values()) == sum(lines_of(second).values())

    # The forward position: available today from the ledger, plus each year's open lines.
    director.goto(f"/reclaim/funds/{fund.pk}/", "forward position")
    available = fund.position(timezone.localdate()).available
    settled = set(Installment.objects.values_list("organisation_id", "year"))
    open_per_year: dict[int, int] = {}
    for (organisation, year), amount in moved.items():
        if (organisation, year) not in settled:
            open_per_year[year] = open_per_year.get(year, 0) + amount
    running_total = available
    expected = []
    for year in range(YEAR, max(open_per_year) + 1):
        running_total += open_per_year.get(year, 0)
        expected.append((year, running_total))
    shown = [
        (year, director.page.locator(f'[data-projected="{year}"]').inner_text())
        for year, _amount in expected
    ]
    assert shown == [(year, format_kr(amount)) for year, amount in expected]
    assert [
        (r.year, r.available) for r in plans.forward_position(available, open_per_year, YEAR)
    ] == expected
    assert director.page.locator('[data-figure="available-today"]').inner_text() == format_kr(
        available
    )

    # Socialnämnden's people see what their organisation owes, and comment on its lines.
    staff = factories.person("applicant", organisation=social, name="Sara Social")
    owing = visitor("social")
    owing.login(staff.email, factories.PASSWORD)
    owing.page.get_by_role("link", name="Återföring", exact=True).click()
    owing.check("what social owes")
    remaining = sum(
        amount
        for (organisation, year), amount in moved.items()
        if organisation == social.pk and (organisation, year) not in settled
    )
    figure = owing.page.locator(f'[data-figure="remaining-{social.pk}"]').inner_text()
    assert figure == format_kr(remaining)
    owing.page.get_by_role("link", name=re.compile("Läsfrämjande")).first.click()
    owing.check("plan, own lines")
    owing.page.get_by_label("Din kommentar").fill(f"Beloppet för {YEAR + 2} ses över.")
    owing.submit("commented", button="Lägg till kommentaren")
    assert f"Beloppet för {YEAR + 2} ses över." in _text(owing)


def test_a_project_without_economic_effects_is_exempted_in_the_browser(
    visitor, running, fund_admin, city_director
):
    project_services.project_phase_end(
        actor=fund_admin, project=running, today=dt.date(YEAR + 2, 1, 2)
    )
    project_services.evaluation_update(
        actor=fund_admin, project=running, economic_effects=False, **TEXTS
    )
    running.refresh_from_db()
    project_services.evaluation_complete(actor=fund_admin, evaluation=running.evaluation)
    director = visitor("director")
    director.login(city_director.email, factories.PASSWORD)
    director.goto(f"/reclaim/projects/{running.pk}/", "no effects")
    director.page.get_by_role("link", name="Undanta projektet från återföring").click()
    director.check("exempt form")
    director.page.get_by_label("Skäl").fill("Utvärderingen visar inga ekonomiska effekter.")
    director.submit("exempted", button="Undanta projektet")
    running.refresh_from_db()
    assert running.state == ProjectState.CLOSED
    assert running.reclaim_plan.state == PlanState.EXEMPT
    assert "Undantagen" in _text(director)
    director.goto(f"/reclaim/funds/{running.registration.fund_id}/", "overview after exemption")
    assert "Inga beslutade återföringsrader ännu." in _text(director)
    assert not LedgerEntry.objects.filter(kind=EntryKind.RETURN).exists()
