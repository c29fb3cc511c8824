"""Change requests within the granted total (budget, end of the investment phase, scope),
decided by a fund administrator; and the revision of budget and benefits plan after a reduced
grant, which the project waits for before it starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from applications.models import BoardOutcome
from core.models import Event, OutboundEmail
from projects import services
from projects.models import (
    ChangeKind,
    ChangeRequest,
    ChangeState,
    ProjectState,
    ProjectVersion,
    VersionSource,
)
from projects.money import budget_of
from tests.projects.conftest import (
    NEXT,
    YEAR,
    each,
    emails,
    grant,
    pay,
    refused,
    start,
)

pytestmark = pytest.mark.django_db
C = ChangeState
D = dt.date


@pytest.fixture
def reduced(
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
):
    """A project granted 4 000 000 kr of the 5 000 000 kr applied for."""
    return grant(
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
        outcome=BoardOutcome.GRANTED_REDUCED,
        amount=4_000_000,
        years={YEAR: 2_500_000, NEXT: 1_500_000},
    )


def budget(project, co_owner, *, year_owner=2_000_000, next_owner=1_500_000, extra=()):
    """The granted budget with the owner's two lines set (4 lines, 5 000 000 kr as granted)."""
    return [
        (YEAR, project.owner_id, "develop", year_owner),
        (YEAR, co_owner.pk, "introduce", 1_000_000),
        (NEXT, project.owner_id, "develop", next_owner),
        (NEXT, co_owner.pk, "evaluate", 500_000),
        *extra,
    ]


def rows(change) -> list[tuple]:
    return sorted(change.budget.values_list("year", "recipient_id", "cost_type", "amount"))


def new_change(project, actor, kind=ChangeKind.CHANGE) -> ChangeRequest:
    return services.change_request_create(actor=actor, project=project, kind=kind)


def propose(change, actor, *, reason="Mer tid till utvärderingen.", **kwargs) -> ChangeRequest:
    return services.change_request_update(actor=actor, change=change, reason=reason, **kwargs)


def submit(change, actor) -> ChangeRequest:
    return services.change_request_submit(actor=actor, change=change)


def state_of(change) -> str:
    change.refresh_from_db()
    return change.state


# --- Started from the current version -------------------------------------------------------------


def test_a_change_starts_from_the_current_budget_and_benefits_plan(
    running, manager, co_owner_org, social, education
):
    change = new_change(running, manager)
    assert (change.state, change.kind, change.base) == (
        C.DRAFT,
        ChangeKind.CHANGE,
        running.current_version,
    )
    assert rows(change) == sorted(budget(running, co_owner_org))
    assert sorted(change.savings.values_list("organisation_id", "year", "amount")) == [
        (social.pk, NEXT + 1, 800_000),
        (education.pk, NEXT + 2, 400_000),
    ]
    assert Event.objects.for_target(running).filter(action="change.created").count() == 1


def test_only_one_change_is_open_at_a_time(running, manager, co_owner_org):
    first = new_change(running, manager)
    with translation.override("en"), refused(code="open_change") as info:
        new_change(running, manager)
    assert "already open" in info.value.message
    submit(propose(first, manager), manager)
    with refused(code="open_change"):
        new_change(running, manager)
    services.change_request_withdraw(actor=manager, change=first)
    assert new_change(running, manager).base == running.current_version
    assert ChangeRequest.objects.count() == 2


def test_no_change_request_while_the_revision_after_a_reduced_grant_is_awaited(reduced, applicant):
    with refused(code="revision_required"):
        new_change(reduced, applicant)
    assert not ChangeRequest.objects.exists()


def test_a_revision_is_only_for_a_reduced_grant(running, applicant):
    with refused(code="no_revision"):
        new_change(running, applicant, ChangeKind.REVISION)
    with refused(field="kind"):
        new_change(running, applicant, "more_money")


def test_no_change_once_the_investment_phase_has_ended(running, manager, fund_admin):
    services.project_phase_end(actor=fund_admin, project=running, today=D(NEXT + 1, 1, 2))
    with refused(code="not_editable"):
        new_change(running, manager)


# --- Written and submitted ------------------------------------------------------------------------


def test_a_change_says_what_changes_and_why(running, manager):
    change = propose(new_change(running, manager), manager, reason="   ")
    with refused(field="reason"):
        submit(change, manager)
    assert state_of(change) == C.DRAFT


