"""Review, recommendation, proposal, board decision and project pages cost the same number of
queries with N related rows as with 10N: the review page and the recommendation form, the
reviewer's list, assignment and start page, the proposal list and page (city director, board
secretary), the amounts form, the project list, the applicant's granted application, and the
start pages of the city director, the board secretary and the fund administrators.

The case under a page goes through the services (its events are on the page); the many rows
around it are grown directly with the models where the services would only add cost, and with
e-mails muted."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import (
    DECLARATION,
    Application,
    ApplicationState,
    BoardDecisionYear,
    BoardOutcome,
    CouncilRecommendation,
    Criterion,
    CriterionScore,
    IdeaSketch,
    Outcome,
    Proposal,
    ProposalItem,
    ProposalItemYear,
    ProposalState,
    RecommendationYear,
    ReviewAssignment,
    ReviewKind,
    ReviewStatement,
    Score,
    SketchState,
)
from applications.services.to_do import review_tasks_sync
from core import notices
from core.models import OrganisationKind, Role
from core.services.registration import registration_number_allocate
from projects.models import Project
from tests import factories
from tests.applications.conftest import ALL_MET, assign, declare, inject, recommend, score

pytestmark = pytest.mark.django_db

A = ApplicationState
P = ProposalState
YEAR = timezone.localdate().year
REQUESTED = 3_000_000

_numbers = itertools.count(1)


# --- Checking several pages over one growth ----------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start_items(client, role, under: str) -> list:
    """The start page's items in the section of ``role`` that lead to a page under ``under``."""
    (section,) = [s for s in client.get(reverse("start")).context["sections"] if s.role == role]
    return [item for item in section.actions + section.notes if item.url.startswith(under)]


# --- Rows made directly --------------------------------------------------------------------------


def _org():
    return factories.OrganisationFactory(name=f"Förvaltning {next(_numbers)}")


def _call(fund, admin):
    today = timezone.localdate()
    call = services.call_create(
        actor=admin,
        fund=fund,
        title=f"Utlysning {next(_numbers)}",
        description="Beskrivning",
        idea_sketch_deadline=today + dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=40),
        indicative_budget=20_000_000,
        decision_route="own_proposal",
    )
    return services.call_publish(actor=admin, call=call)


def _application(call, owner, creator, state=A.SUBMITTED) -> Application:
    """A submitted application (version 1) made directly, from an applicable sketch of its own
    with its registration number."""
    title = f"Ansökan {next(_numbers)}"
    now = timezone.now()
    sketch = IdeaSketch.objects.create(
        call=call,
        owner=owner,
        created_by=creator,
        state=SketchState.APPLICABLE,
        title=title,
        summary="Sammanfattning.",
        problem_and_target_group="Målgrupp.",
        complements_ordinary_work="Kompletterar.",
        estimated_amount=REQUESTED,
        estimated_years=1,
        contact_name="Ada Sökande",
        contact_email="ada@test.example",
        submitted_at=now,
        submitted_by=creator,
    )
    sketch.registration = registration_number_allocate(
        fund=call.fund, counterpart=owner, subject=title, case=sketch
    )
    sketch.save(update_fields=["registration"])
    return Application.objects.create(
        sketch=sketch,
        call=call,
        owner=owner,
        registration=sketch.registration,
        title=title,
        summary="Sammanfattning.",
        planned_start=dt.date(YEAR, 1, 1),
        planned_end=dt.date(YEAR, 12, 31),
        amount_requested=REQUESTED,
        contact_name="Ada Sökande",
        contact_email="ada@test.example",
        state=state,
        current_version=1,
        submitted_at=now,
        revision_message="Förtydliga." if state == A.REVISION_REQUESTED else "",
        created_by=creator,
    )


def _recommendation(application, meeting, admin, outcome=Outcome.GRANT):
    """The council's recommendation made directly: a grant of the amount applied for this year,
    or a rejection; the application becomes recommended."""
    amount = 0 if outcome == Outcome.REJECT else REQUESTED
    recommendation = CouncilRecommendation.objects.create(
        application=application,
        meeting=meeting,
        version=application.current_version,
        outcome=outcome,
        amount=amount,
        criteria_met={str(number): True for number in ALL_MET},
        summary="Rådet ser goda förutsättningar.",
        reasons="Väl underbyggd.",
        recorded_by=admin,
    )
    if amount:
        RecommendationYear.objects.create(recommendation=recommendation, year=YEAR, amount=amount)
    Application.objects.filter(pk=application.pk).update(state=A.RECOMMENDED)
    review_tasks_sync(application)
    return recommendation


