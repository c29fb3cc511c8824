"""The proposal to the board and the board's decisions: built from the council's
recommendations, sent to the city director, amounts changed, sent back or approved (never above
what the fund has available), the board's decision per application with its grant entry in the
ledger and its project, and the closing of the call's other applications."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone, translation

from applications import services
from applications.models import (
    Application,
    ApplicationState,
    BoardDecision,
    BoardDecisionYear,
    BoardOutcome,
    Call,
    CallState,
    Outcome,
    Proposal,
    ProposalState,
    ReviewKind,
)
from applications.selectors.proposals import committed_elsewhere
from applications.services import proposals as proposal_services
from core import events
from core.errors import DomainError
from core.models import Delegation, EntryKind, Event, LedgerEntry, OutboundEmail, Role, User
from core.money import format_kr
from core.services.delegations import delegation_create, delegation_end
from core.services.ledger import ledger_entry_record
from projects.models import Project
from projects.services import project_create_from_grant
from tests import factories
from tests.applications.conftest import (
    SKETCH_FIELDS,
    application_in,
    assign,
    declare,
    inject,
    recommend,
    score,
)

pytestmark = pytest.mark.django_db

A = ApplicationState
P = ProposalState
YEAR = timezone.localdate().year
REQUESTED = 3_000_000
CONTACT = SKETCH_FIELDS["contact_email"]


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@contextmanager
def refused(code: str | None = None, field: str | None = None):
    """A DomainError with the given code and/or field."""
    with pytest.raises(DomainError) as info:
        yield info
    if code is not None:
        assert info.value.code == code, info.value.message
    if field is not None:
        assert info.value.field == field, info.value.message


def emails(kind: str) -> list[list[str]]:
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("to", flat=True))


def each(*people) -> list[list[str]]:
    return sorted([getattr(p, "email", p)] for p in people)


def available(fund, at: dt.date | None = None) -> int:
    return fund.position(at).available


def recommend_another(application, admin, meeting, member, outcome="grant", years=None, **kw):
    """Scored by ``member`` and recommended."""
    assignment = assign(application, admin, member)
    declare(assignment)
    amount = None if outcome == Outcome.REJECT else REQUESTED
    score(assignment, outcome=outcome, amount=amount)
    recommend(application, admin, meeting, outcome, years, **kw)
    application.refresh_from_db()
    return application


def start(call, admin, summary="Rådet föreslår två satsningar."):
    proposal = services.proposal_create(actor=admin, call=call)
    return services.proposal_update(actor=admin, proposal=proposal, summary=summary)


def send(proposal, admin):
    return services.proposal_submit(actor=admin, proposal=proposal)


def approve(proposal, actor, **kwargs):
    return services.proposal_approve(actor=actor, proposal=proposal, **kwargs)


def decide(item, actor, outcome=BoardOutcome.GRANTED, meeting_date=None, **kwargs):
    kwargs.setdefault("paragraph", "12")
    kwargs.setdefault("board_reference", "KS 2026/1234")
    return services.board_decision_record(
        actor=actor,
        item=item,
        meeting_date=meeting_date or timezone.localdate(),
        outcome=outcome,
        **kwargs,
    )


def item_of(proposal, application):
    return proposal.items.get(application=application)


def years_of(obj) -> dict[int, int]:
    return dict(obj.years.values_list("year", "amount"))


def state_of(obj) -> str:
    obj.refresh_from_db()
    return obj.state


@pytest.fixture
def secretary(db):
    return factories.person(Role.BOARD_SECRETARY, name="Siri Sekreterare")


@pytest.fixture
def deputy(city_director):
    person = factories.person(name="Dag Delegat")
    delegation_create(
        actor=city_director,
        delegate=person,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=14),
    )
    return person


@pytest.fixture
def second(open_call, applicant, organisation, fund_admin, meeting, council):
    """A second application of the call, recommended for a grant of what it applied for."""
    application = application_in(
        open_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )
    return recommend_another(application, fund_admin, meeting, council[1])


@pytest.fixture
def proposal(recommended, fund_admin):
    """The call's proposal with its summary, not yet sent."""
    return start(recommended.call, fund_admin)


@pytest.fixture
def sent(proposal, fund_admin):
    return send(proposal, fund_admin)


@pytest.fixture
def money(fund, fund_admin):
    """10 000 000 kr in the fund since a month ago."""
    return inject(fund, fund_admin, 10_000_000, days_ago(30))


@pytest.fixture
def approved(sent, money, city_director):
    return approve(sent, city_director)


# --- Starting, editing and sending the proposal ------------------------------------------------


