"""Demo reviews and the board's decisions on the thirteen historic investments.

Each is decided as the process says: the fund administrator assigns the council members who
are not in conflict (three where possible; Karin Berg belongs to Skarpnäck and Jonas Wikström
to the education committee, so each of them sits out some), each declares no conflict and
scores the five criteria; the council recommends a grant of the amount applied for at a meeting
after the application deadline; the fund administrator sends the call's proposal to the city
director, who approves it; the board secretary records the board's grant of each application,
which writes the grant to the fund's ledger (value date: the board's meeting) and starts the
project. The thirteen grants add up to 229.2 MSEK, as the seeds say. The 2019 round is decided
within the four-month report T2. Every score, paragraph, reference and text is demo data and
says so. Each step is recorded at its historic date (``core.events.recorded_at``: the log's
events, the ledger's grant entries and the projects are written with it); the timestamps the
services stamp on the review and the decisions themselves are moved to it afterwards.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from applications import services
from applications.demo_cases import COUNCIL, DEMO, INVESTMENTS, at_hour
from applications.models import (
    Application,
    ApplicationState,
    BoardDecision,
    BoardOutcome,
    Call,
    CallState,
    CouncilMeeting,
    CouncilRecommendation,
    Criterion,
    DecisionRoute,
    Outcome,
    Proposal,
    ProposalState,
    ReviewAssignment,
    ReviewKind,
    Score,
)
from applications.selectors.reviews import fund_years
from core import conflicts
from core import demo as core_demo
from core.events import recorded_at
from core.models import Delegation, User
from core.money import format_kr, format_mnkr
from core.notices import muted


@dataclass(frozen=True)
class BoardRound:
    """The demo dates of one historic call's review and decision (not in the seeds)."""

    council: dt.date  # the council's meeting that recommends
    approved: dt.date  # the city director approves the proposal
    board: dt.date  # the board's meeting (kommunstyrelsen meets on Wednesdays)
    paragraph: int  # the minute paragraph of the first application
    registration: int  # the board's registration number (KS year/number) of the first one


# Per historic call (by index in applications.demo.HISTORIC).
BOARD_ROUNDS = {
    0: BoardRound(dt.date(2016, 6, 21), dt.date(2016, 8, 17), dt.date(2016, 9, 7), 14, 1043),
    1: BoardRound(dt.date(2016, 12, 20), dt.date(2017, 1, 18), dt.date(2017, 2, 8), 9, 2187),
    2: BoardRound(dt.date(2017, 6, 20), dt.date(2017, 8, 16), dt.date(2017, 9, 6), 17, 1187),
    3: BoardRound(dt.date(2017, 12, 19), dt.date(2018, 1, 17), dt.date(2018, 2, 7), 11, 2076),
    4: BoardRound(dt.date(2018, 6, 19), dt.date(2018, 8, 15), dt.date(2018, 9, 5), 21, 1254),
    # Decided within the four-month report T2 of 2019 (January-August), in October.
    5: BoardRound(dt.date(2019, 5, 21), dt.date(2019, 9, 18), dt.date(2019, 10, 2), 8, 938),
}
# A council member's comment per criterion: three variants each, chosen by case and member.
CRITERION_COMMENTS = {
    Criterion.GOALS: (
        "Insatsen bidrar tydligt till kommunfullmäktiges mål om goda uppväxtvillkor för barn "
        "och unga.",
        "Väl förankrad i fullmäktiges mål om en sammanhållen stad där fler kommer i arbete.",
        "Ansökan visar konkret hur insatsen stöder fullmäktiges mål om trygghet och delaktighet.",
    ),
    Criterion.GAINS: (
        "Kalkylen över minskade kostnader är rimlig; antagandena om undvikna placeringar bör "
        "följas upp noga.",
        "Sannolika samhällsekonomiska vinster. Kostnadsminskningarna hos de nämnder som gynnas "
        "är tydligt beskrivna.",
        "Nyttorealiseringsplanen är trovärdig, även om de ekonomiska effekterna kommer sent.",
    ),
    Criterion.KNOWLEDGE: (
        "Bygger på en metod med stöd i forskning och beprövad erfarenhet.",
        "Arbetssättet är kunskapsbaserat och genomförandeplanen är konkret.",
        "Metoden är prövad i andra kommuner och anpassas här till stadens förutsättningar.",
    ),
    Criterion.COLLABORATION: (
        "Bred samverkan mellan förvaltningar och med civilsamhället.",
        "Ansvaret mellan ägare och samverkanspartner är tydligt fördelat i styrgruppen.",
        "Helhetssynen stärks när flera förvaltningar delar ansvaret för målgruppen.",
    ),
    Criterion.EVALUATION: (
        "Uppföljningsplanen är tydlig och jämförelsegruppen gör det möjligt att mäta effekter.",
        "Indikatorerna är mätbara; utvärderingsdesignen bör preciseras vid projektstart.",
        "Systematisk uppföljning är möjlig och en extern utvärderare är anlitad.",
    ),
}
RECOMMENDATION_REASONS = (
    "Ansökan uppfyller fondens fem kriterier. Rådet bedömer att insatsen är förebyggande, "
    "bygger på kunskapsbaserade arbetssätt och har trovärdiga planer för nyttorealisering, "
    "uppföljning och utvärdering." + DEMO
)


