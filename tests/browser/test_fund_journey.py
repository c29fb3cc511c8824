"""A fund administrator's journey through calls and the fund's ledger, and what an applicant
sees of the calls: in Chromium with the production CSP and axe on every page.

New strings may not be translated yet, so pages are read by ids, data attributes and addresses
rather than by the visible text of new strings.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from applications.models import Call, CallState
from core.models import EntryKind, Fund, LedgerEntry, Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NBSP = "\u00a0"


def figure(page, name: str) -> str:
    """The text of a figure in the fund's position table, with ordinary spaces."""
    return page.locator(f"#position-table [data-figure='{name}']").inner_text().replace(NBSP, " ")


def ledger_rows(page) -> int:
    return page.locator("#ledger-table tbody tr").count()


def click_and_check(visitor, selector: str, label: str) -> None:
    """Follow a link or press a button found by ``selector``, then check the next page."""
    with visitor.page.expect_navigation():
        visitor.page.locator(selector).first.click()
    visitor.check(label)


def fill_entry(page, *, kind: str, amount: str, value_date: dt.date, reference: str) -> None:
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_amount").fill(amount)
    page.locator("#id_value_date").fill(value_date.isoformat())
    page.locator("#id_reference").fill(reference)


def test_fund_admin_publishes_a_call_and_keeps_the_ledger(visitor, fund_admin, organisation, today):
    fund = Fund.objects.create(
        name="Fonden för sociala investeringar",
        registration_series="SIF",
        started_on=today - dt.timedelta(days=365),
    )
    hidden_draft = Call.objects.create(
        fund=fund,
        title="Utkast som ingen sökande ser",
        description="Ännu inte publicerad.",
        idea_sketch_deadline=today + dt.timedelta(days=60),
        application_deadline=today + dt.timedelta(days=120),
        indicative_budget=5_000_000,
    )
    applicant_user = factories.person(Role.APPLICANT, organisation=organisation, name="Ada Sökande")

    # --- A call: created as a draft, then published -------------------------------------------
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    admin.goto("/calls/", "calls")
    click_and_check(admin, "main a[href='/calls/new/']", "new call form")
    page = admin.page
    assert page.locator("#id_fund").input_value() == str(fund.pk)  # the only fund is chosen
    sketch_deadline = today + dt.timedelta(days=30)
    application_deadline = today + dt.timedelta(days=90)
    page.locator("#id_title").fill("Tidiga insatser för barn och unga 2026")
    page.locator("#id_description").fill(
        "Utlysningen gäller insatser som förebygger utanförskap bland barn och unga."
    )
    page.locator("#id_idea_sketch_deadline").fill(sketch_deadline.isoformat())
    page.locator("#id_application_deadline").fill(application_deadline.isoformat())
    page.locator("#id_indicative_budget").fill("40 000 000")
    page.locator("input[name=decision_route][value=four_month_report]").check()
    admin.check("new call form filled in")
    admin.submit("call saved as draft")

    call = Call.objects.exclude(pk=hidden_draft.pk).get()
    assert re.search(rf"/calls/{call.pk}/$", page.url), page.url
    assert call.state == CallState.DRAFT
    assert call.indicative_budget == 40_000_000
    assert call.idea_sketch_deadline == sketch_deadline
    assert call.application_deadline == application_deadline
    assert call.decision_route == "four_month_report"
    expect(page.locator("#call-status")).to_have_class(re.compile(r"status-badge--draft"))
    main = page.inner_text("main").replace(NBSP, " ")
    assert "40 000 000 kr" in main
    assert sketch_deadline.isoformat() in main
    assert application_deadline.isoformat() in main

    click_and_check(admin, f"main form[action='/calls/{call.pk}/publish/'] button", "published")
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    assert call.published_at is not None
    assert page.url.endswith(f"/calls/{call.pk}/")
    expect(page.locator("#call-status")).to_have_class(re.compile(r"status-badge--published"))
    assert page.locator(f"form[action='/calls/{call.pk}/publish/']").count() == 0

    admin.goto("/calls/", "calls with the published one")
    call_table = page.locator("#call-table")
    expect(call_table.locator(f"a[href='/calls/{call.pk}/']")).to_have_count(1)
    expect(call_table.locator(f"a[href='/calls/{hidden_draft.pk}/']")).to_have_count(1)

    # --- The fund: an injection, first with an amount that is not whole kronor ----------------
    admin.goto("/funds/", "funds")
    click_and_check(admin, f"main a[href='/funds/{fund.pk}/']", "fund before any entry")
    assert figure(page, "available") == "0 kr"
    assert page.locator("#ledger-table").count() == 0  # the ledger is empty

    entry_form = f"/funds/{fund.pk}/entries/new/"
    click_and_check(admin, f"main a[href='{entry_form}']", "new entry form")
    injection_date = today - dt.timedelta(days=30)
    reference = "KF 2025-06-15 § 12"
    fill_entry(
        page,
        kind=EntryKind.INJECTION,
        amount="1,5",
        value_date=injection_date,
        reference=reference,
    )
    admin.submit("entry with a decimal amount refused")
    assert page.url.endswith(entry_form), page.url
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_amount']")).to_have_count(1)
    expect(page.locator("#id_amount")).to_have_class(re.compile(r"is-invalid"))
    assert page.locator("#id_reference").input_value() == reference  # what was typed is kept
    assert page.locator("#id_kind").input_value() == EntryKind.INJECTION
    assert page.locator("#id_amount").input_value() == "1,5"
    assert not LedgerEntry.objects.exists()

    page.locator("#id_amount").fill("300 000 000")
    admin.submit("injection entered")
    assert page.url.endswith(f"/funds/{fund.pk}/"), page.url
    injection = LedgerEntry.objects.get()
    assert injection.kind == EntryKind.INJECTION
    assert injection.amount == 300_000_000
    assert injection.value_date == injection_date
    assert injection.reference == reference
    assert figure(page, "I") == "300 000 000 kr"
    assert figure(page, "balance") == "300 000 000 kr"
    assert figure(page, "available") == "300 000 000 kr"
    assert ledger_rows(page) == 1
    assert reference in page.inner_text("#ledger-table")

    # --- A withdrawal of more than is available is refused --------------------------------------
    click_and_check(admin, f"main a[href='{entry_form}']", "withdrawal form")
    fill_entry(
        page,
        kind=EntryKind.WITHDRAWAL,
        amount="300 000 001",
        value_date=today,
        reference="KF 2026-01-20 § 4",
    )
    admin.submit("withdrawal beyond available refused")
    assert page.url.endswith(entry_form), page.url
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("[data-error-summary] a[href='#id_amount']")).to_have_count(1)
    assert page.locator("#id_amount").input_value().replace(NBSP, " ") == "300 000 001"
    assert LedgerEntry.objects.count() == 1
    admin.goto(f"/funds/{fund.pk}/", "fund after the refused withdrawal")
    assert ledger_rows(page) == 1
    assert figure(page, "available") == "300 000 000 kr"

    # --- The injection is reversed with a reason --------------------------------------------------
    reverse_url = f"/funds/{fund.pk}/entries/{injection.pk}/reverse/"
    click_and_check(admin, f"#ledger-table a[href='{reverse_url}']", "reverse form")
    page.locator("#id_reason").fill("Fel belopp: beslutet gällde en annan fond.")
    admin.submit("injection reversed")
    assert page.url.endswith(f"/funds/{fund.pk}/"), page.url
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversal.reverses_id == injection.pk
    assert figure(page, "I") == "0 kr"
    assert figure(page, "available") == "0 kr"
    assert ledger_rows(page) == 2
    assert page.locator(f"#ledger-table a[href='{reverse_url}']").count() == 0
    assert "Fel belopp" in page.inner_text("#ledger-table")

    # --- An applicant sees the published call, not the drafts -----------------------------------
    applicant = visitor("applicant")
    applicant.login(applicant_user.email, factories.PASSWORD)
    applicant.goto("/calls/", "calls for an applicant")
    applicant_table = applicant.page.locator("#call-table")
    expect(applicant_table.locator(f"a[href='/calls/{call.pk}/']")).to_have_count(1)
    expect(applicant_table.locator(f"a[href='/calls/{hidden_draft.pk}/']")).to_have_count(0)
    assert hidden_draft.title not in applicant.page.inner_text("main")
    assert applicant.page.locator("main a[href='/calls/new/']").count() == 0
    click_and_check(applicant, f"#call-table a[href='/calls/{call.pk}/']", "published call")
    assert applicant.page.locator("form[action$='/publish/']").count() == 0
    applicant.goto(f"/calls/{hidden_draft.pk}/", "a draft is not found", expect_status=404)