def test_a_proposal_needs_an_application_recommended_for_a_grant(
    submitted, fund_admin, council, meeting
):
    with refused(code="nothing_recommended"):
        services.proposal_create(actor=fund_admin, call=submitted.call)
    recommend_another(submitted, fund_admin, meeting, council[0], Outcome.REJECT)
    with refused(code="nothing_recommended"):
        services.proposal_create(actor=fund_admin, call=submitted.call)
    assert not Proposal.objects.exists()


def test_a_proposal_starts_with_the_recommended_grants_and_their_years(recommended, fund_admin):
    proposal = services.proposal_create(actor=fund_admin, call=recommended.call)
    assert (proposal.state, proposal.call, proposal.created_by) == (
        P.DRAFT,
        recommended.call,
        fund_admin,
    )
    [item] = proposal.items.all()
    assert (item.application, item.amount, item.recommendation) == (
        recommended,
        REQUESTED,
        recommended.recommendation,
    )
    assert years_of(item) == {YEAR: REQUESTED}
    assert Event.objects.for_target(proposal).get().action == "proposal.created"


def test_starting_the_proposal_twice_opens_the_same_one(recommended, fund_admin):
    first = services.proposal_create(actor=fund_admin, call=recommended.call)
    again = services.proposal_create(actor=fund_admin, call=recommended.call)
    assert again.pk == first.pk
    assert Proposal.objects.count() == 1
    assert first.items.count() == 1


def test_a_cancelled_call_has_no_proposal(recommended, fund_admin):
    services.call_cancel(actor=fund_admin, call=recommended.call, reason="Budgeten dras in.")
    with refused(code="call_state"):
        services.proposal_create(actor=fund_admin, call=recommended.call)


def test_the_summary_can_be_changed_until_sent_and_again_when_sent_back(
    proposal, fund_admin, city_director
):
    services.proposal_update(actor=fund_admin, proposal=proposal, summary=" Ny text. ")
    assert Proposal.objects.get().summary == "Ny text."
    send(proposal, fund_admin)
    with refused(code="not_editable"):
        services.proposal_update(actor=fund_admin, proposal=proposal, summary="Sent ändrad.")
    assert Proposal.objects.get().summary == "Ny text."
    services.proposal_return(actor=city_director, proposal=proposal, message="Skriv tydligare.")
    services.proposal_update(actor=fund_admin, proposal=proposal, summary="Tydligare.")
    assert Proposal.objects.get().summary == "Tydligare."


def test_sending_needs_the_summary(recommended, fund_admin):
    proposal = services.proposal_create(actor=fund_admin, call=recommended.call)
    with refused(field="summary"):
        send(proposal, fund_admin)
    assert state_of(proposal) == P.DRAFT


def test_sending_rebuilds_the_items_from_the_recommendations(
    proposal, recommended, second, fund_admin, meeting
):
    assert proposal.items.count() == 1  # started before the second was recommended
    recommend(recommended, fund_admin, meeting, Outcome.GRANT_REDUCED, {YEAR: 2_500_000})
    sent = send(proposal, fund_admin)
    assert state_of(sent) == P.SUBMITTED
    assert sent.submitted_at is not None
    amounts = {item.application_id: item.amount for item in sent.items.all()}
    assert amounts == {recommended.pk: 2_500_000, second.pk: REQUESTED}
    assert years_of(item_of(sent, recommended)) == {YEAR: 2_500_000}
    event = Event.objects.for_target(sent).get(action="proposal.submitted")
    assert event.data == {"count": 2, "total": format_kr(5_500_000)}
    assert (event.from_state, event.to_state) == (P.DRAFT, P.SUBMITTED)


def test_sending_tells_the_city_director_and_the_delegate(
    proposal, fund_admin, city_director, deputy
):
    send(proposal, fund_admin)
    assert emails("proposal_submitted") == each(city_director, deputy)


def test_a_proposal_with_nothing_left_to_propose_is_not_sent(
    proposal, recommended, fund_admin, meeting
):
    recommend(recommended, fund_admin, meeting, Outcome.REJECT, {})
    with refused(code="empty"):
        send(proposal, fund_admin)
    assert state_of(proposal) == P.DRAFT
    assert proposal.items.count() == 1  # the rebuild was rolled back with the refusal
    assert emails("proposal_submitted") == []


def test_sending_twice_is_refused(sent, fund_admin):
    with refused(code="transition"):
        send(sent, fund_admin)


# --- The city director: amounts, sending back ---------------------------------------------------


