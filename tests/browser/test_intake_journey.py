"""The intake of a case, every step in the browser by the person who takes it: an idea sketch
owned jointly by a district and two city organisations with a non-profit partner, the council's
applicability decision with a member who takes no part, the application with its tables, a
revision and the comparison of the two versions; and a sketch judged not applicable that is
taken up again in a new sketch linked to it.

New strings may not be translated yet, so pages are read by ids, data attributes and addresses
rather than by the visible text of new strings.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from applications import services
from applications.models import (
    Application,
    ApplicationVersion,
    CouncilMeeting,
    IdeaSketch,
    SketchState,
)
from core.models import OrganisationKind, Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\u00a0"

SKETCH = {
    "title": "Läsfrämjande i Farsta och Skarpnäck",
    "summary": "Läsombud i förskolan och på biblioteken.",
    "problem_and_target_group": "Barn 3–6 år med svag språkutveckling.",
    "complements_ordinary_work": "Förstärker förskolans ordinarie språkarbete.",
    "estimated_amount": "3 000 000",
    "estimated_years": "3",
    "contact_name": "Ada Sökande",
    "contact_email": "ada.kontakt@farsta.example",
}


def text(locator) -> str:
    """Visible text with ordinary spaces (amounts are grouped with no-break spaces)."""
    return locator.inner_text().replace(NBSP, " ").replace("\u202f", " ")


def click_and_check(visitor, selector: str, label: str) -> None:
    """Follow a link or press a button found by ``selector``, then check the next page."""
    with visitor.page.expect_navigation():
        visitor.page.locator(selector).first.click()
    visitor.check(label)


def double_click_and_check(visitor, selector: str, label: str) -> None:
    """Press a submit button twice in quick succession, as an impatient person does."""
    with visitor.page.expect_navigation():
        visitor.page.locator(selector).first.dblclick()
    visitor.check(label)


def pk_from(url: str, pattern: str) -> int:
    match = re.search(pattern, url)
    assert match, url
    return int(match.group(1))


def open_call(fund, fund_admin, today, title: str):
    call = services.call_create(
        actor=fund_admin,
        fund=fund,
        title=title,
        description="Insatser som förebygger utanförskap bland barn och unga.",
        idea_sketch_deadline=today + dt.timedelta(days=20),
        application_deadline=today + dt.timedelta(days=60),
        indicative_budget=20_000_000,
        decision_route="own_proposal",
    )
    return services.call_publish(actor=fund_admin, call=call)


def fill_sketch(page, fields: dict, *, co_owners=(), partners=()) -> None:
    for name, value in fields.items():
        page.locator(f"#id_{name}").fill(value)
    for organisation in co_owners:
        page.locator(f"input[name=co_owners][value='{organisation.pk}']").check()
    for organisation in partners:
        page.locator(f"input[name=partners][value='{organisation.pk}']").check()


def start_sketch_from_call(applicant, call) -> None:
    applicant.goto(f"/calls/{call.pk}/", "the open call")
    click_and_check(applicant, f"main a[href='/sketches/new/?call={call.pk}']", "new sketch form")


def submit_sketch(applicant, sketch_pk: int) -> str:
    """From the sketch's page to the receipt; the registration number it shows."""
    page = applicant.page
    click_and_check(applicant, f"main a[href='/sketches/{sketch_pk}/submit/']", "submit sketch")
    expect(page.locator("#missing-fields")).to_have_count(0)
    applicant.submit("sketch receipt")
    assert page.url.endswith(f"/sketches/{sketch_pk}/receipt/"), page.url
    number = page.locator("#registration-number").inner_text()
    assert re.fullmatch(r"SIF \d{4}/\d{4}", number), number
    return number


def record_meeting(admin, members) -> int:
    """The fund administrator records a meeting held today with ``members`` present."""
    page = admin.page
    admin.goto("/council/meetings/", "council meetings")
    click_and_check(admin, "main a[href='/council/meetings/new/']", "new meeting form")
    for member in members:
        page.locator(f"input[name=members][value='{member.pk}']").check()
    admin.submit("meeting recorded")
    meeting_pk = pk_from(page.url, r"/council/meetings/(\d+)/$")
    assert set(CouncilMeeting.objects.get(pk=meeting_pk).members_present.all()) == set(members)
    return meeting_pk


