"""Review and decision, every step in the browser by the person who takes it. It continues the
intake journey (test_intake_journey.py) from a submitted joint application: assignment (a
member of a co-owner refused), scientific review, revision with the statement attached,
scoring by three council members, the council's recommendation, the proposal approved by the
city director's delegate, the board's reduced grant, and the ledger's grant entry with the
fund's available amount as the fund page shows it, checked against raw ledger entries.

Pages are read by ids, data attributes and addresses, and by the texts the test itself typed.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from applications import services
from applications.models import (
    Application,
    ApplicationState,
    BoardDecision,
    Proposal,
    ReviewAssignment,
    Score,
)
from core.models import EntryKind, LedgerEntry, OrganisationKind, Role
from core.services.delegations import delegation_create
from core.services.ledger import ledger_entry_record
from projects.models import Project
from tests import factories
from tests.applications.conftest import COMPLETE_FIELDS, SKETCH_FIELDS, complete_rows
from tests.browser.test_intake_journey import NBSP, click_and_check, double_click_and_check, text

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENT_EVIDENCE = "Läsombud har stöd i flera svenska studier av tidig språkutveckling."
STATEMENT_EVALUATION = "Före- och eftermätning räcker inte: lägg till en jämförelsegrupp."
SCORE_COMMENT = "Tydlig koppling till målen"


def _submitted_application(fund, fund_admin, applicant, organisation, skarpnack, laslust, today):
    """The end of the intake journey, by the services: a joint application submitted."""
    call = services.call_publish(
        actor=fund_admin,
        call=services.call_create(
            actor=fund_admin,
            fund=fund,
            title="Tidiga insatser för barn och unga",
            description="Insatser som förebygger utanförskap.",
            idea_sketch_deadline=today + dt.timedelta(days=10),
            application_deadline=today + dt.timedelta(days=40),
            indicative_budget=20_000_000,
            decision_route="own_proposal",
        ),
    )
    sketch = services.idea_sketch_create(
        actor=applicant,
        call=call,
        owner=organisation,
        co_owners=[skarpnack],
        partners=[laslust],
        **SKETCH_FIELDS,
    )
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    labour = factories.OrganisationFactory(
        name="Arbetsmarknadsnämnden", kind=OrganisationKind.SPECIALIST_COMMITTEE
    )
    members = [
        factories.person(Role.COUNCIL_MEMBER, organisation=labour, name=f"Ledamot {n}")
        for n in (1, 2, 3)
    ]
    meeting = services.council_meeting_create(
        actor=fund_admin, fund=fund, held_on=today, members=members
    )
    services.applicability_decide(
        actor=fund_admin, sketch=sketch, meeting=meeting, outcome="applicable", reason="Bra."
    )
    application = services.application_create(actor=applicant, sketch=sketch)
    year = today.year
    services.application_update(
        actor=applicant,
        application=application,
        co_owners=[skarpnack],
        partners=[laslust],
        rows=complete_rows(application, year),
        planned_start=dt.date(year, 1, 1),
        planned_end=dt.date(year, 12, 31),
        amount_requested=3_000_000,
        **COMPLETE_FIELDS,
    )
    services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    return application, members, meeting


def _assign(admin, application, person, kind: str, label: str) -> None:
    page = admin.page
    click_and_check(
        admin, f"main a[href='/applications/{application.pk}/review/assign/']", label + " form"
    )
    page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("#id_reviewer").select_option(str(person.pk))
    admin.submit(label)


def _declare(visitor, assignment) -> None:
    visitor.goto(f"/reviews/{assignment.pk}/", "assignment: declare first")
    visitor.page.locator("input[name=conflict][value=no]").check()
    visitor.submit("declared no conflict", button=None)


def _fill_score(page, points: int, comment: str, *, skip_comment: int | None = None) -> None:
    for n in range(1, 6):
        page.locator(f"input[name=met_{n}][value=yes]").check()
        page.locator(f"input[name=points_{n}][value='{points}']").check()
        page.locator(f"#id_comment_{n}").fill("" if n == skip_comment else f"{comment} ({n})")
    page.locator("input[name=suggested_outcome][value=grant]").check()
    page.locator("#id_suggested_amount").fill("3 000 000")


def test_review_recommendation_proposal_and_board_decision(
    visitor, fund, fund_admin, applicant, organisation, city_director, today
):
    skarpnack = factories.OrganisationFactory(
        name="Skarpnäcks stadsdelsnämnd", short_name="Skarpnäck"
    )
    laslust = factories.OrganisationFactory(
        name="Föreningen Läslust", short_name="Läslust", kind=OrganisationKind.NONPROFIT
    )
    ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=20_000_000,
        value_date=today - dt.timedelta(days=30),
        reference="KF 2015-06-15 § 12",
        by_hand=True,
    )
    application, members, meeting = _submitted_application(
        fund, fund_admin, applicant, organisation, skarpnack, laslust, today
    )
    karin = factories.person(Role.COUNCIL_MEMBER, organisation=skarpnack, name="Karin Skarpnäck")
    vera = factories.person(Role.SCIENTIFIC_REVIEWER, name="Vera Vetenskap")
    delegate = factories.person(name="Dora Delegat")
    delegation_create(
        actor=city_director,
        delegate=delegate,
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
    )
    secretary = factories.person(Role.BOARD_SECRETARY, name="Bo Sekreterare")

    # --- Assignment: a member of the co-owner is not offered, and the form says why ---------
    admin = visitor("admin")
    admin.login(fund_admin.email, factories.PASSWORD)
    admin.goto(f"/applications/{application.pk}/", "submitted application")
    click_and_check(admin, f"main a[href='/applications/{application.pk}/review/']", "review")
    apage = admin.page
    expect(apage.locator("#no-scores")).to_be_visible()
    click_and_check(
        admin,
        f"main a[href='/applications/{application.pk}/review/assign/']",
        "conflicting member not offered",
    )
    assert apage.locator(f"#id_reviewer option[value='{karin.pk}']").count() == 0
    help_text = apage.locator("#id_reviewer_helptext")
    expect(help_text).to_contain_text(karin.full_name)
    expect(help_text).to_contain_text(skarpnack.name)
    assert not ReviewAssignment.objects.exists()
    admin.goto(f"/applications/{application.pk}/review/", "review, nobody assigned")
    for member in members:
        _assign(admin, application, member, "council", f"{member.full_name} assigned")
    _assign(admin, application, vera, "scientific", "scientific reviewer assigned")
    expect(apage.locator("#assignment-table tbody tr")).to_have_count(4)

    # --- Scientific review ------------------------------------------------------------------
    reviewer = visitor("reviewer")
    reviewer.login(vera.email, factories.PASSWORD)
    vera_assignment = ReviewAssignment.objects.get(reviewer=vera)
    expect(reviewer.page.locator(f"main a[href='/reviews/{vera_assignment.pk}/']")).to_have_count(
        1
    )  # on her start page
    _declare(reviewer, vera_assignment)
    vera_assignment.refresh_from_db()
    assert vera_assignment.declared_at is not None
    assert vera_assignment.declaration
    rpage = reviewer.page
    click_and_check(
        reviewer, f"main a[href='/reviews/{vera_assignment.pk}/statement/']", "statement form"
    )
    rpage.locator("#id_evidence").fill(STATEMENT_EVIDENCE)
    rpage.locator("#id_evaluation").fill(STATEMENT_EVALUATION)
    reviewer.submit("statement submitted")

    # --- Revision asked for with the statement attached ------------------------------------
    admin.goto(f"/applications/{application.pk}/revision/", "revision form with statements")
    apage.locator("#id_message").fill("Lägg till en jämförelsegrupp i utvärderingen.")
    apage.locator("input[name=statements]").first.check()
    admin.submit("returned with the statement")

    ada = visitor("applicant")
    ada.login(applicant.email, factories.PASSWORD)
    ada.goto(f"/applications/{application.pk}/", "returned, with the statement")
    page = ada.page
    expect(page.locator("#shared-statement-1")).to_have_count(1)
    body = text(page.locator("main"))
    assert STATEMENT_EVALUATION in body
    assert vera.full_name not in body  # without the reviewer's name
    click_and_check(ada, f"main a[href='/applications/{application.pk}/edit/']", "revise")
    page.locator("#id_evaluation_design").select_option("comparison_group")
    page.locator("#id_evaluation_design_text").fill("Jämförelse med två andra stadsdelar.")
    ada.submit("revision saved")
    click_and_check(ada, f"main a[href='/applications/{application.pk}/submit/']", "resubmit")
    double_click_and_check(ada, "main form[method=post] button[type=submit]", "receipt v2")
    application.refresh_from_db()
    assert application.current_version == 2

    # The reviewer is pointed to the new version and what changed.
    reviewer.goto(f"/reviews/{vera_assignment.pk}/", "assignment: new version")
    expect(rpage.locator("#new-version")).to_be_visible()
    click_and_check(reviewer, "#new-version a", "what changed")
    expect(rpage.locator("main")).to_contain_text("Jämförelse med två andra stadsdelar.")

    # --- Three members score version 2 ------------------------------------------------------
    for number, member in enumerate(members):
        person = visitor(f"member-{number + 1}")
        person.login(member.email, factories.PASSWORD)
        assignment = ReviewAssignment.objects.get(reviewer=member)
        _declare(person, assignment)
        # Before scoring: no one else's scores or names on the review page.
        person.goto(f"/applications/{application.pk}/review/", "review before own score")
        body = text(person.page.locator("main"))
        assert SCORE_COMMENT not in body
        for other in members:
            if other != member:
                assert other.full_name not in body
        person.goto(f"/reviews/{assignment.pk}/score/", "score form")
        ppage = person.page
        _fill_score(ppage, 3 + number % 3, SCORE_COMMENT, skip_comment=5 if number == 0 else None)
        if number == 0:
            person.submit("score refused: a comment missing")
            expect(ppage.locator("[data-error-summary] a[href='#id_comment_5']")).to_have_count(1)
            assert ppage.locator("#id_comment_1").input_value() == f"{SCORE_COMMENT} (1)"
            assert not Score.objects.exists()
            ppage.locator("#id_comment_5").fill(f"{SCORE_COMMENT} (5)")
        double_click_and_check(person, "main form[method=post] button[type=submit]", "scored")
        assert person.page.url.endswith(f"/applications/{application.pk}/review/")
        expect(ppage.locator("#score-table thead th")).to_have_count(1 + (number + 1) + 2)
        person.close()
    assert Score.objects.filter(version=2).count() == 3
    # The spread of 3, 4 and 5 is 2: the administrator sees the members disagree.
    admin.goto(f"/applications/{application.pk}/review/", "all scores side by side")
    expect(apage.locator("#score-table tr.score-row--disagree")).to_have_count(5)

    # --- The council's recommendation: a grant with a criterion not met is refused ---------
    click_and_check(
        admin, f"main a[href='/applications/{application.pk}/recommendation/']", "recommend"
    )
    apage.locator("#id_meeting").select_option(str(meeting.pk))
    apage.locator("input[name=outcome][value=grant]").check()
    apage.locator("input[name=met_4][value=no]").check()
    apage.locator("#id_summary").fill("Väl förankrat arbete med tidigt stöd.")
    apage.locator("#id_reasons").fill("Ansökan uppfyller kriterierna efter revideringen.")
    admin.submit("recommendation refused: criterion 4 not met")
    expect(apage.locator("[data-error-summary]")).to_be_visible()
    assert application.__class__.objects.get(pk=application.pk).state == "submitted"
    apage.locator("input[name=met_4][value=yes]").check()
    assert apage.locator("#id_summary").input_value() == "Väl förankrat arbete med tidigt stöd."
    admin.submit("recommendation recorded")
    application.refresh_from_db()
    assert application.state == ApplicationState.RECOMMENDED

    # The applicant sees the recommendation and reasons, never the scores or who scored.
    ada.goto(f"/applications/{application.pk}/", "recommendation seen by the applicant")
    body = text(page.locator("main"))
    assert "Ansökan uppfyller kriterierna efter revideringen." in body
    assert SCORE_COMMENT not in body
    for member in members:
        assert member.full_name not in body
    ada.goto(f"/applications/{application.pk}/review/", "review page", expect_status=404)

    # --- The proposal: prepared, sent, approved by the delegate --------------------------
    admin.goto("/proposals/", "proposals: a call ready")
    admin.submit("proposal prepared")
    proposal = Proposal.objects.get()
    assert apage.url.endswith(f"/proposals/{proposal.pk}/")
    click_and_check(admin, f"main a[href='/proposals/{proposal.pk}/edit/']", "summary form")
    apage.locator("#id_summary").fill("Rådet föreslår att en ansökan beviljas.")
    admin.submit("summary saved")
    admin.submit("sent to the city director", button=None)
    proposal.refresh_from_db()
    assert proposal.state == "submitted"

    dora = visitor("delegate")
    dora.login(delegate.email, factories.PASSWORD)
    expect(dora.page.locator(f"main a[href='/proposals/{proposal.pk}/']")).to_have_count(1)
    dora.goto(f"/proposals/{proposal.pk}/", "proposal with the delegate")
    double_click_and_check(dora, "#approve-button", "proposal approved")
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert proposal.approved_by == delegate
    assert proposal.approved_on_delegation is not None
    expect(dora.page.locator("#approval")).to_contain_text(city_director.full_name)

    # --- The board's decision: a reduced grant whose years must add up -------------------
    bo = visitor("secretary")
    bo.login(secretary.email, factories.PASSWORD)
    item = proposal.items.get()
    bo.goto(f"/proposals/{proposal.pk}/", "approved proposal")
    click_and_check(
        bo, f"main a[href='/proposals/{proposal.pk}/items/{item.pk}/decision/']", "form"
    )
    bpage = bo.page
    year = today.year
    bpage.locator("#id_meeting_date").fill(today.isoformat())
    bpage.locator("#id_paragraph").fill("14")
    bpage.locator("#id_board_reference").fill("KS 2026/1234")
    bpage.locator("input[name=outcome][value=granted_reduced]").check()
    bpage.locator("#id_amount").fill("2 500 000")
    bpage.locator(f"#id_amount_{year}").fill("2 400 000")
    bpage.locator("#id_conditions").fill("Revidera budget och nyttoplan före första utbetalningen.")
    bo.submit("reduced grant refused: years do not add up")
    expect(bpage.locator("[data-error-summary]")).to_contain_text("2 400 000".replace(" ", NBSP))
    assert bpage.locator("#id_board_reference").input_value() == "KS 2026/1234"
    assert not BoardDecision.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.GRANT).exists()
    bpage.locator(f"#id_amount_{year}").fill("2 500 000")
    double_click_and_check(bo, "main form[method=post] button[type=submit]", "decision recorded")
    decision = BoardDecision.objects.get()
    assert decision.amount == 2_500_000
    assert decision.outcome == "granted_reduced"
    assert Application.objects.get(pk=application.pk).state == ApplicationState.GRANTED
    project = Project.objects.get()
    assert (project.owner, project.granted_amount) == (organisation, 2_500_000)

    # --- The ledger's grant entry and the fund page ---------------------------------------
    grant = LedgerEntry.objects.get(kind=EntryKind.GRANT)
    assert (grant.amount, grant.value_date, grant.case) == (
        2_500_000,
        today,
        application.registration,
    )
    signs = {
        EntryKind.INJECTION: 1,
        EntryKind.WITHDRAWAL: -1,
        EntryKind.GRANT: -1,
        EntryKind.RELEASE: 1,
        EntryKind.FUND_EXPENSE: -1,
        EntryKind.RETURN: 1,
    }
    entries = list(LedgerEntry.objects.filter(fund=fund).values("kind", "amount", "reverses__kind"))
    available = sum(
        signs.get(e["kind"], 0) * e["amount"]
        if e["kind"] != EntryKind.REVERSAL
        else -signs.get(e["reverses__kind"], 0) * e["amount"]
        for e in entries
    )
    assert available == 17_500_000
    admin.goto(f"/funds/{fund.pk}/", "fund page after the grant")
    shown = text(apage.locator("[data-figure=available]"))
    assert re.sub(r"\D", "", shown) == str(available)

    ada.goto(f"/applications/{application.pk}/", "granted, seen by the applicant")
    expect(page.locator("#board-decision")).to_contain_text("KS 2026/1234")
    body = text(page.locator("main"))
    assert SCORE_COMMENT not in body
    for member in members:
        assert member.full_name not in body
    for person in (admin, reviewer, ada, dora, bo):
        person.close()