def test_the_city_director_changes_the_amounts_per_year(sent, recommended, city_director):
    item = item_of(sent, recommended)
    years = {YEAR: 1_000_000, YEAR + 1: 1_500_000}
    services.proposal_amounts_update(
        actor=city_director, proposal=sent, amounts={item.pk: years | {YEAR + 2: 0}}
    )
    item.refresh_from_db()
    assert (item.amount, years_of(item)) == (2_500_000, years)
    event = Event.objects.for_target(sent).get(action="proposal.amounts_changed")
    assert event.data == {"changed": f"{recommended.registration} {format_kr(2_500_000)}"}


def test_unchanged_amounts_leave_no_event(sent, recommended, city_director):
    item = item_of(sent, recommended)
    services.proposal_amounts_update(
        actor=city_director, proposal=sent, amounts={item.pk: {YEAR: REQUESTED}}
    )
    assert not Event.objects.for_target(sent).filter(action="proposal.amounts_changed").exists()


@pytest.mark.parametrize(
    "years", [{YEAR: 0}, {}, {YEAR: REQUESTED + 1}, {YEAR: REQUESTED, YEAR + 1: 1}]
)
def test_an_amount_is_more_than_nothing_and_at_most_what_was_applied_for(
    sent, recommended, city_director, years
):
    item = item_of(sent, recommended)
    with refused(code="amount", field=f"item_{item.pk}") as info:
        services.proposal_amounts_update(
            actor=city_director, proposal=sent, amounts={item.pk: years}
        )
    assert format_kr(REQUESTED) in info.value.message
    item.refresh_from_db()
    assert (item.amount, years_of(item)) == (REQUESTED, {YEAR: REQUESTED})


def test_an_application_outside_the_proposal_cannot_be_given_an_amount(sent, city_director):
    with refused(code="not_in"):
        services.proposal_amounts_update(actor=city_director, proposal=sent, amounts={0: {YEAR: 1}})


def test_amounts_are_changed_only_while_with_the_city_director(
    proposal, recommended, fund_admin, city_director, money
):
    item = item_of(proposal, recommended)
    change = {item.pk: {YEAR: 1_000_000}}
    with refused(code="transition"):
        services.proposal_amounts_update(actor=city_director, proposal=proposal, amounts=change)
    send(proposal, fund_admin)
    approve(proposal, city_director)
    with refused(code="already_approved"):
        services.proposal_amounts_update(actor=city_director, proposal=proposal, amounts=change)
    assert Proposal.objects.get().items.get().amount == REQUESTED


def test_sending_back_needs_a_message_and_tells_the_fund_administrators(
    sent, city_director, fund_admin, other_fund_admin
):
    with refused(field="message"):
        services.proposal_return(actor=city_director, proposal=sent, message=" ")
    assert state_of(sent) == P.SUBMITTED
    services.proposal_return(actor=city_director, proposal=sent, message="Sänk beloppen.")
    sent.refresh_from_db()
    assert (sent.state, sent.return_message) == (P.RETURNED, "Sänk beloppen.")
    assert emails("proposal_returned") == each(fund_admin, other_fund_admin)
    for email in OutboundEmail.objects.filter(kind="proposal_returned"):
        assert "Sänk beloppen." in email.body


def test_a_proposal_sent_back_is_sent_again_with_its_amounts_taken_afresh(
    sent, recommended, city_director, fund_admin
):
    item = item_of(sent, recommended)
    change = {item.pk: {YEAR: 1_000_000}}
    services.proposal_amounts_update(actor=city_director, proposal=sent, amounts=change)
    services.proposal_return(actor=city_director, proposal=sent, message="Se över.")
    with refused(code="transition"):
        services.proposal_return(actor=city_director, proposal=sent, message="Igen.")
    send(sent, fund_admin)
    sent.refresh_from_db()
    assert (sent.state, sent.return_message) == (P.SUBMITTED, "")
    assert sent.items.get().amount == REQUESTED


# --- Approval ----------------------------------------------------------------------------------


def test_the_city_director_approves(
    sent, money, city_director, fund_admin, other_fund_admin, secretary, fund
):
    approve(sent, city_director)
    sent.refresh_from_db()
    assert (sent.state, sent.approved_by, sent.approved_on_delegation) == (
        P.APPROVED,
        city_director,
        None,
    )
    assert sent.approved_at is not None
    assert sent.available_at_approval == available(fund) == 10_000_000
    event = Event.objects.for_target(sent).get(action="proposal.approved")
    assert event.data == {"total": format_kr(REQUESTED), "capacity": ""}
    assert emails("proposal_approved") == each(fund_admin, other_fund_admin, secretary)