def open_decision_form(admin, meeting_pk: int, sketch_pk: int) -> None:
    decide_url = f"/council/meetings/{meeting_pk}/sketches/{sketch_pk}/"
    click_and_check(admin, f"#waiting-table a[href='{decide_url}']", "decision form")
    assert admin.page.url.endswith(decide_url), admin.page.url


def record_decision(admin, outcome: str, reason: str) -> None:
    page = admin.page
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#id_reason").fill(reason)
    admin.submit(f"decision {outcome} recorded")


# --- 1. A joint sketch becomes an application, is revised and compared ---------------------


def test_joint_sketch_to_application_revised_and_compared(
    visitor, fund, fund_admin, applicant, organisation, today
):
    call = open_call(fund, fund_admin, today, "Tidiga insatser för barn och unga")
    skarpnack = factories.OrganisationFactory(
        name="Skarpnäcks stadsdelsnämnd", short_name="Skarpnäck"
    )
    social = factories.OrganisationFactory(
        name="Socialnämnden", short_name="Social", kind=OrganisationKind.SPECIALIST_COMMITTEE
    )
    laslust = factories.OrganisationFactory(
        name="Föreningen Läslust", short_name="Läslust", kind=OrganisationKind.NONPROFIT
    )
    labour = factories.OrganisationFactory(
        name="Arbetsmarknadsnämnden", kind=OrganisationKind.SPECIALIST_COMMITTEE
    )
    conflicted = factories.person(
        Role.COUNCIL_MEMBER, organisation=skarpnack, name="Karin Skarpnäck"
    )
    free = [
        factories.person(Role.COUNCIL_MEMBER, organisation=labour, name=f"Ledamot {n}")
        for n in (1, 2)
    ]

    # --- The applicant starts the sketch from the call, leaving one required field empty ----
    ada = visitor("applicant")
    ada.login(applicant.email, factories.PASSWORD)
    start_sketch_from_call(ada, call)
    page = ada.page
    assert page.locator("#id_owner").input_value() == str(organisation.pk)  # her only one
    # A non-profit can be a partner but is not offered as co-owner.
    expect(page.locator(f"input[name=co_owners][value='{laslust.pk}']")).to_have_count(0)
    expect(page.locator(f"input[name=partners][value='{laslust.pk}']")).to_have_count(1)
    incomplete = {k: v for k, v in SKETCH.items() if k != "complements_ordinary_work"}
    fill_sketch(page, incomplete, co_owners=[skarpnack, social], partners=[laslust])
    ada.check("sketch form filled in, one field left empty")
    ada.submit("sketch draft saved")
    sketch_pk = pk_from(page.url, r"/sketches/(\d+)/$")
    sketch = IdeaSketch.objects.get(pk=sketch_pk)
    assert sketch.state == SketchState.DRAFT
    assert sketch.owner == organisation
    assert sketch.call == call
    assert sketch.estimated_amount == 3_000_000
    assert set(sketch.co_owners()) == {skarpnack, social}
    assert set(sketch.partners()) == {laslust}
    assert sketch.registration_id is None

    click_and_check(ada, f"main a[href='/sketches/{sketch_pk}/submit/']", "submit: missing")
    missing = page.locator("#missing-fields")
    expect(missing).to_be_visible()
    expect(missing.locator("li")).to_have_count(1)
    expect(page.locator("main form[method=post] button[type=submit]")).to_have_count(0)

    # The missing field is a link to it: the edit form opens with the cursor in the field.
    field = "id_complements_ordinary_work"
    click_and_check(ada, f"#missing-fields a[href='/sketches/{sketch_pk}/edit/#{field}']", "field")
    assert page.evaluate("document.activeElement.id") == field
    assert page.locator("#id_title").input_value() == SKETCH["title"]  # kept from the draft
    expect(page.locator(f"input[name=co_owners][value='{skarpnack.pk}']")).to_be_checked()
    expect(page.locator(f"input[name=partners][value='{laslust.pk}']")).to_be_checked()
    page.locator("#id_complements_ordinary_work").fill(SKETCH["complements_ordinary_work"])
    ada.submit("sketch completed")
    # (The browser keeps the field's fragment through the redirect; nothing on the page has it.)
    assert page.url.split("#")[0].endswith(f"/sketches/{sketch_pk}/"), page.url
    # Saved: focus is on the confirmation, which is read out first.
    focused = page.evaluate(
        "document.activeElement.matches('[data-messages]') && document.activeElement.innerText"
    )
    assert focused == "Idéskissen har sparats.", focused

    number = submit_sketch(ada, sketch_pk)
    sketch.refresh_from_db()
    assert sketch.state == SketchState.SUBMITTED
    assert str(sketch.registration) == number

    # --- The fund administrator records the meeting and the decision ----------------------
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    meeting_pk = record_meeting(admin, [conflicted, *free])
    open_decision_form(admin, meeting_pk, sketch_pk)
    apage = admin.page
    conflicted_list = apage.locator("#conflicted-members li")
    expect(conflicted_list).to_have_count(1)
    expect(conflicted_list).to_have_text(conflicted.full_name)
    # Only the two members free of conflict are asked about declared conflicts.
    for member in free:
        expect(apage.locator(f"#id_conflict_{member.pk}")).to_have_count(1)
    expect(apage.locator(f"#id_conflict_{conflicted.pk}")).to_have_count(0)
    reason = "Idén stämmer väl med utlysningen; samverkan över förvaltningsgränser."
    record_decision(admin, "applicable", reason)
    assert apage.url.endswith(f"/council/meetings/{meeting_pk}/"), apage.url
    expect(apage.locator(f"#decision-table a[href='/sketches/{sketch_pk}/']")).to_have_count(1)
    expect(apage.locator("#waiting-table")).to_have_count(0)
    sketch.refresh_from_db()
    assert sketch.state == SketchState.APPLICABLE
    decision = sketch.decisions.get()
    assert set(decision.taking_part.all()) == set(free)
    assert [c.member for c in decision.conflicts.all()] == [conflicted]
    assert decision.conflicts.get().kind == "organisation"

    # --- The applicant sees the outcome and writes the application ---------------------------
    ada.goto(f"/sketches/{sketch_pk}/", "sketch judged applicable")
    expect(page.locator("#sketch-status")).to_have_class(re.compile(r"status-badge--applicable"))
    latest = page.locator("#latest-decision")
    expect(latest).to_be_visible()
    expect(latest).to_contain_text(reason)
    click_and_check(
        ada, f"main form[action='/sketches/{sketch_pk}/apply/'] button", "application started"
    )
    application = Application.objects.get(sketch=sketch)
    edit_url = f"/applications/{application.pk}/edit/"
    assert page.url.endswith(edit_url), page.url
    # Prefilled from the sketch.
    assert page.locator("#id_title").input_value() == SKETCH["title"]
    assert page.locator("#id_summary").input_value() == SKETCH["summary"]
    assert page.locator("#id_amount_requested").input_value().replace(NBSP, " ") == "3 000 000"
    for co_owner in (skarpnack, social):
        expect(page.locator(f"input[name=co_owners][value='{co_owner.pk}']")).to_be_checked()
    expect(page.locator(f"input[name=partners][value='{laslust.pk}']")).to_be_checked()

    year = today.year + 1
    page.locator("#id_planned_start").fill(dt.date(year, 1, 1).isoformat())
    page.locator("#id_planned_end").fill(dt.date(year + 1, 12, 31).isoformat())
    page.locator("#id_project_organisation").fill("Projektledare på halvtid i Farsta.")
    page.locator("#id_steering_group").fill("Förvaltningschefernas ledningsgrupp.")
    page.locator("#id_risks").fill("Personalomsättning: två läsombud per förskola.")
    page.locator("#id_evaluation_design").select_option("before_after")
    page.locator("#id_evaluation_design_text").fill("Språkscreening före och efter.")
    page.locator("#id_evaluator").fill("FoU-enheten")
    page.locator("#id_benefits_assumptions").fill("Färre insatser från elevhälsan.")
    page.locator("#id_activities-0-title").fill("Utbilda läsombud")
    page.locator("#id_milestones-0-title").fill("Alla läsombud utbildade")
    page.locator("#id_milestones-0-due_on").fill(dt.date(year, 6, 1).isoformat())
    page.locator("#id_indicators-0-name").fill("Andel barn med godkänd språkscreening")
    page.locator("#id_indicators-0-unit").fill("%")
    page.locator("#id_indicators-0-baseline").fill("60")
    page.locator("#id_indicators-0-target").fill("75")
    page.locator("#id_indicators-0-data_source").fill("BVC")
    savings = [(organisation, year + 2, "500 000"), (skarpnack, year + 3, "250 000")]
    for row, (benefiting, saving_year, amount) in enumerate(savings):
        page.locator(f"#id_savings-{row}-organisation").select_option(str(benefiting.pk))
        page.locator(f"#id_savings-{row}-year").fill(str(saving_year))
        page.locator(f"#id_savings-{row}-amount").fill(amount)
    budget = [
        (year, organisation, "develop", "fund", "1,5"),  # not whole kronor: refused
        (year + 1, skarpnack, "evaluate", "fund", "1 000 000"),
    ]
    for row, (budget_year, recipient, cost_type, source, amount) in enumerate(budget):
        page.locator(f"#id_budget-{row}-year").fill(str(budget_year))
        page.locator(f"#id_budget-{row}-recipient").select_option(str(recipient.pk))
        page.locator(f"#id_budget-{row}-cost_type").select_option(cost_type)
        page.locator(f"#id_budget-{row}-funding_source").select_option(source)
        page.locator(f"#id_budget-{row}-amount").fill(amount)
    ada.check("application filled in, a decimal amount")
    ada.submit("application refused: decimal amount")
    assert page.url.endswith(edit_url), page.url
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_budget-0-amount']")).to_have_count(1)
    amount = page.locator("#id_budget-0-amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    # The field names its error message, so that a screen reader reads it with the field.
    described_by = amount.get_attribute("aria-describedby") or ""
    assert described_by, "the refused amount does not point to its error message"
    expect(page.locator(f"[id='{described_by}']")).to_have_count(1)
    expect(page.locator(f"[id='{described_by}']")).not_to_be_empty()
    # What was typed is kept, everywhere on the page.
    assert page.locator("#id_budget-0-amount").input_value() == "1,5"
    assert page.locator("#id_budget-0-recipient").input_value() == str(organisation.pk)
    assert page.locator("#id_budget-1-recipient").input_value() == str(skarpnack.pk)
    assert page.locator("#id_savings-1-organisation").input_value() == str(skarpnack.pk)
    assert page.locator("#id_savings-1-amount").input_value().replace(NBSP, " ") == "250 000"
    assert page.locator("#id_indicators-0-data_source").input_value() == "BVC"
    assert page.locator("#id_milestones-0-due_on").input_value() == f"{year}-06-01"
    assert page.locator("#id_evaluator").input_value() == "FoU-enheten"
    assert page.locator("#id_planned_end").input_value() == f"{year + 1}-12-31"
    application.refresh_from_db()
    assert application.planned_start is None  # nothing was saved
    assert not application.budget.exists()
    assert not application.savings.exists()

    page.locator("#id_budget-0-amount").fill("2 000 000")
    ada.submit("application saved")
    assert page.url.endswith(f"/applications/{application.pk}/"), page.url
    expect(page.locator("#submit-problems")).to_have_count(0)
    assert text(page.locator("#amount-requested")) == "3 000 000 kr"
    application.refresh_from_db()
    assert sorted(r.amount for r in application.budget.all()) == [1_000_000, 2_000_000]
    assert application.savings.count() == 2

    click_and_check(ada, f"main a[href='/applications/{application.pk}/submit/']", "submit form")
    expect(page.locator("#submit-problems")).to_have_count(0)
    double_click_and_check(ada, "main form[method=post] button[type=submit]", "application receipt")
    assert page.url.endswith(f"/applications/{application.pk}/versions/1/?receipt=1"), page.url
    expect(page.locator("#receipt")).to_be_visible()
    assert page.locator("#registration-number").inner_text() == number
    assert ApplicationVersion.objects.filter(application=application).count() == 1

    # --- The fund administrator returns it for revision ------------------------------------
    admin.goto(f"/applications/{application.pk}/", "submitted application")
    click_and_check(
        admin, f"main a[href='/applications/{application.pk}/revision/']", "revision form"
    )
    message = "Budgeten för år ett är för låg för två läsombud per förskola."
    apage.locator("#id_message").fill(message)
    admin.submit("returned for revision")
    assert apage.url.endswith(f"/applications/{application.pk}/"), apage.url
    expect(apage.locator("#application-status")).to_have_class(
        re.compile(r"status-badge--revision_requested")
    )

    # --- The applicant revises: a budget amount changes, a savings row goes ----------------
    ada.goto(f"/applications/{application.pk}/", "application returned for revision")
    expect(page.locator("#revision-message")).to_contain_text(message)
    click_and_check(ada, f"main a[href='{edit_url}']", "edit the revision")
    budget_row = next(
        i
        for i in range(2)
        if page.locator(f"#id_budget-{i}-recipient").input_value() == str(organisation.pk)
    )
    savings_row = next(
        i
        for i in range(2)
        if page.locator(f"#id_savings-{i}-organisation").input_value() == str(skarpnack.pk)
    )
    page.locator(f"#id_budget-{budget_row}-amount").fill("2 500 000")
    page.locator("#id_amount_requested").fill("3 500 000")
    page.locator(f"#id_savings-{savings_row}-DELETE").check()
    ada.check("revision filled in")
    ada.submit("revision saved")
    assert page.url.endswith(f"/applications/{application.pk}/"), page.url
    expect(page.locator("#submit-problems")).to_have_count(0)
    application.refresh_from_db()
    assert application.amount_requested == 3_500_000
    assert [s.organisation for s in application.savings.all()] == [organisation]

    click_and_check(ada, f"main a[href='/applications/{application.pk}/submit/']", "resubmit")
    double_click_and_check(ada, "main form[method=post] button[type=submit]", "receipt v2")
    assert page.url.endswith(f"/applications/{application.pk}/versions/2/?receipt=1"), page.url
    expect(page.locator("#receipt")).to_be_visible()

    # --- The comparison shows the changed budget row and the removed savings row -----------
    click_and_check(ada, f"main a[href='/applications/{application.pk}/compare/']", "compare")
    changed = page.locator("#diff-budget tr[data-status=changed]")
    expect(changed).to_have_count(1)
    assert "2 000 000 kr" in text(changed)
    assert "2 500 000 kr" in text(changed)
    expect(page.locator("#diff-budget tr[data-status=removed]")).to_have_count(0)
    removed = page.locator("#diff-savings tr[data-status=removed]")
    expect(removed).to_have_count(1)
    assert "250 000 kr" in text(removed)
    assert skarpnack.name in text(removed)
    ada.goto(f"/applications/{application.pk}/compare/?from=1&to=2&all=1", "compare, everything")
    expect(page.locator("#diff-savings tr[data-status=same]")).to_have_count(1)
    expect(page.locator("#diff-budget tr[data-status=same]")).to_have_count(1)

    # Two submissions, each with a double-click: two versions, not four.
    assert ApplicationVersion.objects.filter(application=application).count() == 2
    assert Application.objects.count() == 1


# --- 2. Not applicable, and a new sketch linked to it --------------------------------------


def test_not_applicable_sketch_is_taken_up_in_a_linked_new_sketch(
    visitor, fund, fund_admin, applicant, organisation, today
):
    first_call = open_call(fund, fund_admin, today, "Tidiga insatser 2026")
    second_call = open_call(fund, fund_admin, today, "Trygg uppväxt 2026")
    laslust = factories.OrganisationFactory(
        name="Föreningen Läslust", short_name="Läslust", kind=OrganisationKind.NONPROFIT
    )
    labour = factories.OrganisationFactory(
        name="Arbetsmarknadsnämnden", kind=OrganisationKind.SPECIALIST_COMMITTEE
    )
    members = [
        factories.person(Role.COUNCIL_MEMBER, organisation=labour, name=f"Ledamot {n}")
        for n in (1, 2, 3)
    ]

    ada = visitor("applicant")
    ada.login(applicant.email, factories.PASSWORD)
    start_sketch_from_call(ada, first_call)
    page = ada.page
    fill_sketch(page, SKETCH, partners=[laslust])
    ada.submit("sketch saved")
    old_pk = pk_from(page.url, r"/sketches/(\d+)/$")
    submit_sketch(ada, old_pk)

    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    meeting_pk = record_meeting(admin, members)
    open_decision_form(admin, meeting_pk, old_pk)
    expect(admin.page.locator("#conflicted-members")).to_have_count(0)
    reason = "Insatsen ingår redan i förskolans ordinarie uppdrag och är inte en investering."
    record_decision(admin, "not_applicable", reason)
    old = IdeaSketch.objects.get(pk=old_pk)
    assert old.state == SketchState.NOT_APPLICABLE

    # --- The applicant sees the reason and starts a new sketch linked to the old one --------
    ada.goto(f"/sketches/{old_pk}/", "sketch judged not applicable")
    expect(page.locator("#sketch-status")).to_have_class(
        re.compile(r"status-badge--not_applicable")
    )
    expect(page.locator("#latest-decision")).to_contain_text(reason)
    follow_up = page.locator("section[aria-labelledby=follow-up-heading]")
    expect(follow_up).to_be_visible()
    for call in (first_call, second_call):
        expect(
            follow_up.locator(f"a[href='/sketches/new/?call={call.pk}&previous={old_pk}']")
        ).to_have_count(1)
    expect(page.locator(f"main a[href='/sketches/{old_pk}/edit/']")).to_have_count(0)
    expect(page.locator(f"main a[href='/sketches/{old_pk}/submit/']")).to_have_count(0)
    click_and_check(
        ada,
        f"section[aria-labelledby=follow-up-heading] "
        f"a[href='/sketches/new/?call={second_call.pk}&previous={old_pk}']",
        "new linked sketch form",
    )
    assert page.locator("main").inner_text().count(reason) == 1  # the council's reason
    expect(page.locator("main .alert-info")).to_contain_text(reason)
    expect(page.locator(f"main a[href='/calls/{second_call.pk}/']")).to_have_count(1)
    for name in ("title", "summary", "problem_and_target_group", "contact_email"):
        assert page.locator(f"#id_{name}").input_value() == SKETCH[name], name
    assert page.locator("#id_estimated_amount").input_value().replace(NBSP, " ") == "3 000 000"
    assert page.locator("#id_owner").input_value() == str(organisation.pk)
    expect(page.locator(f"input[name=partners][value='{laslust.pk}']")).to_be_checked()

    page.locator("#id_title").fill("Läsfrämjande som ny arbetsmetod i Farsta")
    page.locator("#id_complements_ordinary_work").fill(
        "Prövar en ny metod som förskolan inte har i dag; ordinarie arbete tar över efteråt."
    )
    ada.submit("linked sketch saved")
    new_pk = pk_from(page.url, r"/sketches/(\d+)/$")
    assert new_pk != old_pk
    new = IdeaSketch.objects.get(pk=new_pk)
    assert new.previous_id == old_pk
    assert new.call == second_call
    assert new.state == SketchState.DRAFT
    assert new.title == "Läsfrämjande som ny arbetsmetod i Farsta"
    assert new.summary == SKETCH["summary"]
    assert set(new.partners()) == {laslust}
    link_box = page.locator("main .alert-info", has=page.locator(f"a[href='/sketches/{old_pk}/']"))
    expect(link_box).to_have_count(1)
    expect(link_box).to_contain_text(reason)
    expect(link_box).to_contain_text(str(old.registration))

    # The old sketch now points on to the new one.
    ada.goto(f"/sketches/{old_pk}/", "old sketch with its follow-up")
    expect(page.locator(f"main a[href='/sketches/{new_pk}/']")).to_have_count(1)
