"""The project's life, every step in the browser by the person who takes it. It continues the
decision journey from a board's grant (made by the services): the owner's staff name the project
manager, deputy and a steering-group member; a fund administrator checks off the board's
conditions, starts the project and pays two recipients (a payment above the budget refused with
the figures, what was typed kept; a double-click paying once) and records a refund; the project
manager follows the reminder e-mail to an overdue progress report, writes and submits it and a
second one; the city director reviews one and returns the other, which is completed and sent
again; the project manager asks to end the investment phase early, the change is approved and
the versions compared; a co-owner comments; the phase ends, what is left is released, and the
evaluation records savings in two organisations that do not own the project. At the end the
project page's figures and the fund's position equal sums of the raw ledger rows.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import EntryKind, LedgerEntry, OutboundEmail, Role
from projects import services
from projects.models import ChangeRequest, ProgressReport
from tests import factories
from tests.browser.test_intake_journey import click_and_check, double_click_and_check, text
from tests.projects import conftest as project_fixtures
from tests.projects.conftest import GRANTED, NEXT, YEAR, grant

# The projects tests' fixtures: a grant's application, its people and organisations.
application = project_fixtures.application
applicable_sketch = project_fixtures.applicable_sketch
sketch = project_fixtures.sketch
open_call = project_fixtures.open_call
co_owner_org = project_fixtures.co_owner_org
nonprofit = project_fixtures.nonprofit
council = project_fixtures.council
meeting = project_fixtures.meeting
social = project_fixtures.social
education = project_fixtures.education
secretary = project_fixtures.secretary
manager = project_fixtures.manager
deputy = project_fixtures.deputy

pytestmark = pytest.mark.django_db(transaction=True)


def _kr(value: str) -> int:
    """An amount as the page shows it (``1 234 567 kr``) in whole kronor."""
    return int(re.sub(r"[^\d−-]", "", value).replace("−", "-"))


def _raw(project) -> dict:
    """The project's sums, computed here from its raw ledger rows (reversals cancel)."""
    sums = dict.fromkeys(EntryKind.values, 0)
    for entry in LedgerEntry.objects.filter(case=project.registration).select_related("reverses"):
        if entry.kind == EntryKind.REVERSAL:
            sums[entry.reverses.kind] -= entry.amount
        else:
            sums[entry.kind] += entry.amount
    paid = sums[EntryKind.DISBURSEMENT] - sums[EntryKind.REFUND]
    return {
        "granted": sums[EntryKind.GRANT],
        "released": sums[EntryKind.RELEASE],
        "paid": paid,
        "left": sums[EntryKind.GRANT] - sums[EntryKind.RELEASE] - paid,
    }


def _fund_available(fund) -> int:
    total = 0
    sign = {
        EntryKind.INJECTION: 1,
        EntryKind.WITHDRAWAL: -1,
        EntryKind.GRANT: -1,
        EntryKind.RELEASE: 1,
        EntryKind.FUND_EXPENSE: -1,
        EntryKind.RETURN: 1,
    }
    for entry in LedgerEntry.objects.filter(fund=fund).select_related("reverses"):
        if entry.kind == EntryKind.REVERSAL:
            total -= sign.get(entry.reverses.kind, 0) * entry.amount
        else:
            total += sign.get(entry.kind, 0) * entry.amount
    return total


def _pay(admin, project, year, recipient, amount, label, *, double=False):
    admin.goto(f"/projects/{project.pk}/money/disburse/", f"{label} form")
    page = admin.page
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_recipient").select_option(str(recipient.pk))
    page.locator("#id_amount").fill(amount)
    page.locator("#id_note").fill(label)
    if double:
        double_click_and_check(admin, "main form[method=post] button[type=submit]", label)
    else:
        admin.submit(label)