def test_the_delegate_approves_on_delegation(sent, money, deputy):
    approve(sent, deputy)
    sent.refresh_from_db()
    assert (sent.state, sent.approved_by) == (P.APPROVED, deputy)
    assert sent.approved_on_delegation == Delegation.objects.get(delegate=deputy)
    event = Event.objects.for_target(sent).get(action="proposal.approved")
    assert event.data["capacity"] == "delegation"


@pytest.mark.parametrize("who", ["fund_admin", "secretary", "auditor", "deputy"])
def test_only_the_city_director_or_an_acting_delegate_approves(
    request, sent, money, city_director, deputy, who
):
    """The delegate only while the delegation runs: here it has been ended."""
    if who == "deputy":
        delegation = Delegation.objects.get(delegate=deputy)
        delegation_end(actor=city_director, delegation=delegation, reason="Åter i tjänst.")
    actor = request.getfixturevalue(who)
    with refused(code="not_director"):
        approve(sent, actor)
    sent.refresh_from_db()
    assert (sent.state, sent.approved_by) == (P.SUBMITTED, None)


def test_approval_above_what_is_available_is_refused_with_the_figures(
    sent, fund, fund_admin, city_director
):
    inject(fund, fund_admin, 2_000_000, days_ago(10))
    with refused(code="exceeds_available") as info:
        approve(sent, city_director)
    message = info.value.message
    for figure in (REQUESTED, 2_000_000, 0):
        assert format_kr(figure) in message
    assert timezone.localdate().isoformat() in message
    sent.refresh_from_db()
    assert (sent.state, sent.approved_at, sent.available_at_approval) == (P.SUBMITTED, None, None)
    assert emails("proposal_approved") == []


def test_approval_of_exactly_what_is_available_is_allowed(sent, fund, fund_admin, city_director):
    inject(fund, fund_admin, REQUESTED, days_ago(10))
    approve(sent, city_director)
    assert state_of(sent) == P.APPROVED


def test_a_second_approval_is_refused_and_changes_nothing(approved, city_director, deputy):
    approved.refresh_from_db()
    first = (approved.approved_by, approved.approved_at, approved.approved_on_delegation)
    for actor in (city_director, deputy):
        with refused(code="already_approved") as info:
            approve(approved, actor)
        assert city_director.full_name in info.value.message
    approved.refresh_from_db()
    assert approved.state == P.APPROVED
    assert (approved.approved_by, approved.approved_at, approved.approved_on_delegation) == first
    assert Event.objects.for_target(approved).filter(action="proposal.approved").count() == 1


def test_a_draft_is_not_approved(proposal, money, city_director):
    with refused(code="transition"):
        approve(proposal, city_director)
    assert state_of(proposal) == P.DRAFT


@pytest.fixture
def other_call(fund, fund_admin):
    today = timezone.localdate()
    call = services.call_create(
        actor=fund_admin,
        fund=fund,
        title="Andra omgången",
        description="Beskrivning",
        idea_sketch_deadline=today + dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=40),
        indicative_budget=10_000_000,
        decision_route="own_proposal",
    )
    return services.call_publish(actor=fund_admin, call=call)


def test_approved_proposals_awaiting_the_board_count_against_what_is_available(
    sent, other_call, applicant, organisation, fund, fund_admin, meeting, council, city_director
):
    elsewhere = application_in(
        other_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )
    recommend_another(elsewhere, fund_admin, meeting, council[1])
    other = send(start(other_call, fund_admin), fund_admin)
    inject(fund, fund_admin, 5_000_000, days_ago(10))
    approve(sent, city_director)
    with refused(code="exceeds_available") as info:
        approve(other, city_director)
    for figure in (REQUESTED, 5_000_000, 2_000_000):
        assert format_kr(figure) in info.value.message
    assert state_of(other) == P.SUBMITTED
    inject(fund, fund_admin, 1_000_000, days_ago(5))
    approve(other, city_director)
    other.refresh_from_db()
    assert (other.state, other.available_at_approval) == (P.APPROVED, REQUESTED)
    assert available(fund) == 6_000_000  # promised, not yet in the ledger


def test_a_recorded_board_decision_no_longer_counts_as_promised(
    approved, other_call, applicant, organisation, fund, fund_admin, meeting, council, secretary
):
    elsewhere = application_in(
        other_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )
    recommend_another(elsewhere, fund_admin, meeting, council[1])
    other = send(start(other_call, fund_admin), fund_admin)
    assert committed_elsewhere(other) == REQUESTED
    decide(approved.items.get(), secretary)
    assert committed_elsewhere(other) == 0
    assert available(fund) == 10_000_000 - REQUESTED