def _points(*parts) -> int:
    """A stable score from 3 to 5 for a case, member and criterion (no randomness)."""
    return 3 + zlib.crc32("|".join(str(part) for part in parts).encode()) % 3


def _council_members() -> list[User]:
    addresses = [f"{name}@{core_demo.DEMO_DOMAIN}" for name in COUNCIL]
    return sorted(User.objects.filter(email__in=addresses), key=lambda u: addresses.index(u.email))


def _review(admin, application: Application, number: int, round_: BoardRound, meeting) -> None:
    """Assign the council members not in conflict, have them declare and score, and record
    the council's recommendation to grant the amount applied for."""
    if CouncilRecommendation.objects.filter(application=application).exists():
        return
    deadline = application.call.application_deadline
    assigned_on = deadline + dt.timedelta(days=2)
    for position, member in enumerate(_council_members()):
        if conflicts.reasons(member, application, assigned_on):
            continue  # never assigned (the assign service refuses it anyway)
        assignment = (
            ReviewAssignment.objects.active()
            .filter(application=application, reviewer=member, kind=ReviewKind.COUNCIL)
            .first()
        )
        if assignment is None:
            assigned = at_hour(assigned_on, 9)
            with recorded_at(assigned):
                assignment = services.review_assign(
                    actor=admin,
                    application=application,
                    reviewer=member,
                    kind=ReviewKind.COUNCIL,
                    due_on=round_.council - dt.timedelta(days=5),
                    today=assigned_on,
                )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(assigned_at=assigned)
        if assignment.declared_at is None:
            declared = at_hour(assigned_on + dt.timedelta(days=1 + position), 8)
            with recorded_at(declared):
                assignment = services.review_declare(
                    actor=member, assignment=assignment, conflict=False
                )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(declared_at=declared)
        version = application.current_version
        if not Score.objects.filter(assignment=assignment, version=version).exists():
            variant = (number + position) % 3
            scored = at_hour(assigned_on + dt.timedelta(days=5 + number + position), 14)
            with recorded_at(scored):
                score = services.application_score(
                    actor=member,
                    assignment=assignment,
                    version=version,
                    criteria={
                        criterion.value: (
                            True,
                            _points(application.title, member.email, criterion.value),
                            CRITERION_COMMENTS[criterion][variant],
                        )
                        for criterion in Criterion
                    },
                    suggested_outcome=Outcome.GRANT,
                    suggested_amount=application.amount_requested,
                    comment="Föreslår bifall med det sökta beloppet." + DEMO,
                )
            Score.objects.filter(pk=score.pk).update(submitted_at=scored)
    recommended = at_hour(meeting.held_on, 15)
    with recorded_at(recommended):
        recommendation = services.recommendation_record(
            actor=admin,
            application=application,
            meeting=meeting,
            outcome=Outcome.GRANT,
            criteria_met={criterion.value: True for criterion in Criterion},
            years=fund_years(application),
            summary=(
                f"{application.summary.removesuffix(DEMO)} Rådet rekommenderar att det sökta "
                f"beloppet, {format_kr(application.amount_requested)}, beviljas." + DEMO
            ),
            reasons=RECOMMENDATION_REASONS,
            today=meeting.held_on,
        )
    CouncilRecommendation.objects.filter(pk=recommendation.pk).update(recorded_at=recommended)