def _recommended(call, owner, creator, meeting, admin, outcome=Outcome.GRANT) -> Application:
    application = _application(call, owner, creator)
    _recommendation(application, meeting, admin, outcome)
    return application


def _assignment(application, reviewer, admin, kind=ReviewKind.COUNCIL, *, declared=True, **fields):
    now = timezone.now()
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        kind=kind,
        assigned_by=admin,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        declared_at=now if declared else None,
        declaration=str(DECLARATION) if declared else "",
        **fields,
    )
    review_tasks_sync(application)
    return assignment


def _score(assignment, version, outcome=Outcome.GRANT):
    scored = Score.objects.create(
        assignment=assignment,
        version=version,
        suggested_outcome=outcome,
        suggested_amount=None if outcome == Outcome.REJECT else REQUESTED,
        comment="Helhetsbedömning.",
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(score=scored, criterion=c.value, met=True, points=4, comment="Kommentar")
        for c in Criterion
    )
    review_tasks_sync(assignment.application)
    return scored


def _statement(assignment, version, shared=False):
    statement = ReviewStatement.objects.create(
        assignment=assignment,
        version=version,
        evidence="Stark evidens.",
        evaluation="Bra design.",
        shared_at=timezone.now() if shared else None,
    )
    review_tasks_sync(assignment.application)
    return statement


def _proposal(call, admin, director, state, recommendations):
    """A proposal made directly in ``state`` with an item per recommendation."""
    now = timezone.now()
    sent = state != P.DRAFT
    approved = state in (P.APPROVED, P.DECIDED)
    proposal = Proposal.objects.create(
        call=call,
        state=state,
        summary="Rådet föreslår.",
        return_message="Sänk beloppen." if state == P.RETURNED else "",
        created_by=admin,
        submitted_at=now if sent else None,
        approved_at=now if approved else None,
        approved_by=director if approved else None,
        available_at_approval=100_000_000 if approved else None,
    )
    for recommendation in recommendations:
        item = ProposalItem.objects.create(
            proposal=proposal,
            application=recommendation.application,
            recommendation=recommendation,
            amount=recommendation.amount,
        )
        ProposalItemYear.objects.create(item=item, year=YEAR, amount=recommendation.amount)
    return proposal


def _reviewer(*roles):
    return factories.person(*roles, organisation=_reviewers_org())


def _reviewers_org():
    return factories.OrganisationFactory(
        name="Arbetsmarknadsnämnden", kind=OrganisationKind.SPECIALIST_COMMITTEE
    )


@pytest.fixture
def board_secretary(db):
    return factories.person(Role.BOARD_SECRETARY, name="Bo Sekreterare")


@pytest.fixture
def money(fund, fund_admin):
    """Enough in the fund for every proposal here."""
    return inject(fund, fund_admin, 500_000_000, value_date=timezone.localdate() - dt.timedelta(5))


def _through_the_board(proposal, admin, director, secretary, outcomes):
    """Send, approve and record the board's decision on each item (the services); ``outcomes``
    gives each item's decision in turn."""
    services.proposal_submit(actor=admin, proposal=proposal)
    services.proposal_approve(actor=director, proposal=proposal)
    today = timezone.localdate()
    for item in proposal.items.order_by("pk"):
        outcome = next(outcomes)
        reduced = outcome == BoardOutcome.GRANTED_REDUCED
        services.board_decision_record(
            actor=secretary,
            item=item,
            meeting_date=today,
            paragraph=str(next(_numbers)),
            board_reference=f"KS {YEAR}/{next(_numbers)}",
            outcome=outcome,
            years={YEAR: 2_000_000} if reduced else None,
            amount=2_000_000 if reduced else None,
            conditions="Rapportera halvårsvis." if outcome != BoardOutcome.REJECTED else "",
        )


# --- Review and recommendation ---------------------------------------------------------------