def _approve_concurrently(proposal_pk, actor_pk) -> tuple[list, list]:
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            proposal = Proposal.objects.get(pk=proposal_pk)
            actor = User.objects.get(pk=actor_pk)
            barrier.wait(timeout=10)
            results.append(services.proposal_approve(actor=actor, proposal=proposal))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_approve_once(monkeypatch, sent, money, city_director):
    lock = proposal_services.proposal_lock

    def slow_lock(proposal):
        locked = lock(proposal)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(proposal_services, "proposal_lock", slow_lock)
    results, errors = _approve_concurrently(sent.pk, city_director.pk)
    assert len(results) == 1
    assert [getattr(error, "code", error) for error in errors] == ["already_approved"]
    assert Event.objects.filter(action="proposal.approved").count() == 1
    assert state_of(sent) == P.APPROVED


# --- The board's decision ----------------------------------------------------------------------


def test_no_board_decision_before_the_city_director_approves(sent, money, recommended, secretary):
    with refused(code="not_approved"):
        decide(item_of(sent, recommended), secretary)
    assert not BoardDecision.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.GRANT).exists()


def test_a_grant_writes_one_grant_entry_and_starts_the_project(
    approved, recommended, secretary, fund, applicant
):
    item = item_of(approved, recommended)
    before = available(fund)
    decision = decide(item, secretary, conditions=" Rapportera varje tertial. ")
    [entry] = LedgerEntry.objects.filter(kind=EntryKind.GRANT)
    assert (entry.fund, entry.amount, entry.value_date, entry.case) == (
        fund,
        item.amount,
        timezone.localdate(),
        recommended.registration,
    )
    assert decision.grant_entry == entry
    assert entry.cause_id == decision.pk
    assert available(fund) == before - item.amount
    assert fund.position().outstanding == item.amount
    assert (decision.outcome, decision.amount, decision.conditions) == (
        BoardOutcome.GRANTED,
        REQUESTED,
        "Rapportera varje tertial.",
    )
    assert years_of(decision) == years_of(item) == {YEAR: REQUESTED}
    assert decision.reference == f"KS {timezone.localdate().isoformat()} § 12, KS 2026/1234"
    assert (state_of(recommended), decision.recorded_by) == (A.GRANTED, secretary)
    project = Project.objects.get()
    assert (project.application, project.board_decision, project.owner) == (
        recommended,
        decision,
        recommended.owner,
    )
    assert (project.granted_amount, project.registration) == (REQUESTED, recommended.registration)
    assert (project.starts_on, project.ends_on) == (
        recommended.planned_start,
        recommended.planned_end,
    )
    assert project.title == recommended.title
    assert emails("application_granted") == each(applicant, CONTACT)
    for email in OutboundEmail.objects.filter(kind="application_granted"):
        assert format_kr(REQUESTED) in email.body
        assert "Rapportera varje tertial." in email.body


def test_the_granted_amount_is_the_one_the_city_director_approved(
    sent, recommended, money, city_director, secretary, fund
):
    item = item_of(sent, recommended)
    services.proposal_amounts_update(
        actor=city_director, proposal=sent, amounts={item.pk: {YEAR: 2_000_000, YEAR + 1: 500_000}}
    )
    approve(sent, city_director)
    decision = decide(item, secretary)
    assert decision.amount == 2_500_000
    assert years_of(decision) == {YEAR: 2_000_000, YEAR + 1: 500_000}
    assert LedgerEntry.objects.get(kind=EntryKind.GRANT).amount == 2_500_000
    assert Project.objects.get().granted_amount == 2_500_000


def test_a_reduced_grant_is_recorded_with_its_years(approved, recommended, secretary, fund):
    item = item_of(approved, recommended)
    years = {YEAR: 1_500_000, YEAR + 1: 500_000}
    decision = decide(
        item, secretary, BoardOutcome.GRANTED_REDUCED, amount=2_000_000, years=years | {YEAR + 2: 0}
    )
    assert (decision.outcome, decision.amount, years_of(decision)) == (
        BoardOutcome.GRANTED_REDUCED,
        2_000_000,
        years,
    )
    assert LedgerEntry.objects.get(kind=EntryKind.GRANT).amount == 2_000_000
    assert available(fund) == 10_000_000 - 2_000_000
    assert state_of(recommended) == A.GRANTED
    assert Project.objects.get().granted_amount == 2_000_000