def test_budget_lines_are_whole_kronor_with_a_use(running, manager, co_owner_org):
    change = new_change(running, manager)
    for line in (
        (YEAR, running.owner_id, "develop", -1),
        (YEAR, running.owner_id, "develop", 10.5),
        (YEAR, running.owner_id, "develop", True),
        (YEAR, running.owner_id, "party", 100),
    ):
        with refused(field="budget"):
            propose(change, manager, budget=[line])
    assert rows(change) == sorted(budget(running, co_owner_org))
    change.refresh_from_db()
    assert change.reason == ""


def test_the_budget_cannot_exceed_the_grant_without_a_new_board_decision(
    running, manager, co_owner_org
):
    change = propose(
        new_change(running, manager),
        manager,
        budget=budget(running, co_owner_org, next_owner=1_500_001),
    )
    with translation.override("en"), refused(code="exceeds_grant", field="budget") as info:
        submit(change, manager)
    message = info.value.message.replace("\xa0", " ")
    assert "adds up to 5 000 001 kr, more than the 5 000 000 kr granted" in message
    assert "new decision by the board" in message
    assert state_of(change) == C.DRAFT


def test_a_line_cannot_fall_below_what_that_recipient_was_paid_for_the_year(
    running, manager, fund_admin, co_owner_org
):
    pay(running, fund_admin, YEAR, running.owner, 1_500_000)
    change = propose(
        new_change(running, manager),
        manager,
        budget=budget(running, co_owner_org, year_owner=1_000_000, next_owner=2_500_000),
    )
    with translation.override("en"), refused(code="below_paid") as info:
        submit(change, manager)
    message = info.value.message.replace("\xa0", " ")
    assert f"already been paid 1 500 000 kr for {YEAR}" in message
    assert "(it is 1 000 000 kr)" in message
    propose(
        change,
        manager,
        budget=budget(running, co_owner_org, year_owner=1_500_000, next_owner=2_000_000),
    )
    assert submit(change, manager).state == C.SUBMITTED


def test_budget_lines_fall_within_the_investment_phase(running, manager, co_owner_org):
    later = budget(running, co_owner_org, next_owner=1_000_000)
    later.append((NEXT + 1, running.owner_id, "evaluate", 500_000))
    change = propose(new_change(running, manager), manager, budget=later)
    with translation.override("en"), refused(field="budget") as info:
        submit(change, manager)
    assert f"investment phase {YEAR}–{NEXT}; {NEXT + 1} does not" in info.value.message
    propose(change, manager, budget=later, ends_on=D(NEXT + 1, 6, 30))
    assert submit(change, manager).state == C.SUBMITTED


def test_the_fund_pays_only_the_owner_co_owners_and_partner_departments(
    running, manager, co_owner_org, nonprofit, social
):
    change = new_change(running, manager)
    for outsider in (nonprofit, social):
        moved = budget(running, co_owner_org, next_owner=1_000_000)
        moved.append((NEXT, outsider.pk, "develop", 500_000))
        propose(change, manager, budget=moved)
        with refused(field="budget"):
            submit(change, manager)
        assert state_of(change) == C.DRAFT


def test_the_new_end_follows_the_start_within_the_funds_longest_project(running, manager):
    change = propose(new_change(running, manager), manager, ends_on=D(YEAR - 1, 12, 31))
    with refused(field="ends_on"):
        submit(change, manager)
    fund = running.registration.fund
    fund.max_project_years = 2
    fund.save(update_fields=["max_project_years"])
    propose(change, manager, ends_on=D(NEXT + 1, 3, 31))
    with translation.override("en"), refused(field="ends_on") as info:
        submit(change, manager)
    assert "at most 2 calendar years" in info.value.message
    propose(change, manager, ends_on=D(NEXT, 6, 30))
    assert submit(change, manager).state == C.SUBMITTED


# --- Decided --------------------------------------------------------------------------------------