def test_review_page_and_recommendation_form_with_many_reviewers(
    submitted, fund_admin, council, same_at_n_and_10n
):
    """N council members assigned who all scored (outcomes varying), N scientific reviewers
    with statements and N assigned members yet to declare: on the review page (for the fund
    administrator and for a member who scored) and the recommendation form."""
    first = assign(submitted, fund_admin, council[0])
    declare(first)
    score(first)
    outcomes = itertools.cycle(
        [(Outcome.GRANT, REQUESTED), (Outcome.GRANT_REDUCED, 2_000_000), (Outcome.REJECT, None)]
    )

    def grow(count):
        for _ in range(count):
            member = declare(assign(submitted, fund_admin, _reviewer(Role.COUNCIL_MEMBER)))
            outcome, amount = next(outcomes)
            score(member, outcome=outcome, amount=amount)
            scientist = declare(
                assign(
                    submitted,
                    fund_admin,
                    _reviewer(Role.SCIENTIFIC_REVIEWER),
                    kind=ReviewKind.SCIENTIFIC,
                )
            )
            services.review_statement_submit(
                actor=scientist.reviewer,
                assignment=scientist,
                version=1,
                evidence="Stark evidens.",
                evaluation="Bra design.",
            )
            assign(submitted, fund_admin, _reviewer(Role.COUNCIL_MEMBER))

    admin = _client(fund_admin)
    review = reverse("applications:review", args=[submitted.pk])
    same_at_n_and_10n(
        [
            ("review page, fund administrator", admin, review),
            ("review page, member who scored", _client(council[0]), review),
            ("recommendation form", admin, reverse("applications:recommend", args=[submitted.pk])),
        ],
        grow,
        n=2,
    )
    assert len(admin.get(review).context["table"].columns) == 1 + 20


# --- The reviewer's pages ----------------------------------------------------------------------


def test_reviewer_list_and_start_page_with_many_assignments(
    open_call, applicant, fund_admin, meeting, same_at_n_and_10n
):
    """A person who is both council member and scientific reviewer, with each kind of
    assignment N times, each on an application of its own: to declare, scored, withdrawn,
    on an application already recommended, a statement to write while the applicant revises,
    a statement written."""
    reviewer = _reviewer(Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER)
    C, S = ReviewKind.COUNCIL, ReviewKind.SCIENTIFIC

    def on(state=A.SUBMITTED):
        return _application(open_call, _org(), applicant, state)

    def grow(count):
        for _ in range(count):
            _assignment(on(), reviewer, fund_admin, C, declared=False)
            _score(_assignment(on(), reviewer, fund_admin, C), 1)
            _assignment(
                on(), reviewer, fund_admin, C, removed_at=timezone.now(), removed_reason="Byte."
            )
            application = on()
            _score(_assignment(application, reviewer, fund_admin, C), 1)
            _recommendation(application, meeting, fund_admin)
            _assignment(on(A.REVISION_REQUESTED), reviewer, fund_admin, S)
            _statement(_assignment(on(), reviewer, fund_admin, S), 1)

    client = _client(reviewer)
    same_at_n_and_10n(
        [
            ("reviews:list", client, reverse("reviews:list")),
            ("reviews:list, to do now", client, reverse("reviews:list") + "?status=open"),
            ("start page, reviewer", client, reverse("start")),
        ],
        grow,
        n=1,
    )
    # The list in pages of 50; "to do now": the 10 to declare and the 10 statements to write.
    assert len(client.get(reverse("reviews:list")).context["rows"]) == 50
    assert len(client.get(reverse("reviews:list") + "?page=2").context["rows"]) == 10
    assert len(client.get(reverse("reviews:list") + "?status=open").context["rows"]) == 20
    # The database's "open tasks" are the assignments the models say have something to do.
    mine = ReviewAssignment.objects.for_reviewer(reviewer)
    assert {a.pk for a in mine.open_tasks()} == {
        a.pk
        for a in mine.active().select_related("application")
        if a.takes_reviews() and not a.reviewed(a.application.current_version)
    }
    # The start page: the first five tasks, and the other 15 counted.
    items = [
        item
        for role in (Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER)
        for item in _start_items(client, role, "/reviews/")
    ]
    [more] = [item for item in items if item.count is not None]
    assert (len(items), more.count, more.url) == (6, 15, reverse("reviews:list") + "?status=open")