def test_the_years_of_a_reduced_grant_must_add_up_to_it(approved, recommended, secretary):
    item = item_of(approved, recommended)
    with refused(code="years_total", field="years") as info:
        decide(
            item, secretary, BoardOutcome.GRANTED_REDUCED, amount=2_000_000, years={YEAR: 1_500_000}
        )
    for figure in (1_500_000, 2_000_000, 500_000):
        assert format_kr(figure) in info.value.message
    assert not BoardDecision.objects.exists()
    assert not BoardDecisionYear.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.GRANT).exists()
    assert state_of(recommended) == A.RECOMMENDED


@pytest.mark.parametrize("amount", [REQUESTED, REQUESTED + 1, 0, None, -1])
def test_a_reduced_grant_is_less_than_proposed_and_more_than_nothing(
    approved, recommended, secretary, amount
):
    item = item_of(approved, recommended)
    with refused(field="amount"):
        decide(
            item, secretary, BoardOutcome.GRANTED_REDUCED, amount=amount, years={YEAR: 1_000_000}
        )
    assert not BoardDecision.objects.exists()
    assert state_of(recommended) == A.RECOMMENDED


def test_a_rejection_writes_no_ledger_entry_and_starts_no_project(
    approved, recommended, secretary, fund, applicant
):
    decision = decide(item_of(approved, recommended), secretary, BoardOutcome.REJECTED)
    assert (decision.outcome, decision.amount, decision.grant_entry) == (
        BoardOutcome.REJECTED,
        0,
        None,
    )
    assert not decision.years.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.GRANT).exists()
    assert available(fund) == 10_000_000
    assert not Project.objects.exists()
    assert state_of(recommended) == A.REJECTED
    assert emails("application_rejected") == each(applicant, CONTACT)
    assert emails("application_granted") == []


def test_a_grant_the_ledger_cannot_cover_at_the_meeting_is_refused_and_leaves_nothing(
    sent, recommended, fund, fund_admin, city_director, secretary
):
    inject(fund, fund_admin, REQUESTED, days_ago(10))
    approve(sent, city_director)
    ledger_entry_record(
        actor=fund_admin,
        fund=fund,
        kind=EntryKind.WITHDRAWAL,
        amount=1_000_000,
        value_date=timezone.localdate(),
        reference="KF 2026-11-01 § 3",
        by_hand=True,
    )
    with refused(code="exceeds_available") as info:
        decide(item_of(sent, recommended), secretary)
    assert format_kr(2_000_000) in info.value.message
    assert not BoardDecision.objects.exists()
    assert not BoardDecisionYear.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.GRANT).exists()
    assert not Project.objects.exists()
    assert state_of(recommended) == A.RECOMMENDED
    assert state_of(sent) == P.APPROVED
    assert emails("application_granted") == []


def test_recording_the_same_decision_twice_is_refused(
    recommended, second, fund_admin, money, city_director, secretary
):
    """Two applications: after the first decision the proposal still waits for the second."""
    proposal = send(start(recommended.call, fund_admin), fund_admin)
    approve(proposal, city_director)
    item = item_of(proposal, recommended)
    decide(item, secretary)
    with refused(code="already_decided"):
        decide(item, secretary, BoardOutcome.REJECTED)
    assert BoardDecision.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.GRANT).count() == 1
    assert state_of(recommended) == A.GRANTED
    assert state_of(proposal) == P.APPROVED


@pytest.mark.parametrize("when", ["future", "before_approval"])
def test_the_board_meeting_is_between_the_approval_and_today(
    sent, recommended, money, city_director, secretary, when
):
    approve(sent, city_director, at=noon(days_ago(3)))
    meeting_date = days_ago(-1) if when == "future" else days_ago(4)
    with refused(field="meeting_date"):
        decide(item_of(sent, recommended), secretary, meeting_date=meeting_date)
    assert not BoardDecision.objects.exists()
    decision = decide(item_of(sent, recommended), secretary, meeting_date=days_ago(3))
    assert LedgerEntry.objects.get(kind=EntryKind.GRANT).value_date == decision.meeting_date


@pytest.mark.parametrize("missing", ["paragraph", "board_reference"])
def test_the_decision_needs_the_minute_paragraph_and_the_boards_number(
    approved, recommended, secretary, missing
):
    with refused(field=missing):
        decide(item_of(approved, recommended), secretary, **{missing: " "})
    assert not BoardDecision.objects.exists()


def test_an_unknown_decision_is_refused(approved, recommended, secretary):
    with refused():
        decide(item_of(approved, recommended), secretary, "postponed")
    assert not BoardDecision.objects.exists()
    assert state_of(recommended) == A.RECOMMENDED