def test_an_approved_change_is_the_next_version_and_payments_follow_its_budget(
    running, manager, fund_admin, co_owner_org
):
    proposed = budget(running, co_owner_org, year_owner=1_500_000, next_owner=1_500_000)
    proposed.append((NEXT + 1, running.owner_id, "evaluate", 500_000))
    change = propose(
        new_change(running, manager),
        manager,
        budget=proposed,
        ends_on=D(NEXT + 1, 6, 30),
        scope="Även förskoleklass.",
    )
    submit(change, manager)
    services.change_request_approve(actor=fund_admin, change=change, reason="Rimligt.")
    running.refresh_from_db()
    change.refresh_from_db()
    version = running.current_version
    assert (version.number, version.source, version.created_by) == (
        2,
        VersionSource.CHANGE,
        fund_admin,
    )
    assert (version.starts_on, version.ends_on, version.scope) == (
        D(YEAR, 1, 1),
        D(NEXT + 1, 6, 30),
        "Även förskoleklass.",
    )
    assert running.ends_on == D(NEXT + 1, 6, 30)
    assert (change.state, change.result, change.decided_by, change.decision_reason) == (
        C.APPROVED,
        version,
        fund_admin,
        "Rimligt.",
    )
    assert budget_of(version) == {
        (YEAR, running.owner_id): 1_500_000,
        (YEAR, co_owner_org.pk): 1_000_000,
        (NEXT, running.owner_id): 1_500_000,
        (NEXT, co_owner_org.pk): 500_000,
        (NEXT + 1, running.owner_id): 500_000,
    }
    assert version.savings.count() == 2  # the benefits plan carries over
    assert budget_of(change.base)[(YEAR, running.owner_id)] == 2_000_000  # kept as it was
    with refused(code="exceeds_budget"):
        pay(running, fund_admin, YEAR, running.owner, 1_500_001)
    pay(running, fund_admin, YEAR, running.owner, 1_500_000)
    pay(running, fund_admin, NEXT + 1, running.owner, 500_000)


def test_approval_checks_again_against_payments_made_since_submission(
    running, manager, fund_admin, co_owner_org
):
    change = propose(
        new_change(running, manager),
        manager,
        budget=budget(running, co_owner_org, year_owner=1_000_000, next_owner=2_500_000),
    )
    submit(change, manager)
    pay(running, fund_admin, YEAR, running.owner, 1_200_000)
    with refused(code="below_paid"):
        services.change_request_approve(actor=fund_admin, change=change)
    running.refresh_from_db()
    assert running.current_version.number == 1
    assert state_of(change) == C.SUBMITTED


def test_a_change_made_against_an_older_version_is_refused(running, manager, fund_admin):
    change = submit(propose(new_change(running, manager), manager), manager)
    # The open-change rule keeps the services from this; a version made behind its back.
    newer = ProjectVersion.objects.create(
        project=running, number=2, source=VersionSource.CHANGE, starts_on=running.starts_on
    )
    type(running).objects.filter(pk=running.pk).update(current_version=newer)
    with translation.override("en"), refused(code="stale") as info:
        services.change_request_approve(actor=fund_admin, change=change)
    assert "now version 2" in info.value.message
    assert state_of(change) == C.SUBMITTED
    assert change.result is None


def test_an_open_change_is_not_approved_once_the_project_is_cancelled(running, manager, fund_admin):
    change = submit(propose(new_change(running, manager), manager, ends_on=D(NEXT, 6, 30)), manager)
    services.project_cancel(actor=fund_admin, project=running, reason="Avbrutet.")
    with refused(code="not_editable"):
        services.change_request_approve(actor=fund_admin, change=change)
    running.refresh_from_db()
    assert (running.current_version.number, running.ends_on) == (1, D(NEXT, 12, 31))
    assert state_of(change) == C.SUBMITTED


def test_a_draft_change_is_not_submitted_once_the_investment_phase_has_ended(
    running, manager, fund_admin
):
    change = propose(new_change(running, manager), manager)
    services.project_phase_end(actor=fund_admin, project=running, today=D(NEXT + 1, 1, 2))
    with refused(code="not_editable"):
        submit(change, manager)
    assert state_of(change) == C.DRAFT
    services.change_request_withdraw(actor=manager, change=change)  # it can still be closed


def test_a_rejection_gives_its_reason_and_the_project_side_hears_it(
    running, manager, deputy, applicant, fund_admin
):
    # The owner's staff submit this one: the submitter hears the decision too.
    change = submit(propose(new_change(running, manager), applicant), applicant)
    with refused(field="reason"):
        services.change_request_reject(actor=fund_admin, change=change, reason=" ")
    assert state_of(change) == C.SUBMITTED
    OutboundEmail.objects.all().delete()
    services.change_request_reject(actor=fund_admin, change=change, reason="Ej motiverat.")
    change.refresh_from_db()
    assert (change.state, change.decision_reason, change.decided_by) == (
        C.REJECTED,
        "Ej motiverat.",
        fund_admin,
    )
    assert emails("change_decided") == each(manager, deputy, applicant)
    with refused(code="transition"):
        services.change_request_approve(actor=fund_admin, change=change)
    running.refresh_from_db()
    assert running.current_version.number == 1