def test_a_project_from_the_grant_to_its_evaluation(
    visitor,
    application,
    applicant,
    fund_admin,
    city_director,
    secretary,
    meeting,
    council,
    co_owner_org,
    social,
    education,
    manager,
    deputy,
):
    project = grant(
        application,
        applicant=applicant,
        admin=fund_admin,
        director=city_director,
        secretary=secretary,
        meeting=meeting,
        member=council[0],
        co_owner=co_owner_org,
        social=social,
        education=education,
    )
    owner = project.owner
    base = f"/projects/{project.pk}/"

    # --- The owner's staff name the project's people --------------------------------------
    owner_staff = visitor("owner staff", narrow=True)
    owner_staff.login_as(applicant)
    owner_staff.goto(base, "project, nobody appointed")
    expect(owner_staff.page.locator("#project-manager")).to_contain_text("Ej tillsatt")
    for role, person in (("manager", manager), ("deputy", deputy)):
        click_and_check(owner_staff, f"main a[href='{base}people/']", f"name the {role}")
        owner_staff.page.locator("#id_role").select_option(role)
        owner_staff.page.locator("#id_person").select_option(str(person.pk))
        owner_staff.page.locator("#id_organisation").select_option(str(owner.pk))
        owner_staff.submit(f"{role} named")
    owner_staff.goto(f"{base}people/", "steering group member")
    owner_staff.page.locator("#id_role").select_option("steering")
    owner_staff.page.locator("#id_name").fill("Stina Styrgrupp")
    owner_staff.page.locator("#id_organisation").select_option(str(co_owner_org.pk))
    owner_staff.submit("steering group member named")
    expect(owner_staff.page.locator("#project-manager")).to_contain_text(manager.full_name)
    expect(owner_staff.page.locator("#people")).to_contain_text("Stina Styrgrupp")

    # --- The fund administrator: conditions, start, payments, a refund ---------------------
    admin = visitor("fund administrator")
    admin.login_as(fund_admin)
    admin.goto(base, "project with conditions unmet")
    expect(admin.page.locator("#start-refusal")).to_contain_text("Projektledare ska vara utsedd.")
    for number, condition in enumerate(project.conditions.all(), start=1):
        click_and_check(
            admin, f"main a[href='{base}conditions/{condition.pk}/']", f"condition {number}"
        )
        admin.page.locator("#id_note").fill(f"Kontrollerat ({number}).")
        admin.submit(f"condition {number} met")
    click_and_check(admin, f"main a[href='{base}start/']", "start the project")
    admin.submit("project started")
    expect(admin.page.locator("#project-status")).to_contain_text("Pågår")

    _pay(admin, project, YEAR, owner, "2 500 000", "payment above the budget")
    expect(admin.page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("kvar")
    assert admin.page.locator("#id_amount").input_value() == "2 500 000"
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()
    admin.page.locator("#id_amount").fill("1 200 000")
    admin.submit("first payment, to the owner")
    _pay(admin, project, YEAR, co_owner_org, "400 000", "second payment, co-owner", double=True)
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 2
    admin.goto(f"{base}money/refund/", "refund form")
    admin.page.locator("#id_year").select_option(str(YEAR))
    admin.page.locator("#id_recipient").select_option(str(co_owner_org.pk))
    admin.page.locator("#id_amount").fill("50 000")
    admin.submit("refund recorded")
    row = admin.page.locator(
        f"#money-table tr[data-year='{YEAR}'][data-recipient='{co_owner_org.pk}']"
    )
    assert _kr(text(row.locator("[data-cell=disbursed]"))) == 400_000
    assert _kr(text(row.locator("[data-cell=refunded]"))) == 50_000
    assert _kr(text(row.locator("[data-cell=left]"))) == 650_000

    # --- Progress reports: the reminder e-mail leads the project manager to the report -----
    services.progress_reports_create_due(today=dt.date(YEAR, 9, 1))
    first, second = ProgressReport.objects.filter(project=project).order_by("period_end")
    assert services.progress_reminders_send() == 2
    reminders = OutboundEmail.objects.filter(kind="report_overdue").order_by("pk")
    assert {address for e in reminders for address in e.to} == {manager.email, deputy.email}
    reminder = next(e for e in reminders if e.to == [manager.email])
    link = re.search(r"/projects/\d+/reports/\d+/", reminder.body).group(0)
    lead = visitor("project manager", narrow=True)
    lead.login_as(manager)
    lead.goto(link, "report from the reminder")
    expect(lead.page.locator("#report-overdue")).to_be_visible()
    for report in (first, second):
        lead.goto(f"{base}reports/{report.pk}/edit/", f"write report {report.period_end}")
        lead.page.locator("#id_narrative").fill(f"Läsombud utbildade ({report.period_end}).")
        lead.page.locator(f"#id_spend_{owner.pk}").fill("900 000")
        lead.page.locator(f"#id_spend_{co_owner_org.pk}").fill("300 000")
        indicator = project.indicators.get()
        lead.page.locator(f"#id_value_{indicator.pk}").fill("66,5")
        lead.submit(f"report {report.period_end} saved")
        click_and_check(
            lead, f"main a[href='{base}reports/{report.pk}/submit/']", "submit the report"
        )
        lead.submit(f"report {report.period_end} submitted")
        expect(lead.page.locator("#report-status")).to_contain_text("Inlämnad")
    director = visitor("city director")
    director.login_as(city_director)
    director.goto(f"{base}reports/{first.pk}/review/", "review the first report")
    director.submit("first report reviewed")
    director.goto(f"{base}reports/{second.pk}/return/", "return the second report")
    director.page.locator("#id_reason").fill("Beskriv avvikelserna.")
    director.submit("second report returned")
    lead.goto(f"{base}reports/{second.pk}/edit/", "complete the returned report")
    lead.page.locator("#id_deviations").fill("Rekryteringen tog längre tid.")
    lead.submit("returned report completed")
    lead.goto(f"{base}reports/{second.pk}/submit/", "send it again")
    lead.submit("report submitted again")
    second.refresh_from_db()
    assert second.state == "submitted"

    # --- A change: the investment phase ends early, the budget for next year goes --------
    lead.goto(base, "project page for the project manager")
    click_and_check(lead, "main form[action$='/changes/new/change/'] button", "change request form")
    change = ChangeRequest.objects.get(project=project)
    lead.page.locator("#id_reason").fill("Målgruppen nåddes redan i år; vi avslutar tidigare.")
    lead.page.locator("#id_ends_on").fill(timezone.localdate().isoformat())
    for number, line in enumerate(change.budget.order_by("year", "recipient__name", "cost_type")):
        if line.year == NEXT:
            lead.page.locator(f"#id_budget-{number}-DELETE").check()
    lead.submit("change saved")
    click_and_check(lead, f"main a[href='{base}changes/{change.pk}/submit/']", "send the change")
    lead.submit("change sent")
    admin.goto(f"{base}changes/{change.pk}/", "change to decide")
    expect(admin.page.locator(".diff-removed").first).to_be_visible()
    click_and_check(admin, f"main a[href='{base}changes/{change.pk}/approve/']", "approve form")
    admin.submit("change approved")
    admin.goto(f"{base}versions/compare/", "versions compared")
    expect(admin.page.locator("#change-count")).to_contain_text("1 → 2")

    # --- A co-owner comments -----------------------------------------------------------------
    co_owner = factories.person(Role.APPLICANT, organisation=co_owner_org, name="Cia Delägare")
    commenter = visitor("co-owner")
    commenter.login_as(co_owner)
    commenter.goto(base, "project for the co-owner")
    commenter.page.locator("#comments-text").fill("Skarpnäck vill vara med i uppföljningen.")
    commenter.submit("comment added", button="Lägg till kommentaren")
    expect(commenter.page.locator("#comments")).to_contain_text("Skarpnäcks stadsdelsnämnd")

    # --- The phase ends, what is left is released, the evaluation -------------------------
    admin.goto(f"{base}phase-end/", "end the phase")
    admin.submit("phase ended")
    admin.goto(f"{base}money/release/", "release what is left")
    left = GRANTED - 1_550_000
    assert _kr(admin.page.locator("#id_amount").input_value()) == left
    admin.page.locator("#id_reason").fill("Projektet avslutades i förtid.")
    admin.submit("released")
    admin.goto(f"{base}evaluation/edit/", "write the evaluation")
    page = admin.page
    page.locator("#id_design").select_option("before_after")
    page.locator("#id_results").fill("Färre barn behövde särskilt stöd.")
    page.locator("input[name=economic_effects][value=yes]").check()
    for number, (organisation, amount) in enumerate(((social, "600 000"), (education, "300 000"))):
        page.locator(f"#id_savings-{number}-organisation").select_option(str(organisation.pk))
        page.locator(f"#id_savings-{number}-year").fill(str(YEAR + 2))
        page.locator(f"#id_savings-{number}-amount").fill(amount)
    admin.submit("evaluation saved")
    told = [
        factories.person(Role.APPLICANT, organisation=social, name="Siv Social"),
        factories.person(Role.APPLICANT, organisation=education, name="Ulf Utbildning"),
    ]
    click_and_check(admin, f"main a[href='{base}evaluation/complete/']", "complete the evaluation")
    admin.submit("evaluation completed")
    project.refresh_from_db()
    assert project.state == "evaluated"
    # The benefiting organisations' people are told, each of their own organisation's savings.
    notices = OutboundEmail.objects.filter(kind="evaluation_completed")
    assert sorted(address for e in notices for address in e.to) == sorted(p.email for p in told)
    assert any("Socialnämnden (600 000 kr)" in re.sub(r"\s", " ", e.body) for e in notices)
    reader = visitor("benefiting organisation")
    reader.login_as(told[1])
    reader.goto(f"{base}evaluation/", "evaluation for a benefiting organisation")
    expect(reader.page.locator("main")).to_contain_text("Utbildningsnämnden")

    # --- The figures reconcile to the krona ---------------------------------------------------
    admin.goto(base, "project at the end")
    raw = _raw(project)
    assert raw == {"granted": GRANTED, "released": left, "paid": 1_550_000, "left": 0}
    for figure, amount in raw.items():
        shown = text(admin.page.locator(f"#money-figures [data-figure={figure}]"))
        assert _kr(shown) == amount, figure
    fund = project.registration.fund
    admin.goto(f"/funds/{fund.pk}/", "fund position")
    assert _kr(text(admin.page.locator("[data-figure=available]"))) == _fund_available(fund)
    assert fund.position().available == _fund_available(fund)