def test_assignment_page_with_many_earlier_scores_and_other_assignments(
    submitted, fund_admin, council, same_at_n_and_10n
):
    """The applicant submits new versions; on each the member has scored and the scientific
    reviewer written a statement (the earlier ones listed as outdated), and other members are
    assigned to the application and have scored too."""
    member = declare(assign(submitted, fund_admin, council[0]))
    score(member)
    scientist = _reviewer(Role.SCIENTIFIC_REVIEWER)
    statements = declare(assign(submitted, fund_admin, scientist, kind=ReviewKind.SCIENTIFIC))
    services.review_statement_submit(
        actor=scientist, assignment=statements, version=1, evidence="E.", evaluation="U."
    )

    def grow(count):
        for _ in range(count):
            Application.objects.filter(pk=submitted.pk).update(
                current_version=F("current_version") + 1
            )
            version = Application.objects.get(pk=submitted.pk).current_version
            _score(member, version)
            _statement(statements, version)
            other = _assignment(submitted, _reviewer(Role.COUNCIL_MEMBER), fund_admin)
            _score(other, version)

    council_page = reverse("reviews:assignment", args=[member.pk])
    client = _client(council[0])
    same_at_n_and_10n(
        [
            ("assignment, council member", client, council_page),
            ("assignment, fund administrator", _client(fund_admin), council_page),
            (
                "assignment, scientific reviewer",
                _client(scientist),
                reverse("reviews:assignment", args=[statements.pk]),
            ),
        ],
        grow,
        n=2,
    )
    assert len(client.get(council_page).context["scores"]) == 1 + 20


# --- Proposals and the start pages ------------------------------------------------------------


def test_proposal_list_and_start_pages_with_many_proposals(
    fund,
    fund_admin,
    city_director,
    board_secretary,
    applicant,
    organisation,
    meeting,
    same_at_n_and_10n,
):
    """Each call with an application recommended for a grant: N calls ready for a proposal,
    N proposals being prepared, N with the city director, N sent back and N approved (with the
    board secretary): on the proposal list and the start page of the fund administrator, the
    city director and the board secretary."""

    def proposal(state):
        call = _call(fund, fund_admin)
        application = _recommended(call, _org(), applicant, meeting, fund_admin)
        _proposal(call, fund_admin, city_director, state, [application.recommendation])

    def grow(count):
        for _ in range(count):
            _recommended(_call(fund, fund_admin), _org(), applicant, meeting, fund_admin)
            for state in (P.DRAFT, P.SUBMITTED, P.RETURNED, P.APPROVED):
                proposal(state)

    admin, director, secretary = (
        _client(person) for person in (fund_admin, city_director, board_secretary)
    )
    proposals, start = reverse("proposals:list"), reverse("start")
    same_at_n_and_10n(
        [
            ("proposals:list, fund administrator", admin, proposals),
            ("proposals:list, city director", director, proposals),
            ("proposals:list, board secretary", secretary, proposals),
            ("start page, fund administrator", admin, start),
            ("start page, city director", director, start),
            ("start page, board secretary", secretary, start),
        ],
        grow,
        n=1,
    )
    assert len(admin.get(proposals).context["page"].object_list) == 4 * 10
    assert len(admin.get(proposals).context["ready"]) == 10
    for client, role in ((director, Role.CITY_DIRECTOR), (secretary, Role.BOARD_SECRETARY)):
        assert len(_start_items(client, role, "/proposals/")) == 10
    assert len(_start_items(admin, Role.FUND_ADMIN, "/proposals/")) == 2 * 10


def test_proposal_page_with_the_city_director_with_many_applications(
    open_call,
    fund_admin,
    city_director,
    applicant,
    meeting,
    money,
    same_at_n_and_10n,
):
    """The call's proposal with the city director, with N applications recommended for a grant
    (the proposal sent back and sent again to take them in), and N other applications of the
    call (submitted, or recommended for rejection); also the director's amounts form."""
    state = {}

    def grow(count):
        for _ in range(count):
            _recommended(open_call, _org(), applicant, meeting, fund_admin)
            _recommended(open_call, _org(), applicant, meeting, fund_admin, Outcome.REJECT)
            _application(open_call, _org(), applicant)
        proposal = state.get("proposal")
        if proposal is None:
            proposal = services.proposal_create(actor=fund_admin, call=open_call)
            services.proposal_update(actor=fund_admin, proposal=proposal, summary="Rådet föreslår.")
            state["proposal"] = proposal
        else:
            services.proposal_return(actor=city_director, proposal=proposal, message="Ta med fler.")
        services.proposal_submit(actor=fund_admin, proposal=proposal)

    director = _client(city_director)
    same_at_n_and_10n(
        [
            ("proposal, city director", director, lambda: _detail(state)),
            ("proposal, fund administrator", _client(fund_admin), lambda: _detail(state)),
            (
                "amounts form, city director",
                director,
                lambda: reverse("proposals:amounts", args=[state["proposal"].pk]),
            ),
        ],
        grow,
        n=2,
    )
    assert len(director.get(_detail(state)).context["items"]) == 20


