"""Review of submitted applications: assignments (never one in conflict), declarations,
scientific statements and revisions, council members' scores, who sees which scores and cases,
and the council's recommendation with its e-mail to the applicant."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.utils import timezone, translation

from applications import access as case_access
from applications import services
from applications.models import (
    DECLARATION,
    Application,
    ApplicationState,
    CouncilRecommendation,
    Criterion,
    CriterionScore,
    Outcome,
    ReviewAssignment,
    ReviewKind,
    ReviewStatement,
    Score,
)
from applications.selectors.reviews import fund_years
from core.conflicts import reasons as conflict_reasons
from core.errors import DomainError
from core.events import describe
from core.models import Event, OutboundEmail, Role
from core.money import check_years, format_kr
from core.services.delegations import delegation_create
from tests import factories
from tests.applications.conftest import (
    ALL_MET,
    SKETCH_FIELDS,
    application_in,
    assign,
    criteria,
    declare,
    recommend,
    score,
)

pytestmark = pytest.mark.django_db

A = ApplicationState
YEAR = timezone.localdate().year
REQUESTED = 3_000_000


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


def submit(application, actor):
    services.application_submit(actor=actor, application=application)
    application.refresh_from_db()
    return application


def request_revision(application, admin, statements=(), message="Förtydliga utvärderingen."):
    services.application_request_revision(
        actor=admin, application=application, message=message, statements=statements
    )
    application.refresh_from_db()
    return application


def statement(assignment, version=1, evidence="Stark evidens.", evaluation="Bra design."):
    return services.review_statement_submit(
        actor=assignment.reviewer,
        assignment=assignment,
        version=version,
        evidence=evidence,
        evaluation=evaluation,
    )


def ready(application, admin, reviewer, kind=ReviewKind.COUNCIL):
    """Assigned and declared: ready to score or write a statement."""
    return declare(assign(application, admin, reviewer, kind=kind))


@pytest.fixture
def scientist(db):
    return factories.person(Role.SCIENTIFIC_REVIEWER, name="Vera Vetenskap")


@pytest.fixture
def beneficiary(db):
    return factories.OrganisationFactory(
        name="Utbildningsnämnden", short_name="Utbildning", kind="specialist_committee"
    )


@pytest.fixture
def submitted_with_beneficiary(complete_application, applicant, beneficiary):
    """The shared application with a second savings row, in another organisation, submitted."""
    application = complete_application
    savings = [
        {"pk": row.pk, **{c: getattr(row, c) for c in ("organisation", "year", "amount")}}
        | {"assumptions": row.assumptions}
        for row in application.savings.all()
    ]
    savings.append(
        {
            "pk": None,
            "organisation": beneficiary,
            "year": YEAR + 2,
            "amount": 200_000,
            "assumptions": "Färre elevhälsoinsatser.",
        }
    )
    participants = list(application.participants.select_related("organisation"))
    services.application_update(
        actor=applicant,
        application=application,
        co_owners=[p.organisation for p in participants if p.role == "co_owner"],
        partners=[p.organisation for p in participants if p.role == "partner"],
        rows={"savings": savings},
    )
    return submit(application, applicant)


# --- Assignment --------------------------------------------------------------------------------


def test_assigning_a_council_member_tells_them_and_leaves_an_event(submitted, fund_admin, council):
    due = timezone.localdate() + dt.timedelta(days=14)
    assignment = assign(submitted, fund_admin, council[0], due_on=due)
    assert (assignment.reviewer, assignment.kind, assignment.due_on) == (
        council[0],
        ReviewKind.COUNCIL,
        due,
    )
    assert assignment.assigned_by == fund_admin
    assert assignment.is_active
    assert assignment.declared_at is None
    assert emails("review_assigned") == each(council[0])
    event = Event.objects.for_target(assignment).get(action="review.assigned")
    assert (event.actor, event.data) == (fund_admin, {"reviewer": "Ledamot 1", "as": "council"})


def test_a_scientific_reviewer_can_be_assigned_while_the_applicant_revises(
    submitted, fund_admin, scientist
):
    request_revision(submitted, fund_admin)
    assignment = assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC)
    assert assignment.kind == ReviewKind.SCIENTIFIC
    assert emails("review_assigned") == each(scientist)


@pytest.mark.parametrize(
    ("fixture", "part"),
    [
        ("organisation", "the owner"),
        ("co_owner_org", "a co-owner"),
        ("nonprofit", "a partner"),
        ("beneficiary", "a benefiting organisation"),
    ],
)
def test_a_member_of_the_cases_organisations_cannot_be_assigned(
    request, submitted_with_beneficiary, fund_admin, fixture, part
):
    organisation = request.getfixturevalue(fixture)
    member = factories.person(Role.COUNCIL_MEMBER, organisation=organisation, name="Jävig Ledamot")
    with translation.override("en"), refused(code="conflict", field="reviewer") as info:
        assign(submitted_with_beneficiary, fund_admin, member)
    assert f"member of {organisation.name}, {part}" in info.value.message
    assert "Jävig Ledamot" in info.value.message
    assert not ReviewAssignment.objects.exists()
    assert emails("review_assigned") == []


def test_conflict_reasons_name_each_organisation_once_with_its_first_part(
    submitted_with_beneficiary, organisation, co_owner_org, beneficiary
):
    """A member of two of the case's organisations has two reasons; an organisation that is
    both owner and benefiting (the savings row of the fixture) is named as the owner."""
    member = factories.person(Role.COUNCIL_MEMBER, organisation=organisation)
    factories.MembershipFactory(user=member, organisation=beneficiary)
    with translation.override("en"):
        reasons = conflict_reasons(member, submitted_with_beneficiary, timezone.localdate())
    assert sorted(reasons) == sorted(
        [
            f"member of {organisation.name}, the owner",
            f"member of {beneficiary.name}, a benefiting organisation",
        ]
    )


def test_a_membership_that_has_ended_is_no_conflict(submitted, fund_admin, organisation):
    member = factories.person(Role.COUNCIL_MEMBER)
    factories.MembershipFactory(
        user=member,
        organisation=organisation,
        valid_from=dt.date(2015, 1, 1),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    assert assign(submitted, fund_admin, member).is_active


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.SCIENTIFIC_REVIEWER, ReviewKind.COUNCIL),
        (Role.COUNCIL_MEMBER, ReviewKind.SCIENTIFIC),
        (Role.FUND_ADMIN, ReviewKind.COUNCIL),
    ],
)
def test_assignment_needs_the_role_of_the_kind(submitted, fund_admin, role, kind):
    person = factories.person(role)
    with refused(field="reviewer"):
        assign(submitted, fund_admin, person, kind=kind)
    assert not ReviewAssignment.objects.exists()


def test_a_deactivated_council_member_cannot_be_assigned(submitted, fund_admin, council):
    council[0].is_active = False
    council[0].save(update_fields=["is_active"])
    with refused(field="reviewer"):
        assign(submitted, fund_admin, council[0])


def test_the_same_person_cannot_be_assigned_twice(submitted, fund_admin, council):
    assign(submitted, fund_admin, council[0])
    with refused(code="already_assigned", field="reviewer"):
        assign(submitted, fund_admin, council[0])
    assert ReviewAssignment.objects.count() == 1
    assert emails("review_assigned") == each(council[0])


def test_after_a_withdrawn_assignment_the_person_can_be_assigned_again(
    submitted, fund_admin, council
):
    first = assign(submitted, fund_admin, council[0])
    services.review_unassign(actor=fund_admin, assignment=first, reason="Fel person.")
    second = assign(submitted, fund_admin, council[0])
    assert second.pk != first.pk
    assert list(ReviewAssignment.objects.active()) == [second]


@pytest.mark.parametrize("state", [A.DRAFT, A.WITHDRAWN])
def test_only_a_submitted_application_gets_reviewers(
    complete_application, applicant, fund_admin, council, state
):
    if state == A.WITHDRAWN:
        submit(complete_application, applicant)
        services.application_withdraw(
            actor=applicant, application=complete_application, reason="Läggs ner."
        )
    with refused(code="transition"):
        assign(complete_application, fund_admin, council[0])
    assert not ReviewAssignment.objects.exists()


def test_a_due_date_in_the_past_is_refused(submitted, fund_admin, council):
    with refused(field="due_on"):
        assign(submitted, fund_admin, council[0], due_on=timezone.localdate() - dt.timedelta(1))
    assert not ReviewAssignment.objects.exists()


def test_withdrawing_an_assignment_needs_a_reason_and_happens_once(submitted, fund_admin, council):
    assignment = assign(submitted, fund_admin, council[0])
    with refused(field="reason"):
        services.review_unassign(actor=fund_admin, assignment=assignment, reason="  ")
    assignment.refresh_from_db()
    assert assignment.is_active
    services.review_unassign(actor=fund_admin, assignment=assignment, reason="Sjukskriven.")
    assignment.refresh_from_db()
    assert (assignment.is_active, assignment.removed_reason) == (False, "Sjukskriven.")
    with refused(code="removed"):
        services.review_unassign(actor=fund_admin, assignment=assignment, reason="Igen.")


# --- Declaration -------------------------------------------------------------------------------


def test_declaring_no_conflict_stores_the_time_and_the_text(submitted, fund_admin, council):
    assignment = assign(submitted, fund_admin, council[0])
    before = timezone.now()
    declared = declare(assignment, text="Jag har tidigare arbetat i Farsta, 2010.")
    assignment.refresh_from_db()
    assert before <= assignment.declared_at <= timezone.now()
    assert assignment.declaration.startswith(str(DECLARATION))
    assert assignment.declaration.endswith("Jag har tidigare arbetat i Farsta, 2010.")
    assert declared.is_active
    assert assignment.conflict_declared_at is None
    assert emails("review_conflict_declared") == []
    assert Event.objects.for_target(assignment).filter(action="review.declared").count() == 1


def test_a_declared_conflict_needs_a_text(submitted, fund_admin, council):
    assignment = assign(submitted, fund_admin, council[0])
    with refused(field="text"):
        declare(assignment, conflict=True, text=" ")
    assignment.refresh_from_db()
    assert assignment.is_active
    assert assignment.conflict_declared_at is None
    assert emails("review_conflict_declared") == []


def test_a_declared_conflict_removes_the_assignment_and_tells_the_fund_administrators(
    submitted, fund_admin, other_fund_admin, council
):
    assignment = assign(submitted, fund_admin, council[0])
    declare(assignment, conflict=True, text="Min make leder projektet.")
    assignment.refresh_from_db()
    assert assignment.conflict_text == "Min make leder projektet."
    assert assignment.conflict_declared_at is not None
    assert assignment.removed_at == assignment.conflict_declared_at
    assert assignment.declared_at is None
    assert not ReviewAssignment.objects.active().exists()
    assert emails("review_conflict_declared") == each(fund_admin, other_fund_admin)
    for email in OutboundEmail.objects.filter(kind="review_conflict_declared"):
        assert "Ledamot 1" in email.body
        assert "Min make leder projektet." in email.body
        assert str(submitted.registration) in email.subject


def test_declaring_twice_is_refused(submitted, fund_admin, council):
    assignment = assign(submitted, fund_admin, council[0])
    declare(assignment)
    for conflict, text in ((False, ""), (True, "Ändrade mig.")):
        with refused(code="already_declared"):
            declare(assignment, conflict=conflict, text=text)
    assignment.refresh_from_db()
    assert assignment.is_active
    assert assignment.conflict_declared_at is None


def test_nothing_more_after_a_declared_conflict(submitted, fund_admin, council):
    assignment = assign(submitted, fund_admin, council[0])
    declare(assignment, conflict=True, text="Jäv.")
    with refused(code="removed"):
        declare(assignment)
    with refused(code="removed"):
        score(assignment)


def test_no_score_or_statement_before_declaring(submitted, fund_admin, council, scientist):
    member = assign(submitted, fund_admin, council[0])
    reviewer = assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC)
    with refused(code="not_declared"):
        score(member)
    with refused(code="not_declared"):
        statement(reviewer)
    assert not Score.objects.exists()
    assert not ReviewStatement.objects.exists()


# --- Scientific statements and revisions -------------------------------------------------------


def test_a_statement_is_stored_on_the_current_version(submitted, fund_admin, scientist):
    assignment = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    written = statement(assignment, evidence=" Stark evidens. ")
    assert (written.version, written.evidence, written.evaluation) == (
        1,
        "Stark evidens.",
        "Bra design.",
    )
    assert written.shared_at is None
    event = Event.objects.for_target(assignment).get(action="review.statement_submitted")
    assert event.data == {"version": 1}


@pytest.mark.parametrize("field", ["evidence", "evaluation"])
def test_a_statement_needs_both_parts(submitted, fund_admin, scientist, field):
    assignment = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    with refused(field=field):
        statement(assignment, **{field: "  "})
    assert not ReviewStatement.objects.exists()


def test_a_statement_twice_on_the_same_version_is_refused(submitted, fund_admin, scientist):
    assignment = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    statement(assignment)
    with refused(code="already_submitted"):
        statement(assignment, evidence="Andra tankar.")
    assert list(ReviewStatement.objects.values_list("evidence", flat=True)) == ["Stark evidens."]


def test_a_statement_can_be_written_while_the_applicant_revises(submitted, fund_admin, scientist):
    assignment = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    request_revision(submitted, fund_admin)
    assert statement(assignment).version == 1


def test_statements_attached_to_a_revision_request_are_shown_to_the_applicant(
    submitted, fund_admin, scientist
):
    other_scientist = factories.person(Role.SCIENTIFIC_REVIEWER)
    attached = statement(ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC))
    kept = statement(ready(submitted, fund_admin, other_scientist, ReviewKind.SCIENTIFIC))
    before = timezone.now()
    request_revision(submitted, fund_admin, statements=[attached])
    attached.refresh_from_db()
    kept.refresh_from_db()
    assert attached.shared_at is not None
    assert attached.shared_at >= before
    assert kept.shared_at is None
    event = Event.objects.for_target(submitted).get(action="application.revision_requested")
    assert event.data == {"statements": 1}


def test_a_statement_on_another_application_cannot_be_attached(
    submitted, fund_admin, scientist, open_call, applicant, organisation, meeting
):
    other = application_in(
        open_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )
    theirs = statement(ready(other, fund_admin, scientist, ReviewKind.SCIENTIFIC))
    with refused(field="statements"):
        request_revision(submitted, fund_admin, statements=[theirs])
    submitted.refresh_from_db()
    theirs.refresh_from_db()
    assert submitted.state == A.SUBMITTED
    assert theirs.shared_at is None


def test_a_new_version_tells_the_active_reviewers(
    submitted, applicant, fund_admin, council, scientist
):
    ready(submitted, fund_admin, council[0])
    assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC)
    gone = assign(submitted, fund_admin, council[1])
    declare(gone, conflict=True, text="Jäv.")
    assert emails("review_new_version") == []
    request_revision(submitted, fund_admin)
    submit(submitted, applicant)
    assert submitted.current_version == 2
    assert emails("review_new_version") == each(council[0], scientist)
    for email in OutboundEmail.objects.filter(kind="review_new_version"):
        assert "2" in email.subject
        assert str(submitted.registration) in email.subject


def test_a_review_of_an_outdated_version_is_refused(
    submitted, applicant, fund_admin, council, scientist
):
    member = ready(submitted, fund_admin, council[0])
    reviewer = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    statement(reviewer, version=1)
    request_revision(submitted, fund_admin)
    submit(submitted, applicant)
    with refused(code="outdated") as info:
        score(member, version=1)
    assert "2" in info.value.message
    with refused(code="outdated"):
        statement(reviewer, version=1, evidence="Sen.")
    assert statement(reviewer, version=2).version == 2
    assert score(member, version=2).version == 2
    assert list(Score.objects.values_list("version", flat=True)) == [2]


# --- Scores ------------------------------------------------------------------------------------


def test_a_score_stores_the_five_criteria_and_the_suggestion(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    given = criteria(c2=(False, 2, " Tveksam kalkyl. "))
    stored = score(
        assignment,
        outcome=Outcome.GRANT_REDUCED,
        amount=2_000_000,
        criteria=given,
        comment=" Bra men dyr. ",
    )
    assert (stored.version, stored.suggested_outcome, stored.suggested_amount) == (
        1,
        Outcome.GRANT_REDUCED,
        2_000_000,
    )
    assert stored.comment == "Bra men dyr."
    rows = list(stored.criteria.order_by("criterion").values_list("criterion", "met", "points"))
    assert rows == [(1, True, 4), (2, False, 2), (3, True, 4), (4, True, 4), (5, True, 4)]
    assert stored.criteria.get(criterion=2).comment == "Tveksam kalkyl."
    assert Event.objects.for_target(assignment).get(action="review.scored").data == {"version": 1}


@pytest.mark.parametrize("points", [0, 6, -1, "4", None])
def test_points_are_whole_numbers_from_one_to_five(submitted, fund_admin, council, points):
    assignment = ready(submitted, fund_admin, council[0])
    with refused(field="points_3"):
        score(assignment, criteria=criteria(c3=(True, points, "Kommentar")))
    assert not Score.objects.exists()
    assert not CriterionScore.objects.exists()


@pytest.mark.parametrize("points", [1, 5])
def test_the_ends_of_the_scale_are_allowed(submitted, fund_admin, council, points):
    assignment = ready(submitted, fund_admin, council[0])
    stored = score(assignment, criteria=criteria(points=points))
    assert set(stored.criteria.values_list("points", flat=True)) == {points}


def test_every_criterion_must_be_judged(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    given = criteria()
    del given[Criterion.EVALUATION.value]
    with refused(field="points_5"):
        score(assignment, criteria=given)
    assert not Score.objects.exists()


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_every_criterion_needs_a_comment(submitted, fund_admin, council, comment):
    assignment = ready(submitted, fund_admin, council[0])
    with refused(field="comment_4"):
        score(assignment, criteria=criteria(c4=(True, 3, comment)))
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "amount"),
    [
        (Outcome.REJECT, 1_000_000),
        (Outcome.GRANT, None),
        (Outcome.GRANT, 0),
        (Outcome.GRANT, REQUESTED + 1),
        (Outcome.GRANT_REDUCED, REQUESTED),
        (Outcome.GRANT_REDUCED, REQUESTED + 1),
        (Outcome.GRANT_REDUCED, None),
        (Outcome.GRANT_REDUCED, -5),
    ],
)
def test_the_suggested_amount_must_fit_the_outcome(submitted, fund_admin, council, outcome, amount):
    assignment = ready(submitted, fund_admin, council[0])
    with refused(field="suggested_amount"):
        score(assignment, outcome=outcome, amount=amount)
    assert not Score.objects.exists()


def test_an_unknown_outcome_is_refused(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    with refused(field="suggested_outcome"):
        score(assignment, outcome="maybe")


@pytest.mark.parametrize(
    ("outcome", "amount", "stored"),
    [
        (Outcome.REJECT, None, None),
        (Outcome.REJECT, 0, None),
        (Outcome.GRANT, REQUESTED, REQUESTED),
        (Outcome.GRANT_REDUCED, REQUESTED - 1, REQUESTED - 1),
    ],
)
def test_suggestions_that_fit(submitted, fund_admin, council, outcome, amount, stored):
    assignment = ready(submitted, fund_admin, council[0])
    assert score(assignment, outcome=outcome, amount=amount).suggested_amount == stored


def test_the_refusal_names_the_requested_amount(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    with refused() as info:
        score(assignment, outcome=Outcome.GRANT, amount=REQUESTED + 1)
    assert format_kr(REQUESTED) in info.value.message


def test_a_scientific_assignment_cannot_score(submitted, fund_admin, council, scientist):
    reviewer = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    with refused(code="wrong_kind"):
        score(reviewer)
    member = ready(submitted, fund_admin, council[0])
    with refused(code="wrong_kind"):
        statement(member)
    assert not Score.objects.exists()
    assert not ReviewStatement.objects.exists()


def test_scoring_twice_is_refused(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    score(assignment)
    with refused(code="already_scored"):
        score(assignment, outcome=Outcome.REJECT, amount=None)
    assert list(Score.objects.values_list("suggested_outcome", flat=True)) == [Outcome.GRANT]


def test_no_score_while_the_applicant_revises(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    request_revision(submitted, fund_admin)
    with refused(code="transition"):
        score(assignment)
    assert not Score.objects.exists()


def test_no_score_on_a_withdrawn_assignment(submitted, fund_admin, council):
    assignment = ready(submitted, fund_admin, council[0])
    services.review_unassign(actor=fund_admin, assignment=assignment, reason="Byter granskare.")
    with refused(code="removed"):
        score(assignment)
    assert not Score.objects.exists()


def test_no_score_after_the_recommendation(submitted, fund_admin, council, meeting):
    first = ready(submitted, fund_admin, council[0])
    late = ready(submitted, fund_admin, council[1])
    score(first)
    recommend(submitted, fund_admin, meeting)
    with refused(code="recommended"):
        score(late)
    assert Score.objects.count() == 1


# --- Who sees which scores ---------------------------------------------------------------------


def visible_scores(user, application) -> set[int]:
    assignments = list(application.assignments.prefetch_related("scores"))
    can_see = case_access.score_reader(user, application, assignments)
    return {s.pk for a in assignments for s in a.scores.all() if can_see(s)}


def test_a_member_sees_only_their_own_score_until_they_have_scored(submitted, fund_admin, council):
    first, second = (ready(submitted, fund_admin, member) for member in council[:2])
    mine = score(first)
    assert visible_scores(council[0], submitted) == {mine.pk}
    assert visible_scores(council[1], submitted) == set()
    theirs = score(second)
    assert visible_scores(council[1], submitted) == {mine.pk, theirs.pk}
    assert visible_scores(council[0], submitted) == {mine.pk, theirs.pk}


def test_scoring_one_version_does_not_reveal_the_next(submitted, applicant, fund_admin, council):
    first, second = (ready(submitted, fund_admin, member) for member in council[:2])
    v1 = {score(first).pk, score(second).pk}
    request_revision(submitted, fund_admin)
    submit(submitted, applicant)
    theirs = score(second, version=2)
    assert visible_scores(council[0], submitted) == v1
    mine = score(first, version=2)
    assert visible_scores(council[0], submitted) == v1 | {theirs.pk, mine.pk}


def test_an_unassigned_member_and_a_scientific_reviewer_see_no_scores(
    submitted, fund_admin, council, scientist, applicant
):
    ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    score(ready(submitted, fund_admin, council[0]))
    for person in (council[2], scientist, applicant):
        assert visible_scores(person, submitted) == set(), person


def test_a_member_who_declared_a_conflict_sees_no_scores_not_even_their_own(
    submitted, fund_admin, council
):
    """Scored version 1, was assigned again later and then declared a conflict."""
    first = ready(submitted, fund_admin, council[0])
    mine = score(first)
    theirs = score(ready(submitted, fund_admin, council[1]))
    assert visible_scores(council[0], submitted) == {mine.pk, theirs.pk}
    services.review_unassign(actor=fund_admin, assignment=first, reason="Omfördelning.")
    declare(assign(submitted, fund_admin, council[0]), conflict=True, text="Nytt uppdrag i Farsta.")
    assert visible_scores(council[0], submitted) == set()
    assert visible_scores(council[1], submitted) == {mine.pk, theirs.pk}


def test_those_who_read_everything_see_every_score(
    submitted, fund_admin, council, city_director, auditor
):
    deputy = factories.person(name="Dag Delegat")
    delegation_create(
        actor=city_director,
        delegate=deputy,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=7),
    )
    scores = {score(ready(submitted, fund_admin, member)).pk for member in council[:2]}
    for person in (fund_admin, city_director, auditor, deputy):
        assert visible_scores(person, submitted) == scores, person


# --- Who sees the case -------------------------------------------------------------------------


def visible(user) -> set[int]:
    return set(Application.objects.visible_to(user).values_list("pk", flat=True))


def test_a_scientific_reviewer_sees_only_the_application_assigned(
    submitted, fund_admin, scientist, open_call, applicant, organisation, meeting
):
    other = application_in(
        open_call, applicant, organisation, fund_admin, meeting, title="Simskola för nyanlända"
    )
    assert visible(scientist) == set()
    assignment = assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC)
    assert visible(scientist) == {submitted.pk}
    assert other.pk not in visible(scientist)
    services.review_unassign(actor=fund_admin, assignment=assignment, reason="Klart.")
    assert visible(scientist) == set()


def test_a_member_who_declared_a_conflict_no_longer_sees_the_application(
    submitted, fund_admin, council
):
    assert submitted.pk in visible(council[0])
    declare(assign(submitted, fund_admin, council[0]), conflict=True, text="Jäv.")
    assert submitted.pk not in visible(council[0])
    assert submitted.pk in visible(council[1])


def test_an_assigned_member_who_declared_no_conflict_still_sees_it(submitted, fund_admin, council):
    ready(submitted, fund_admin, council[0])
    assert submitted.pk in visible(council[0])


def test_a_member_of_a_benefiting_organisation_does_not_see_it(
    submitted_with_beneficiary, beneficiary
):
    member = factories.person(Role.COUNCIL_MEMBER, organisation=beneficiary)
    assert visible(member) == set()


# --- The council's recommendation --------------------------------------------------------------


@pytest.fixture
def scored(submitted, fund_admin, council):
    """Two council members have scored version 1."""
    for member, outcome, amount in ((council[0], "grant", REQUESTED), (council[1], "reject", None)):
        score(
            ready(submitted, fund_admin, member),
            outcome=outcome,
            amount=amount,
            criteria=criteria(comment=f"Hemlig kommentar av {member.full_name}"),
            comment=f"Helhetsomdöme av {member.full_name}",
        )
    return submitted


def test_a_grant_recommendation_is_recorded_with_its_years(scored, fund_admin, meeting):
    before = timezone.now()
    years = {YEAR: 2_000_000, YEAR + 1: 1_000_000}
    recommendation = recommend(scored, fund_admin, meeting, years=years | {YEAR + 2: 0})
    scored.refresh_from_db()
    assert scored.state == A.RECOMMENDED
    assert (recommendation.outcome, recommendation.amount, recommendation.version) == (
        Outcome.GRANT,
        REQUESTED,
        1,
    )
    assert dict(recommendation.years.values_list("year", "amount")) == years
    assert recommendation.criteria() == [(c, True) for c in Criterion]
    assert (recommendation.meeting, recommendation.recorded_by) == (meeting, fund_admin)
    assert recommendation.recorded_at >= before
    event = Event.objects.for_target(scored).get(action="recommendation.recorded")
    assert (event.from_state, event.to_state, event.comment) == (
        A.SUBMITTED,
        A.RECOMMENDED,
        "Väl underbyggd ansökan.",
    )


def test_fund_years_are_the_fund_financed_budget(scored):
    assert fund_years(scored) == {YEAR: REQUESTED}


@pytest.mark.parametrize("outcome", [Outcome.GRANT, Outcome.GRANT_REDUCED])
def test_a_criterion_not_met_rules_out_a_grant(scored, fund_admin, meeting, outcome):
    years = {YEAR: REQUESTED if outcome == Outcome.GRANT else 1_000_000}
    with refused(code="criterion_not_met") as info:
        recommend(
            scored, fund_admin, meeting, outcome, years, criteria_met=ALL_MET | {2: False, 4: False}
        )
    assert "2, 4" in info.value.message
    scored.refresh_from_db()
    assert scored.state == A.SUBMITTED
    assert not CouncilRecommendation.objects.exists()


def test_a_criterion_left_out_counts_as_not_met(scored, fund_admin, meeting):
    with refused(code="criterion_not_met"):
        recommend(scored, fund_admin, meeting, criteria_met={1: True, 2: True, 3: True, 4: True})


def test_rejecting_is_allowed_with_a_criterion_not_met(scored, fund_admin, meeting):
    recommendation = recommend(
        scored, fund_admin, meeting, Outcome.REJECT, criteria_met=ALL_MET | {5: False}
    )
    assert (recommendation.outcome, recommendation.amount) == (Outcome.REJECT, 0)
    assert recommendation.criteria_met["5"] is False
    assert not recommendation.years.exists()


@pytest.mark.parametrize(
    "years", [{YEAR: REQUESTED - 1}, {YEAR: REQUESTED, YEAR + 1: 1}, {}, {YEAR: 1_000_000}]
)
def test_a_grant_must_add_up_to_the_amount_applied_for(scored, fund_admin, meeting, years):
    with refused(code="years_total", field="years") as info:
        recommend(scored, fund_admin, meeting, Outcome.GRANT, years)
    assert format_kr(REQUESTED) in info.value.message
    assert format_kr(sum(years.values())) in info.value.message
    assert not CouncilRecommendation.objects.exists()


@pytest.mark.parametrize(
    "years", [{YEAR: REQUESTED}, {YEAR: 0}, {}, {YEAR: 2_000_000, YEAR + 1: 1_500_000}]
)
def test_a_reduced_grant_is_more_than_nothing_and_less_than_applied_for(
    scored, fund_admin, meeting, years
):
    with refused(code="years_total", field="years"):
        recommend(scored, fund_admin, meeting, Outcome.GRANT_REDUCED, years)
    assert not CouncilRecommendation.objects.exists()


def test_a_reduced_grant_below_the_amount_applied_for_is_recorded(scored, fund_admin, meeting):
    recommendation = recommend(
        scored, fund_admin, meeting, Outcome.GRANT_REDUCED, {YEAR: 1_500_000, YEAR + 1: 500_000}
    )
    assert recommendation.amount == 2_000_000


def test_a_recommendation_to_reject_has_no_amounts(scored, fund_admin, meeting):
    with refused(code="amounts", field="years"):
        recommend(scored, fund_admin, meeting, Outcome.REJECT, {YEAR: 1})
    assert not CouncilRecommendation.objects.exists()


@pytest.mark.parametrize("years", [{YEAR: -1, YEAR + 1: REQUESTED + 1}, {YEAR: 1.5}])
def test_amounts_per_year_are_whole_kronor_not_negative(scored, fund_admin, meeting, years):
    with refused(field="years"):
        recommend(scored, fund_admin, meeting, Outcome.GRANT_REDUCED, years)


def test_check_years_returns_the_total_and_refuses_booleans():
    assert check_years({2026: 5, 2027: 7}) == 12
    with refused(field="item_3"):
        check_years({2026: True}, field="item_3")


@pytest.mark.parametrize("missing", ["summary", "reasons"])
def test_a_recommendation_needs_a_summary_and_reasons(scored, fund_admin, meeting, missing):
    with refused(field=missing):
        recommend(scored, fund_admin, meeting, **{missing: "  "})
    assert not CouncilRecommendation.objects.exists()


def test_a_recommendation_needs_a_score_of_the_current_version(
    submitted, applicant, fund_admin, council, meeting
):
    member = ready(submitted, fund_admin, council[0])
    with refused(code="no_scores"):
        recommend(submitted, fund_admin, meeting)
    score(member)
    request_revision(submitted, fund_admin)
    submit(submitted, applicant)
    with refused(code="no_scores") as info:
        recommend(submitted, fund_admin, meeting)
    assert "2" in info.value.message
    score(member, version=2)
    assert recommend(submitted, fund_admin, meeting).version == 2


def test_a_score_of_a_withdrawn_assignment_does_not_count(submitted, fund_admin, council, meeting):
    member = ready(submitted, fund_admin, council[0])
    score(member)
    services.review_unassign(actor=fund_admin, assignment=member, reason="Visade sig jävig.")
    with refused(code="no_scores"):
        recommend(submitted, fund_admin, meeting)


def test_the_meeting_must_be_of_the_applications_fund(scored, fund_admin, council):
    other_fund = factories.FundFactory(name="Annan fond", started_on=dt.date(2015, 1, 1))
    elsewhere = services.council_meeting_create(
        actor=fund_admin, fund=other_fund, held_on=timezone.localdate(), members=council
    )
    with refused(field="meeting"):
        recommend(scored, fund_admin, elsewhere)
    assert not CouncilRecommendation.objects.exists()


def test_the_meeting_must_have_been_held(scored, fund_admin, meeting):
    with refused(field="meeting"):
        recommend(scored, fund_admin, meeting, today=meeting.held_on - dt.timedelta(days=1))
    assert not CouncilRecommendation.objects.exists()


def test_an_unknown_outcome_is_not_recorded(scored, fund_admin, meeting):
    with refused(field="outcome"):
        recommend(scored, fund_admin, meeting, "maybe", {})


def test_no_recommendation_while_the_applicant_revises(scored, fund_admin, meeting):
    request_revision(scored, fund_admin)
    with refused(code="transition"):
        recommend(scored, fund_admin, meeting)
    assert not CouncilRecommendation.objects.exists()


def test_the_applicant_hears_the_recommendation_and_reasons_but_not_the_scores(
    scored, fund_admin, meeting, applicant, council
):
    recommend(
        scored,
        fund_admin,
        meeting,
        Outcome.GRANT_REDUCED,
        {YEAR: 2_500_000},
        summary="Rådet tillstyrker med lägre belopp.",
        reasons="Budgeten för utvärdering är för hög.",
    )
    assert emails("application_recommended") == each(applicant, SKETCH_FIELDS["contact_email"])
    for email in OutboundEmail.objects.filter(kind="application_recommended"):
        text = email.subject + email.body
        assert "Rådet tillstyrker med lägre belopp." in email.body
        assert "Budgeten för utvärdering är för hög." in email.body
        assert format_kr(2_500_000) in email.body
        assert str(scored.registration) in email.subject
        for member in council:
            assert member.full_name not in text
        assert "Hemlig kommentar" not in text
        assert "Helhetsomdöme" not in text


def test_the_recommendation_can_be_recorded_again_before_a_proposal(scored, fund_admin, meeting):
    recommend(scored, fund_admin, meeting)
    again = recommend(scored, fund_admin, meeting, Outcome.REJECT, reasons="Omprövat.")
    assert CouncilRecommendation.objects.get() == again
    assert (again.outcome, again.amount, again.reasons) == (Outcome.REJECT, 0, "Omprövat.")
    assert not again.years.exists()
    assert Event.objects.for_target(scored).filter(action="recommendation.recorded").count() == 2


def test_the_recommendation_is_fixed_once_the_proposal_goes_to_the_city_director(
    scored, fund_admin, meeting, city_director
):
    recommend(scored, fund_admin, meeting)
    proposal = services.proposal_create(actor=fund_admin, call=scored.call)
    # Draft: may be recorded again (the proposal is rebuilt when sent).
    recommend(scored, fund_admin, meeting, Outcome.GRANT_REDUCED, {YEAR: 2_000_000})
    services.proposal_update(actor=fund_admin, proposal=proposal, summary="Sammanfattning.")
    services.proposal_submit(actor=fund_admin, proposal=proposal)
    with refused(code="in_proposal"):
        recommend(scored, fund_admin, meeting)
    assert CouncilRecommendation.objects.get().amount == 2_000_000
    # Sent back: may be recorded again.
    services.proposal_return(actor=city_director, proposal=proposal, message="Se över beloppet.")
    assert recommend(scored, fund_admin, meeting).amount == REQUESTED


def test_a_member_who_joins_one_of_the_cases_organisations_can_no_longer_score(
    submitted, fund_admin, council, co_owner_org
):
    """The conflict check at assignment is not enough: who belongs to a case's organisation
    when scoring cannot score (BRIEF.md "Conflict of interest")."""
    assignment = ready(submitted, fund_admin, council[0])
    factories.MembershipFactory(
        user=council[0], organisation=co_owner_org, valid_from=timezone.localdate()
    )
    with translation.override("en"), refused(code="conflict") as info:
        score(assignment)
    assert f"member of {co_owner_org.name}, a co-owner" in info.value.message
    assert not Score.objects.exists()


def test_a_reviewer_whose_organisation_the_revision_names_as_benefiting_takes_no_further_part(
    submitted, applicant, fund_admin, scientist, beneficiary
):
    factories.MembershipFactory(user=scientist, organisation=beneficiary)
    assignment = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    request_revision(submitted, fund_admin)
    savings = [
        {
            "pk": None,
            "organisation": beneficiary,
            "year": YEAR + 2,
            "amount": 200_000,
            "assumptions": "",
        }
    ]
    participants = list(submitted.participants.select_related("organisation"))
    services.application_update(
        actor=applicant,
        application=submitted,
        co_owners=[p.organisation for p in participants if p.role == "co_owner"],
        partners=[p.organisation for p in participants if p.role == "partner"],
        rows={"savings": savings},
    )
    # The revision's change ends the assignment (kept on record) and tells the administrators.
    assignment.refresh_from_db()
    assert assignment.removed_at is not None
    assert beneficiary.name in assignment.removed_reason
    assert emails("review_conflict_arisen") == [[fund_admin.email]]
    assert Event.objects.filter(action="review.conflict_arisen").count() == 1
    submit(submitted, applicant)
    with refused(code="removed"):
        statement(assignment, version=2)
    assert not ReviewStatement.objects.exists()


def test_the_applications_own_log_never_names_a_reviewer(
    submitted, applicant, fund_admin, council, scientist, meeting
):
    """The applicant reads the application's log: the reviewers' events belong to their
    assignments."""
    reviewer = ready(submitted, fund_admin, scientist, ReviewKind.SCIENTIFIC)
    statement(reviewer)
    declare(assign(submitted, fund_admin, council[1]), conflict=True, text="Jäv.")
    member = ready(submitted, fund_admin, council[0])
    score(member)
    services.review_unassign(actor=fund_admin, assignment=reviewer, reason="Klar.")
    recommend(submitted, fund_admin, meeting)
    logged = list(Event.objects.for_target(submitted))
    assert "recommendation.recorded" in {event.action for event in logged}
    names = [scientist.full_name, council[0].full_name, council[1].full_name]
    for event in logged:
        text = describe(event) + event.comment + str(event.data)
        for name in names:
            assert name not in text, (event.action, name)
        assert event.actor not in (scientist, council[0], council[1]), event.action


# --- A conflict that arises after scoring (BRIEF "Conflict of interest") -----------------------


def _name_as_partner(application, applicant, organisation):
    """The applicant's revision names ``organisation`` as a partner, and submits it."""
    participants = list(application.participants.select_related("organisation"))
    services.application_update(
        actor=applicant,
        application=application,
        co_owners=[p.organisation for p in participants if p.role == "co_owner"],
        partners=[p.organisation for p in participants if p.role == "partner"] + [organisation],
    )