def test_a_project_is_started_once_per_grant(approved, recommended, secretary, fund_admin):
    decision = decide(item_of(approved, recommended), secretary)
    again = project_create_from_grant(actor=fund_admin, decision=decision)
    assert Project.objects.get() == again
    assert Event.objects.for_target(again).get().action == "project.created"


# --- Closing the call --------------------------------------------------------------------------


@pytest.fixture
def the_rest(open_call, applicant, organisation, fund_admin, meeting, council):
    """The call's other applications: submitted but not recommended, recommended for
    rejection, returned for revision, and a draft."""

    def make(title, **kwargs):
        return application_in(
            open_call, applicant, organisation, fund_admin, meeting, title=title, **kwargs
        )

    waiting = make("Väntar på rådet")
    rejected = recommend_another(
        make("Avstyrks"),
        fund_admin,
        meeting,
        council[2],
        Outcome.REJECT,
        reasons="Saknar utvärderingsplan värd namnet.",
    )
    revising = make("Under revidering")
    services.application_request_revision(
        actor=fund_admin, application=revising, message="Revidera budgeten."
    )
    draft = make("Aldrig inskickad", submit=False)
    return {"waiting": waiting, "rejected": rejected, "revising": revising, "draft": draft}


def test_the_last_decision_closes_the_calls_other_applications_as_not_proposed(
    recommended, the_rest, fund_admin, money, city_director, secretary, applicant
):
    proposal = send(start(recommended.call, fund_admin), fund_admin)
    approve(proposal, city_director)
    was = {name: state_of(application) for name, application in the_rest.items()}
    assert was == {
        "waiting": A.SUBMITTED,
        "rejected": A.RECOMMENDED,
        "revising": A.REVISION_REQUESTED,
        "draft": A.DRAFT,
    }
    before = timezone.now()
    with translation.override("en"):
        decide(item_of(proposal, recommended), secretary)
    proposal.refresh_from_db()
    assert proposal.state == P.DECIDED
    assert proposal.decided_at >= before
    assert state_of(recommended) == A.GRANTED
    for name, application in the_rest.items():
        application.refresh_from_db()
        assert application.state == A.NOT_PROPOSED, name
        assert application.closed_at >= before, name
        event = Event.objects.for_target(application).get(action="application.not_proposed")
        assert (event.actor, event.from_state, event.to_state, event.comment) == (
            secretary,
            was[name],
            A.NOT_PROPOSED,
            application.closed_reason,
        )
    standard = "The application was not in the city director's proposal to the board."
    reasons = {name: application.closed_reason for name, application in the_rest.items()}
    assert reasons["waiting"] == reasons["revising"] == standard
    assert reasons["rejected"].startswith(standard)
    assert "Saknar utvärderingsplan värd namnet." in reasons["rejected"]
    assert reasons["draft"].startswith(standard)
    assert "never submitted" in reasons["draft"]
    assert emails("application_not_proposed") == sorted(each(applicant, CONTACT) * 4)
    bodies = {
        e.subject: e.body for e in OutboundEmail.objects.filter(kind="application_not_proposed")
    }
    for name, application in the_rest.items():
        [body] = {b for subject, b in bodies.items() if str(application.registration) in subject}
        assert reasons[name] in body, name
    assert state_of(Call.objects.get(pk=recommended.call_id)) == CallState.PUBLISHED


def test_nothing_is_closed_before_the_last_decision(
    recommended, second, the_rest, fund_admin, money, city_director, secretary
):
    proposal = send(start(recommended.call, fund_admin), fund_admin)
    approve(proposal, city_director)
    decide(item_of(proposal, recommended), secretary)
    assert state_of(proposal) == P.APPROVED
    assert state_of(the_rest["waiting"]) == A.SUBMITTED
    assert emails("application_not_proposed") == []
    decide(item_of(proposal, second), secretary, BoardOutcome.REJECTED)
    assert state_of(proposal) == P.DECIDED
    assert state_of(the_rest["waiting"]) == A.NOT_PROPOSED
    assert state_of(second) == A.REJECTED
    assert [p.application for p in Project.objects.all()] == [recommended]


def test_an_application_of_another_call_is_not_closed(
    approved, recommended, other_call, applicant, organisation, fund_admin, meeting, secretary
):
    elsewhere = application_in(
        other_call, applicant, organisation, fund_admin, meeting, title="Annan omgång"
    )
    decide(item_of(approved, recommended), secretary)
    assert state_of(elsewhere) == A.SUBMITTED