def test_fund_administrators_hear_of_a_submitted_change_the_project_side_of_its_approval(
    running, manager, deputy, fund_admin
):
    OutboundEmail.objects.all().delete()
    change = submit(propose(new_change(running, manager), manager), manager)
    assert emails("change_submitted") == each(fund_admin)
    services.change_request_approve(actor=fund_admin, change=change)
    assert emails("change_decided") == each(manager, deputy)


def test_a_change_is_withdrawn_before_the_decision_and_stays_withdrawn(running, manager):
    change = new_change(running, manager)
    services.change_request_withdraw(actor=manager, change=change)
    assert state_of(change) == C.WITHDRAWN
    with refused(code="transition"):
        services.change_request_withdraw(actor=manager, change=change)
    with refused(code="transition"):
        submit(change, manager)
    with refused(code="not_editable"):
        propose(change, manager)
    assert Event.objects.for_target(running).filter(action="change.withdrawn").count() == 1


# --- The revision after a reduced grant -----------------------------------------------------------


def reduced_budget(project, co_owner, year_owner=1_666_667):
    return [
        (YEAR, project.owner_id, "develop", year_owner),
        (YEAR, co_owner.pk, "introduce", 833_333),
        (NEXT, project.owner_id, "develop", 1_125_000),
        (NEXT, co_owner.pk, "evaluate", 375_000),
    ]


def test_the_revised_budget_equals_the_reduced_grant_exactly(reduced, applicant, co_owner_org):
    revision = new_change(reduced, applicant, ChangeKind.REVISION)
    assert sum(amount for *_key, amount in rows(revision)) == 4_000_000
    propose(revision, applicant, budget=reduced_budget(reduced, co_owner_org, 1_666_666))
    with translation.override("en"), refused(code="not_grant") as info:
        submit(revision, applicant)
    message = info.value.message.replace("\xa0", " ")
    assert "adds up to 3 999 999 kr; it must equal the 4 000 000 kr" in message
    assert "a difference of 1 kr" in message
    propose(revision, applicant, budget=reduced_budget(reduced, co_owner_org, 1_666_668))
    with refused(code="exceeds_grant"):
        submit(revision, applicant)
    assert state_of(revision) == C.DRAFT


def test_the_revised_benefits_plan_names_city_organisations_once_a_year(
    reduced, applicant, nonprofit, social
):
    revision = new_change(reduced, applicant, ChangeKind.REVISION)
    for savings in (
        [(nonprofit.pk, NEXT + 1, 100_000, "")],
        [(social.pk, NEXT + 1, 100_000, ""), (social.pk, NEXT + 1, 200_000, "")],
    ):
        propose(revision, applicant, savings=savings)
        with refused(field="savings"):
            submit(revision, applicant)
    with refused(field="savings"):
        propose(revision, applicant, savings=[(social.pk, NEXT + 1, -1, "")])
    assert state_of(revision) == C.DRAFT


def test_an_accepted_revision_lets_the_project_start(
    reduced, applicant, fund_admin, co_owner_org, social
):
    revision = propose(
        new_change(reduced, applicant, ChangeKind.REVISION),
        applicant,
        reason="Anpassat till beviljat belopp.",
        budget=reduced_budget(reduced, co_owner_org),
        savings=[(social.pk, NEXT + 1, 600_000, "Färre placeringar")],
    )
    submit(revision, applicant)
    with refused(code="revision_required"):
        services.project_activate(actor=fund_admin, project=reduced)
    services.change_request_approve(actor=fund_admin, change=revision)
    reduced.refresh_from_db()
    version = reduced.current_version
    assert (version.number, version.source, reduced.revision_required) == (
        2,
        VersionSource.REVISION,
        False,
    )
    assert list(version.savings.values_list("organisation_id", "year", "amount")) == [
        (social.pk, NEXT + 1, 600_000)
    ]
    assert sum(budget_of(version).values()) == 4_000_000
    start(reduced, fund_admin)
    assert reduced.state == ProjectState.ACTIVE
    assert new_change(reduced, applicant).kind == ChangeKind.CHANGE