def _detail(state) -> str:
    return reverse("proposals:detail", args=[state["proposal"].pk])


def test_decided_proposal_page_and_project_list_with_many_decisions(
    fund,
    fund_admin,
    city_director,
    board_secretary,
    applicant,
    organisation,
    meeting,
    money,
    same_at_n_and_10n,
):
    """A call's proposal approved by the city director and the board's decision recorded on
    each application (granted, granted with a reduced amount, rejected in turn), N applications
    in it against 10N in a second call's: the proposal page for the board secretary and the fund
    administrator, and the project list (the first call's grants, then both calls') for the
    fund administrator and the owner's applicant."""
    state = {}

    def grow(count):
        call = _call(fund, fund_admin)
        for _ in range(count):
            _recommended(call, organisation, applicant, meeting, fund_admin)
        _application(call, _org(), applicant)
        proposal = services.proposal_create(actor=fund_admin, call=call)
        services.proposal_update(actor=fund_admin, proposal=proposal, summary="Rådet föreslår.")
        outcomes = itertools.cycle(
            [BoardOutcome.GRANTED, BoardOutcome.GRANTED_REDUCED, BoardOutcome.REJECTED]
        )
        _through_the_board(proposal, fund_admin, city_director, board_secretary, outcomes)
        state["proposal"] = proposal

    admin = _client(fund_admin)
    projects = reverse("projects:list")
    same_at_n_and_10n(
        [
            ("decided proposal, board secretary", _client(board_secretary), lambda: _detail(state)),
            ("decided proposal, fund administrator", admin, lambda: _detail(state)),
            ("projects:list, fund administrator", admin, projects),
            ("projects:list, applicant", _client(applicant), projects),
        ],
        grow,
        n=2,
        then=20,
    )
    assert Proposal.objects.get(pk=state["proposal"].pk).state == P.DECIDED
    assert len(admin.get(projects).context["page"].object_list) == Project.objects.count() == 16


# --- The applicant's granted application ------------------------------------------------------


def test_granted_application_page_with_many_statements_and_years(
    submitted,
    applicant,
    fund_admin,
    council,
    meeting,
    city_director,
    board_secretary,
    money,
    same_at_n_and_10n,
):
    """After the board's grant: the recommendation and the board's decision with N years each,
    and N scientific statements shown to the applicant, for the applicant and the fund
    administrator."""
    member = declare(assign(submitted, fund_admin, council[0]))
    score(member)
    with notices.muted():
        recommend(submitted, fund_admin, meeting)
        proposal = services.proposal_create(actor=fund_admin, call=submitted.call)
        services.proposal_update(actor=fund_admin, proposal=proposal, summary="Rådet föreslår.")
        _through_the_board(
            proposal, fund_admin, city_director, board_secretary, iter([BoardOutcome.GRANTED])
        )
    submitted.refresh_from_db()
    assert submitted.state == A.GRANTED
    recommendation, decision = submitted.recommendation, submitted.board_decision
    years = itertools.count(YEAR + 1)

    def grow(count):
        for _ in range(count):
            scientist = _assignment(
                submitted, _reviewer(Role.SCIENTIFIC_REVIEWER), fund_admin, ReviewKind.SCIENTIFIC
            )
            _statement(scientist, 1, shared=True)
            year = next(years)
            RecommendationYear.objects.create(recommendation=recommendation, year=year, amount=1)
            BoardDecisionYear.objects.create(decision=decision, year=year, amount=1)

    client = _client(applicant)
    url = reverse("applications:detail", args=[submitted.pk])
    same_at_n_and_10n(
        [
            ("granted application, applicant", client, url),
            ("granted application, fund administrator", _client(fund_admin), url),
        ],
        grow,
        n=3,
    )
    assert len(client.get(url).context["shared_statements"]) == 30