@pytest.fixture
def past_call(fund, fund_admin):
    """A call published three months ago whose last day for applications has passed."""
    call = services.call_create(
        actor=fund_admin,
        fund=fund,
        title="Förra omgången",
        description="Beskrivning",
        idea_sketch_deadline=days_ago(60),
        application_deadline=days_ago(30),
        indicative_budget=10_000_000,
        decision_route="own_proposal",
    )
    return services.call_publish(actor=fund_admin, call=call, at=noon(days_ago(90)))


def test_the_call_is_decided_with_its_last_decision_once_its_deadline_has_passed(
    past_call,
    applicant,
    organisation,
    fund,
    fund_admin,
    council,
    meeting,
    money,
    city_director,
    secretary,
):
    earlier = services.council_meeting_create(
        actor=fund_admin, fund=fund, held_on=days_ago(70), members=council
    )
    application = application_in(
        past_call, applicant, organisation, fund_admin, earlier, title="I tid", on=days_ago(80)
    )
    recommend_another(application, fund_admin, meeting, council[0])
    proposal = send(start(past_call, fund_admin), fund_admin)
    approve(proposal, city_director)
    assert state_of(past_call) == CallState.PUBLISHED
    decide(item_of(proposal, application), secretary)
    past_call.refresh_from_db()
    assert past_call.state == CallState.DECIDED
    assert past_call.decided_at is not None


# --- Who sees proposals and their applications -------------------------------------------------


def test_the_board_secretary_sees_an_application_once_its_proposal_is_sent(
    proposal, recommended, second, secretary, fund_admin
):
    def sees():
        return set(Application.objects.visible_to(secretary).values_list("pk", flat=True))

    assert sees() == set()
    assert not Proposal.objects.visible_to(secretary).exists()
    send(proposal, fund_admin)
    assert sees() == {recommended.pk, second.pk}
    assert list(Proposal.objects.visible_to(secretary)) == [proposal]


def test_the_board_secretary_does_not_see_applications_outside_the_proposal(
    sent, recommended, the_rest, secretary
):
    visible = set(Application.objects.visible_to(secretary).values_list("pk", flat=True))
    assert visible == {recommended.pk}


# --- The activity log --------------------------------------------------------------------------

NEW_ACTIONS = {
    "review.assigned",
    "review.removed",
    "review.declared",
    "review.conflict_declared",
    "review.statement_submitted",
    "review.scored",
    "recommendation.recorded",
    "proposal.created",
    "proposal.updated",
    "proposal.submitted",
    "proposal.amounts_changed",
    "proposal.returned",
    "proposal.approved",
    "proposal.decided",
    "board.decided",
    "application.not_proposed",
    "project.created",
}


def test_every_new_action_reads_in_both_languages(
    submitted,
    open_call,
    applicant,
    organisation,
    fund_admin,
    council,
    meeting,
    money,
    city_director,
    deputy,
    secretary,
):
    scientist = factories.person(Role.SCIENTIFIC_REVIEWER)
    reviewer = declare(assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC))
    services.review_statement_submit(
        actor=scientist, assignment=reviewer, version=1, evidence="Stark.", evaluation="Bra."
    )
    services.review_unassign(actor=fund_admin, assignment=reviewer, reason="Klar.")
    declare(assign(submitted, fund_admin, council[1]), conflict=True, text="Jäv.")
    application_in(open_call, applicant, organisation, fund_admin, meeting, title="Ej föreslagen")
    recommend_another(submitted, fund_admin, meeting, council[0])
    proposal = send(start(open_call, fund_admin), fund_admin)
    item = proposal.items.get()
    services.proposal_amounts_update(
        actor=deputy, proposal=proposal, amounts={item.pk: {YEAR: 2_000_000}}
    )
    services.proposal_return(actor=deputy, proposal=proposal, message="Ändra.")
    send(proposal, fund_admin)
    approve(proposal, deputy)
    decide(
        item_of(proposal, submitted),
        secretary,
        BoardOutcome.GRANTED_REDUCED,
        amount=2_000_000,
        years={YEAR: 2_000_000},
    )
    logged = Event.objects.filter(action__in=NEW_ACTIONS)
    assert {event.action for event in logged} == NEW_ACTIONS
    for event in logged:
        template = str(events._ACTIONS[event.action])
        assert set(re.findall(r"%\((\w+)\)s", template)) <= set(event.data), event.action
        for language in ("sv", "en"):
            with translation.override(language):
                text = events.describe(event)
            assert text != event.action, (event.action, language)
            assert "%(" not in text, (event.action, language, text)