def test_a_member_whose_organisation_a_revision_names_sees_no_scores_and_is_unassigned(
    submitted, applicant, fund_admin, other_fund_admin, council
):
    first, second = (ready(submitted, fund_admin, member) for member in council[:2])
    mine, theirs = score(first), score(second)
    assert visible_scores(council[0], submitted) == {mine.pk, theirs.pk}
    member_org = factories.OrganisationFactory(name="Kulturnämnden", kind="specialist_committee")
    factories.MembershipFactory(user=council[0], organisation=member_org)
    request_revision(submitted, fund_admin)
    _name_as_partner(submitted, applicant, member_org)
    # No one's scores, not even their own: they take no further part.
    assert visible_scores(council[0], submitted) == set()
    assert visible_scores(council[1], submitted) == {mine.pk, theirs.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.removed_at is not None
    assert second.removed_at is None
    assert member_org.name in first.removed_reason
    assert sorted(emails("review_conflict_arisen")) == sorted(
        [[fund_admin.email], [other_fund_admin.email]]
    )
    [event] = Event.objects.for_target(first).filter(action="review.conflict_arisen")
    with translation.override("en"):
        assert f"through {member_org.name}" in describe(event)


def test_the_assign_form_leaves_out_those_in_conflict_and_says_why(
    client, submitted, fund_admin, council, co_owner_org
):
    conflicted = factories.person(Role.COUNCIL_MEMBER, organisation=co_owner_org, name="Jon Jävig")
    client.force_login(fund_admin)
    response = client.get(f"/applications/{submitted.pk}/review/assign/")
    offered = set(response.context["form"].fields["reviewer"].queryset)
    assert set(council) <= offered
    assert conflicted not in offered
    text = response.content.decode()
    assert "Jon Jävig" in text
    assert co_owner_org.name in text


def test_a_member_assigned_again_after_a_declared_conflict_takes_part_again(
    submitted, fund_admin, council
):
    declare(assign(submitted, fund_admin, council[0]), conflict=True, text="Tillfälligt uppdrag.")
    assert not visible_case(council[0], submitted)
    again = ready(submitted, fund_admin, council[0])
    assert visible_case(council[0], submitted)
    mine = score(again)
    theirs = score(ready(submitted, fund_admin, council[1]))
    assert visible_scores(council[0], submitted) == {mine.pk, theirs.pk}


def visible_case(user, application) -> bool:
    return Application.objects.visible_to(user).filter(pk=application.pk).exists()
