"""The project a grant creates, its conditions, its states and its people."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from applications.models import BoardOutcome
from core import access, conflicts
from core.models import Event, OutboundEmail
from projects import services
from projects.access import works_on_projects
from projects.models import (
    AssignmentRole,
    BudgetLine,
    ProjectAssignment,
    ProjectState,
    VersionSource,
)
from projects.plans import budget_from_grant, condition_texts, period_ends
from tests import factories
from tests.projects.conftest import (
    GRANTED,
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
S = ProjectState


def lines_of(project):
    return {
        (line.year, line.recipient.name, line.cost_type): line.amount
        for line in BudgetLine.objects.filter(version=project.current_version).select_related(
            "recipient"
        )
    }


# --- Created from the grant -------------------------------------------------------------------


def test_a_grant_makes_a_starting_project_with_the_applications_plans(project, co_owner_org):
    assert project.state == S.STARTING
    assert project.granted_amount == GRANTED
    assert {p.organisation_id: p.role for p in project.participants.all()}[
        co_owner_org.pk
    ] == "co_owner"
    assert [c.text for c in project.conditions.all()] == [
        "Projektledare ska vara utsedd.",
        "Styrgruppen ska vara tillsatt.",
    ]
    assert project.indicators.count() == 1
    version = project.current_version
    assert (version.number, version.source) == (1, VersionSource.GRANT)
    assert (version.starts_on, version.ends_on) == (dt.date(YEAR, 1, 1), dt.date(NEXT, 12, 31))
    owner = project.owner.name
    assert lines_of(project) == {
        (YEAR, owner, "develop"): 2_000_000,
        (YEAR, co_owner_org.name, "introduce"): 1_000_000,
        (NEXT, owner, "develop"): 1_500_000,
        (NEXT, co_owner_org.name, "evaluate"): 500_000,
    }
    assert sorted(version.savings.values_list("year", "amount")) == [
        (NEXT + 1, 800_000),
        (NEXT + 2, 400_000),
    ]
    assert not project.revision_required


def test_a_reduced_grant_spreads_over_the_rows_and_asks_the_owner_to_revise(
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
        outcome=BoardOutcome.GRANTED_REDUCED,
        amount=4_000_000,
        years={YEAR: 2_500_000, NEXT: 1_500_000},
    )
    assert project.revision_required
    lines = lines_of(project)
    assert sum(lines.values()) == 4_000_000
    # 2 500 000 over 2 000 000 : 1 000 000, and 1 500 000 over 1 500 000 : 500 000.
    assert lines[(YEAR, project.owner.name, "develop")] == 1_666_667
    assert lines[(YEAR, co_owner_org.name, "introduce")] == 833_333
    assert lines[(NEXT, project.owner.name, "develop")] == 1_125_000
    assert emails("project_revision_asked") == each(applicant)


def test_creating_the_project_twice_gives_the_same_one(project, fund_admin):
    again = services.project_create_from_grant(actor=fund_admin, decision=project.board_decision)
    assert again == project
    assert project.versions.count() == 1


@given(
    years=st.dictionaries(st.integers(2020, 2030), st.integers(0, 10**9), max_size=5),
    rows=st.lists(
        st.tuples(
            st.integers(2020, 2030),
            st.integers(1, 4),
            st.sampled_from(["develop", "evaluate"]),
            st.integers(0, 10**8),
        ),
        max_size=8,
    ),
)
def test_the_first_budget_adds_up_to_the_grant_year_by_year(years, rows):
    lines = budget_from_grant(years, rows, owner_id=1)
    assert sum(lines.values()) == sum(years.values())
    for year, amount in years.items():
        assert sum(v for (y, _r, _u), v in lines.items() if y == year) == amount
    assert all(amount > 0 for amount in lines.values())


def test_the_boards_conditions_are_read_one_per_line():
    assert condition_texts("1. Styrgrupp\n\n- Projektledare  \n• Plan") == [
        "Styrgrupp",
        "Projektledare",
        "Plan",
    ]
    assert condition_texts("") == []


def test_reporting_periods_cover_the_investment_phase():
    assert period_ends(dt.date(2017, 3, 1), dt.date(2018, 5, 15)) == [
        dt.date(2017, 4, 30),
        dt.date(2017, 8, 31),
        dt.date(2017, 12, 31),
        dt.date(2018, 4, 30),
        dt.date(2018, 8, 31),
    ]
    assert period_ends(dt.date(2017, 1, 1), dt.date(2017, 12, 31))[-1] == dt.date(2017, 12, 31)
    assert period_ends(None, dt.date(2017, 1, 1)) == []


# --- Conditions and start ---------------------------------------------------------------------


def test_the_project_cannot_start_before_its_conditions_are_met(project, fund_admin):
    with refused(code="conditions_unmet") as info:
        services.project_activate(actor=fund_admin, project=project)
    assert "Projektledare ska vara utsedd." in info.value.message
    first, second = project.conditions.all()
    services.condition_meet(actor=fund_admin, condition=first, note="Maja utsedd.")
    with refused(code="already_met"):
        services.condition_meet(actor=fund_admin, condition=first)
    with refused(code="conditions_unmet") as info:
        services.project_activate(actor=fund_admin, project=project)
    assert "Projektledare" not in info.value.message
    services.condition_meet(actor=fund_admin, condition=second)
    services.project_activate(actor=fund_admin, project=project)
    project.refresh_from_db()
    assert project.state == S.ACTIVE
    assert project.activated_on == timezone.localdate()
    first.refresh_from_db()
    assert (first.met_by, first.note) == (fund_admin, "Maja utsedd.")
    assert Event.objects.for_target(project).filter(action="project.condition_met").count() == 2


def test_no_payment_before_the_conditions_are_met(project, fund_admin):
    with refused(code="conditions_unmet"):
        pay(project, fund_admin, YEAR, project.owner, 100)


def test_after_a_reduced_grant_the_project_waits_for_the_revision(
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
        outcome=BoardOutcome.GRANTED_REDUCED,
        amount=4_000_000,
        years={YEAR: 2_500_000, NEXT: 1_500_000},
        conditions="",
    )
    with refused(code="revision_required"):
        services.project_activate(actor=fund_admin, project=project)


# --- States ------------------------------------------------------------------------------------


def test_pause_needs_a_reason_and_stops_payments_until_resumed(
    running, fund_admin, manager, deputy
):
    with refused(field="reason"):
        services.project_pause(actor=fund_admin, project=running, reason=" ")
    OutboundEmail.objects.all().delete()  # the start's e-mails
    services.project_pause(actor=fund_admin, project=running, reason="Projektledaren sjuk.")
    running.refresh_from_db()
    assert (running.state, running.paused_from) == (S.PAUSED, S.ACTIVE)
    assert emails("project_state_changed") == each(manager, deputy)
    with refused(code="paused"):
        pay(running, fund_admin, YEAR, running.owner, 100)
    with refused(code="transition"):
        services.project_pause(actor=fund_admin, project=running, reason="Igen")
    services.project_resume(actor=fund_admin, project=running)
    running.refresh_from_db()
    assert running.state == S.ACTIVE
    pay(running, fund_admin, YEAR, running.owner, 100)
    with refused(code="not_paused"):
        services.project_resume(actor=fund_admin, project=running)


def test_a_cancelled_project_takes_no_payment_and_stays_cancelled(running, fund_admin):
    with refused(field="reason"):
        services.project_cancel(actor=fund_admin, project=running, reason="")
    services.project_cancel(actor=fund_admin, project=running, reason="Målgruppen finns inte.")
    running.refresh_from_db()
    assert (running.state, running.state_reason) == (S.CANCELLED, "Målgruppen finns inte.")
    with refused(code="state"):
        pay(running, fund_admin, YEAR, running.owner, 100)
    with refused(code="not_paused"):
        services.project_resume(actor=fund_admin, project=running)
    with refused(code="transition"):
        services.project_activate(actor=fund_admin, project=running)


def test_the_investment_phase_ends_on_its_end_date_not_before(running, fund_admin):
    with refused(code="phase_not_over") as info:
        services.project_phase_end(actor=fund_admin, project=running)
    assert f"{NEXT}-12-31" in info.value.message
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(NEXT + 1, 1, 2))
    running.refresh_from_db()
    assert running.state == S.PHASE_ENDED
    with refused(code="transition"):
        services.project_pause(actor=fund_admin, project=running, reason="x")


# --- People ------------------------------------------------------------------------------------


def test_a_new_project_manager_ends_the_previous_one(project, applicant, manager, deputy):
    today = timezone.localdate()
    first = services.project_assign(
        actor=applicant,
        project=project,
        role="manager",
        person=manager,
        organisation=project.owner,
    )
    second = services.project_assign(
        actor=applicant,
        project=project,
        role="manager",
        person=deputy,
        organisation=project.owner,
        valid_from=today + dt.timedelta(days=10),
    )
    first.refresh_from_db()
    assert first.valid_until == today + dt.timedelta(days=9)
    assert second.valid_until is None
    current = ProjectAssignment.objects.current(today + dt.timedelta(days=10)).get(role="manager")
    assert current == second
    assert emails("project_assigned") == each(manager, deputy)
    third = services.project_assign(
        actor=applicant,
        project=project,
        role="manager",
        person=applicant,
        organisation=project.owner,
        valid_from=today + dt.timedelta(days=5),
    )
    second.refresh_from_db()
    assert second.withdrawn_at is not None  # it had not begun
    assert third.valid_from == today + dt.timedelta(days=5)


def test_assignments_need_what_their_part_needs(project, applicant, manager):
    with refused(field="person"):
        services.project_assign(
            actor=applicant,
            project=project,
            role="manager",
            name="Namn",
            organisation=project.owner,
        )
    with refused(field="organisation"):
        services.project_assign(actor=applicant, project=project, role="manager", person=manager)
    with refused(field="valid_from"):
        services.project_assign(
            actor=applicant,
            project=project,
            role="steering",
            name="Stina Styr",
            organisation=project.owner,
            valid_from=timezone.localdate() - dt.timedelta(days=1),
        )
    member = services.project_assign(
        actor=applicant,
        project=project,
        role="steering",
        name="Stina Styr",
        organisation=project.owner,
    )
    assert (member.person, member.name, member.role) == (None, "Stina Styr", "steering")
    services.project_assign(
        actor=applicant, project=project, role="manager", person=manager, organisation=project.owner
    )
    with refused(field="person"):
        services.project_assign(
            actor=applicant,
            project=project,
            role="manager",
            person=manager,
            organisation=project.owner,
        )


def test_an_external_evaluator_needs_no_organisation(project, fund_admin, applicant, client):
    """An evaluator may be a researcher outside the city: named without an organisation, shown
    without one; every other part still needs it (the form says which)."""
    researcher = factories.person(name="Rolf Forskare")
    evaluator = services.project_assign(
        actor=fund_admin, project=project, role="evaluator", person=researcher
    )
    assert (evaluator.person, evaluator.organisation) == (researcher, None)
    client.force_login(fund_admin)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "Rolf Forskare</dd>" in page
    client.force_login(applicant)
    answer = client.post(
        f"/projects/{project.pk}/people/",
        {
            "role": "steering",
            "name": "Stina Styr",
            "valid_from": timezone.localdate().isoformat(),
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 200
    assert "Ange personens organisation." in answer.content.decode()
    assert not project.assignments.filter(name="Stina Styr").exists()


def test_ending_an_assignment_keeps_it_on_record(project, applicant, manager):
    assignment = services.project_assign(
        actor=applicant,
        project=project,
        role="manager",
        person=manager,
        organisation=project.owner,
    )
    today = timezone.localdate()
    with refused(field="valid_until"):
        services.project_assignment_end(
            actor=applicant, assignment=assignment, valid_until=today - dt.timedelta(days=1)
        )
    services.project_assignment_end(actor=applicant, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.valid_until == today
    assert not ProjectAssignment.objects.current(today + dt.timedelta(days=1)).exists()
    assert ProjectAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_project_side_hears_about_the_project_before_a_manager_is_named(
    project, fund_admin, applicant
):
    start(project, fund_admin)
    OutboundEmail.objects.all().delete()
    services.project_pause(actor=fund_admin, project=project, reason="Paus")
    assert emails("project_state_changed") == each(applicant)


# --- Conflicts of interest ---------------------------------------------------------------------


def test_the_projects_organisations_and_benefiting_organisations_take_part(
    project, co_owner_org, social, education
):
    parts = conflicts.parts_of(project)
    assert parts[project.owner_id] == conflicts.Part.OWNER
    assert parts[co_owner_org.pk] == conflicts.Part.CO_OWNER
    assert parts[social.pk] == parts[education.pk] == conflicts.Part.BENEFITING


def test_assignment_roles_have_labels():
    assert {role.value for role in AssignmentRole} == {"manager", "deputy", "steering", "evaluator"}


def test_leading_a_project_is_read_for_the_day_the_person_is_loaded_for(running, manager):
    """The standing's query is compiled once per process: the day is a parameter of the
    projects flag too, so a worker started yesterday does not answer with yesterday's day."""
    today = timezone.localdate()
    ProjectAssignment.objects.filter(person=manager).update(valid_until=today)
    loaded = access.person_with_standing(manager.pk, today)
    assert works_on_projects(loaded)
    tomorrow = access.person_with_standing(manager.pk, today + dt.timedelta(days=1))
    assert not works_on_projects(tomorrow)