def _proposal_summary(call: Call, applications: list[Application]) -> str:
    total = sum(application.amount_requested for application in applications)
    route = (
        "Kommunstyrelsen beslutar om förslaget inom tertialrapport 2."
        if call.decision_route == DecisionRoute.FOUR_MONTH_REPORT
        else "Kommunstyrelsen beslutar om förslaget i ett eget ärende."
    )
    return (
        f"Rådet för sociala investeringar har bedömt ansökningarna i {call.title} och "
        f"rekommenderar att kommunstyrelsen beviljar {len(applications)} ansökningar med "
        f"sammanlagt {format_kr(total)} ur den sociala investeringsfonden. Samtliga uppfyller "
        f"fondens fem kriterier. {route}\n\n"
        "Demodata: beloppen, datumen och texterna är påhittade. Att fonden 2016-2019 beviljade "
        f"13 investeringar om sammanlagt {format_mnkr(229_200_000)} kommer från underlagen."
    )


def _approver(director: User, day: dt.date) -> User:
    """The city director, or on a day she has delegated (core.demo's summer of 2017) her
    delegate, who approves "på delegation"."""
    delegation = Delegation.objects.active_on(day).filter(delegator=director).first()
    return delegation.delegate if delegation is not None else director


def decide_historic(admin, call: Call, index: int, today: dt.date) -> None:
    """The review and the board's decisions on the call's investments (see the module's
    docstring). Skipped when the call has a proposal to the board, or its applications are
    not all submitted and waiting (someone has changed them in the demo)."""
    round_ = BOARD_ROUNDS.get(index)
    cases = INVESTMENTS.get(index, [])
    if round_ is None or not cases or round_.board > today:
        return
    if Proposal.objects.filter(call=call).exists():
        return
    applications = list(
        Application.objects.filter(call=call, title__in=[case.title for case in cases]).order_by(
            "pk"
        )
    )
    waiting = (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED)
    if len(applications) != len(cases) or any(a.state not in waiting for a in applications):
        return
    users = {
        name: User.objects.get(email=f"{name}@{core_demo.DEMO_DOMAIN}")
        for name in (core_demo.DIRECTOR, core_demo.BOARD_SECRETARY)
    }
    was_published = call.state == CallState.PUBLISHED
    created = at_hour(round_.council + dt.timedelta(days=1), 9)
    submitted = at_hour(round_.council + dt.timedelta(days=3), 16)
    approved = at_hour(round_.approved, 11)
    recorded = at_hour(round_.board + dt.timedelta(days=1), 10)
    with muted():
        held = at_hour(round_.council, 16)
        with recorded_at(held):
            meeting = services.council_meeting_create(
                actor=admin,
                fund=call.fund,
                held_on=round_.council,
                members=_council_members(),
                note="Bedömning av ansökningarna i " + call.title + DEMO,
                today=round_.council,
            )
        CouncilMeeting.objects.filter(pk=meeting.pk).update(created_at=held)
        for number, application in enumerate(applications):
            _review(admin, application, number, round_, meeting)
        with recorded_at(created):
            proposal = services.proposal_create(actor=admin, call=call)
            proposal = services.proposal_update(
                actor=admin, proposal=proposal, summary=_proposal_summary(call, applications)
            )
        with recorded_at(submitted):
            proposal = services.proposal_submit(actor=admin, proposal=proposal)
        Proposal.objects.filter(pk=proposal.pk).update(created_at=created, submitted_at=submitted)
        with recorded_at(approved):
            proposal = services.proposal_approve(
                actor=_approver(users[core_demo.DIRECTOR], round_.approved),
                proposal=proposal,
                at=approved,
            )
        items = sorted(proposal.items.select_related("application"), key=lambda i: i.pk)
        # The grants (with their ledger entries and projects) are recorded the day after the
        # board's meeting; the last one closes the call.
        with recorded_at(recorded):
            for number, item in enumerate(items):
                decision = services.board_decision_record(
                    actor=users[core_demo.BOARD_SECRETARY],
                    item=item,
                    meeting_date=round_.board,
                    paragraph=str(round_.paragraph + number),
                    board_reference=(
                        f"KS {round_.council.year}/{round_.registration + number:04d} (demo)"
                    ),
                    outcome=BoardOutcome.GRANTED,
                    today=round_.board + dt.timedelta(days=1),
                )
                BoardDecision.objects.filter(pk=decision.pk).update(recorded_at=recorded)
        Proposal.objects.filter(pk=proposal.pk, state=ProposalState.DECIDED).update(
            decided_at=recorded
        )
        if was_published:
            Call.objects.filter(pk=call.pk, state=CallState.DECIDED).update(decided_at=recorded)
