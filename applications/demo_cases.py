"""Demo idea sketches, applications, reviews and the board's decisions.

In the historic calls (2016-2019): the thirteen investments as applicable sketches with a
submitted application each, and Södermalm's 2017 sketch, judged not applicable (seeds/003).
Each of the thirteen is then decided as the process says: the fund administrator assigns the
council members who are not in conflict (three where possible; Karin Berg belongs to
Skarpnäck and Jonas Wikström to the education committee, so each of them sits out some), each
declares no conflict and scores the five criteria; the council recommends a grant of the
amount applied for at a meeting after the application deadline; the fund administrator sends
the call's proposal to the city director, who approves it; the board secretary records the
board's grant of each application, which writes the grant to the fund's ledger (value date: the
board's meeting) and starts the project. The thirteen grants add up to 229.2 MSEK, as the seeds
say. The 2019 round is decided within the four-month report T2.

In today's open call: work in progress for the three demo applicants (no reviews).

Titles and owners of the nine named investments come from the seeds; the four others, every
amount, date, score, paragraph and registration number, and every text are demo data and say
so. Services stamp their own times; after the fact, the demo moves the review's and the
decisions' timestamps to the historic dates (never the ledger's, which is append-only).
E-mails are not sent for historic cases. Idempotent: a sketch that exists (by title) is
skipped, and so is a call whose proposal to the board exists.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zlib
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from applications import notifications, services
from applications.models import (
    Application,
    ApplicationState,
    BoardDecision,
    BoardOutcome,
    Call,
    CallState,
    CouncilRecommendation,
    Criterion,
    DecisionRoute,
    IdeaSketch,
    Outcome,
    Proposal,
    ProposalState,
    ReviewAssignment,
    ReviewKind,
    Score,
)
from applications.services.reviews import conflict_reasons, fund_years
from core import demo as core_demo
from core.models import Membership, Organisation, Role, RoleAssignment, User
from core.money import format_kr, format_mnkr, split_evenly

DEMO = " (Demodata.)"


@dataclass(frozen=True)
class DemoCase:
    title: str
    owner: str
    amount: int
    co_owners: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    beneficiaries: tuple[str, ...] = ()
    summary: str = ""
    years: int = 3
    named_in_seeds: bool = True
    extra: dict = field(default_factory=dict)


STIS_DISTRICTS = (
    "Farsta",
    "Skarpnäck",
    "Hässelby-Vällingby",
    "Spånga-Tensta",
    "Rinkeby-Kista",
    "Enskede-Årsta-Vantör",
)
# Per historic call (by index in applications.demo.HISTORIC): its investments.
INVESTMENTS = {
    0: [
        DemoCase(
            "Stärkt tidigt stöd i samverkan (STIS)",
            "Socialnämnden",
            45_000_000,
            co_owners=STIS_DISTRICTS,
            partners=("Föräldrastöd Söderort",),
            beneficiaries=("Socialnämnden", "Farsta", "Rinkeby-Kista"),
            summary="Föräldraskapsstöd till blivande och nyblivna föräldrar i sex stadsdelar.",
            years=4,
        ),
        DemoCase(
            "Framtid Stockholm Järva",
            "Rinkeby-Kista",
            30_000_000,
            co_owners=("Spånga-Tensta",),
            partners=("Läxhjälp Järva", "Arbetsmarknadsnämnden"),
            beneficiaries=("Rinkeby-Kista", "Arbetsmarknadsnämnden"),
            summary="Samordnat stöd till unga i Järva för att fullfölja skolan och få arbete.",
            years=4,
        ),
        DemoCase(
            "Techgården",
            "Spånga-Tensta",
            12_500_000,
            beneficiaries=("Spånga-Tensta", "Arbetsmarknadsnämnden"),
            summary="Teknik- och programmeringsverksamhet för unga i Spånga-Tensta.",
        ),
    ],
    1: [
        DemoCase(
            "ABC 13-18 år",
            "Hässelby-Vällingby",
            18_000_000,
            co_owners=("Bromma", "Spånga-Tensta", "Rinkeby-Kista"),
            beneficiaries=("Hässelby-Vällingby", "Socialnämnden"),
            summary="Föräldrastödsprogrammet ABC för föräldrar till tonåringar i Västerort.",
        ),
        DemoCase(
            "Stöd till kortutbildade elever",
            "Arbetsmarknadsnämnden",
            22_000_000,
            partners=("Utbildningsnämnden",),
            beneficiaries=("Arbetsmarknadsnämnden", "Socialnämnden"),
            summary="Studie- och språkstöd för kortutbildade vuxna elever inom vuxenutbildningen.",
            years=4,
        ),
    ],
    2: [
        DemoCase(
            "Flera vägar in",
            "Enskede-Årsta-Vantör",
            16_400_000,
            beneficiaries=("Enskede-Årsta-Vantör", "Arbetsmarknadsnämnden"),
            summary="Vägar till arbete och studier för unga vuxna som står långt från arbete.",
        ),
        DemoCase(
            "Stöd för att stärka och främja barns läsande",
            "Rinkeby-Kista",
            9_800_000,
            partners=("Kulturnämnden",),
            beneficiaries=("Rinkeby-Kista", "Utbildningsnämnden"),
            summary="Läsfrämjande arbete med barn och föräldrar i förskola och bibliotek.",
        ),
    ],
    3: [
        DemoCase(
            "Skarpnäcksmodellen",
            "Skarpnäck",
            14_200_000,
            beneficiaries=("Skarpnäck", "Socialnämnden"),
            summary="Samlat tidigt stöd kring barn och unga i riskzon i Skarpnäck.",
        ),
        DemoCase(
            "Nya vägar",
            "Skarpnäck",
            11_300_000,
            partners=("Arbetsmarknadsnämnden",),
            beneficiaries=("Skarpnäck", "Arbetsmarknadsnämnden"),
            summary="Stöd till försörjningsstödstagare att nå egen försörjning.",
        ),
    ],
    4: [
        DemoCase(
            "Trygga skolvägar i Skärholmen (demo)",
            "Skärholmen",
            15_000_000,
            beneficiaries=("Skärholmen", "Utbildningsnämnden"),
            summary="Demoprojekt: förebyggande arbete mot skolfrånvaro.",
            named_in_seeds=False,
        ),
        DemoCase(
            "Boendestöd för unga vuxna (demo)",
            "Svenska Bostäder",
            10_500_000,
            partners=("Socialnämnden",),
            beneficiaries=("Socialnämnden", "Svenska Bostäder"),
            summary="Demoprojekt: stöd för att unga vuxna ska behålla sin första bostad.",
            named_in_seeds=False,
        ),
    ],
    5: [
        DemoCase(
            "Idrott som väg in (demo)",
            "Idrottsnämnden",
            14_000_000,
            co_owners=("Hägersten-Liljeholmen",),
            beneficiaries=("Hägersten-Liljeholmen", "Socialnämnden"),
            summary="Demoprojekt: föreningsidrott för barn som inte deltar i fritidsaktiviteter.",
            named_in_seeds=False,
        ),
        DemoCase(
            "Tidig upptäckt av psykisk ohälsa i Älvsjö (demo)",
            "Älvsjö",
            10_500_000,
            beneficiaries=("Älvsjö", "Socialnämnden"),
            summary="Demoprojekt: elevhälsa och socialtjänst upptäcker psykisk ohälsa tidigare.",
            named_in_seeds=False,
        ),
    ],
}
SODERMALM = DemoCase(
    "Förstärkta och förebyggande integrationsinsatser i samverkan med civilsamhället",
    "Södermalm",
    8_000_000,
    summary=(
        "Integrationsinsatser i samverkan med civilsamhället, förenings- och näringslivet och "
        "en metod för tidiga insatser mot självförsörjning och bostad."
    ),
)
SODERMALM_REASON = (
    "Idén är inte tillämpbar inom ramen för den sociala investeringsfondens arbete (seeds/003)."
)
COUNCIL = ("karin.berg", "jonas.wikstrom", "maria.lund")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


def _person(short: str, organisation: Organisation) -> User:
    """The demo applicant of the organisation, or a historic one who cannot log in."""
    member = (
        User.objects.filter(
            memberships__organisation=organisation,
            role_assignments__role=Role.APPLICANT,
            email__endswith=core_demo.DEMO_DOMAIN,
        )
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member
    slug = _ascii(short)
    user, created = User.objects.get_or_create(
        email=f"historik.{slug}@{core_demo.DEMO_DOMAIN}",
        defaults={"full_name": f"Sökande {short} (demo)", "password": make_password(None)},
    )
    if created:
        Membership.objects.create(
            user=user, organisation=organisation, valid_from=core_demo.STORY_START
        )
        RoleAssignment.objects.create(
            user=user, role=Role.APPLICANT, valid_from=core_demo.STORY_START
        )
    return user


def _texts(case: DemoCase) -> dict:
    note = "" if case.named_in_seeds else DEMO
    return {
        "title": case.title,
        "summary": (case.summary or case.title) + note,
        "problem_and_target_group": "Målgrupp och problembild beskrivs i ansökan." + DEMO,
        "complements_ordinary_work": (
            "Insatsen kompletterar nämndernas ordinarie verksamhet och prövar ett nytt, "
            "förebyggande arbetssätt." + DEMO
        ),
        "estimated_amount": case.amount,
        "estimated_years": case.years,
        "contact_name": "Kontaktperson (demo)",
        "contact_email": f"kontakt.{_ascii(case.owner)}@{core_demo.DEMO_DOMAIN}",
        "contact_phone": "08-508 000 00",
    }


def _sketch(call, case: DemoCase, orgs, *, created: dt.date) -> IdeaSketch:
    owner = orgs[case.owner]
    return services.idea_sketch_create(
        actor=_person(case.owner, owner),
        call=call,
        owner=owner,
        co_owners=[orgs[name] for name in case.co_owners],
        partners=[orgs[name] for name in case.partners],
        today=created,
        **_texts(case),
    )


def _rows(case: DemoCase, orgs, start_year: int) -> dict:
    owner = orgs[case.owner]
    fund_rows = [
        {
            "pk": None,
            "year": start_year + index,
            "recipient": owner,
            "cost_type": "introduce" if index else "develop",
            "funding_source": "fund",
            "amount": part,
            "note": "",
        }
        for index, part in enumerate(split_evenly(case.amount, case.years))
    ]
    own = {
        "pk": None,
        "year": start_year + case.years - 1,
        "recipient": owner,
        "cost_type": "evaluate",
        "funding_source": "own",
        "amount": case.amount // 20,
        "note": "Egen insats (demo)",
    }
    savings = [
        {
            "pk": None,
            "organisation": orgs[name],
            "year": start_year + case.years + offset,
            "amount": case.amount // (4 + index),
            "assumptions": "Färre placeringar och insatser; styckkostnader enligt demodata.",
        }
        for index, name in enumerate(case.beneficiaries)
        for offset in (0, 2)
    ]
    return {
        "activities": [
            {
                "pk": None,
                "title": "Uppstart och rekrytering",
                "description": "",
                "starts_on": dt.date(start_year, 1, 1),
                "ends_on": dt.date(start_year, 6, 30),
            },
            {
                "pk": None,
                "title": "Genomförande",
                "description": "",
                "starts_on": dt.date(start_year, 7, 1),
                "ends_on": dt.date(start_year + case.years - 1, 12, 31),
            },
        ],
        "milestones": [
            {"pk": None, "title": "Projektet bemannat", "due_on": dt.date(start_year, 6, 30)},
            {
                "pk": None,
                "title": "Slututvärdering klar",
                "due_on": dt.date(start_year + case.years - 1, 12, 31),
            },
        ],
        "indicators": [
            {
                "pk": None,
                "name": "Antal deltagare",
                "unit": "personer",
                "baseline": 0,
                "target": 300,
                "data_source": "Projektets register",
            }
        ],
        "savings": savings,
        "budget": [*fund_rows, own],
    }


APPLICATION_TEXTS = {
    "project_organisation": "Projektledare och delprojektledare per stadsdel." + DEMO,
    "steering_group": "Förvaltningscheferna i de deltagande nämnderna." + DEMO,
    "risks": "Svårt att rekrytera; hanteras med tidig rekrytering." + DEMO,
    "evaluation_design": "comparison_group",
    "evaluation_design_text": "Jämförelse med matchad grupp i andra stadsdelar." + DEMO,
    "evaluator": "Extern utvärderare (demo)",
    "benefits_assumptions": "Kostnaderna faller i socialtjänst och arbetsmarknadsinsatser." + DEMO,
}


def _application(sketch: IdeaSketch, case: DemoCase, orgs, *, created, submitted, start_year):
    actor = sketch.created_by
    application = services.application_create(actor=actor, sketch=sketch, today=created)
    services.application_update(
        actor=actor,
        application=application,
        co_owners=[orgs[name] for name in case.co_owners],
        partners=[orgs[name] for name in case.partners],
        rows=_rows(case, orgs, start_year),
        planned_start=dt.date(start_year, 1, 1),
        planned_end=dt.date(start_year + case.years - 1, 12, 31),
        amount_requested=case.amount,
        **APPLICATION_TEXTS,
    )
    if submitted is not None:
        services.application_submit(actor=actor, application=application, at=submitted)
    return application


def _council(admin, fund, held_on: dt.date):
    members = User.objects.filter(email__in=[f"{name}@{core_demo.DEMO_DOMAIN}" for name in COUNCIL])
    return services.council_meeting_create(
        actor=admin, fund=fund, held_on=held_on, members=members, today=held_on
    )


def load_historic(admin, call: Call, index: int) -> None:
    """The call's cases, while it is published: sketches, the council's meeting, the
    applications. Called before the call is marked decided."""
    cases = INVESTMENTS.get(index, [])
    if IdeaSketch.objects.filter(call=call).exists():
        return
    orgs = {org.short_name: org for org in Organisation.objects.all()}
    sketch_day = call.idea_sketch_deadline
    meeting_day = sketch_day + dt.timedelta(days=14)
    with notifications.muted():
        sketches = []
        for number, case in enumerate(cases):
            sketch = _sketch(call, case, orgs, created=sketch_day - dt.timedelta(days=30))
            services.idea_sketch_submit(
                actor=sketch.created_by,
                sketch=sketch,
                at=_at(sketch_day - dt.timedelta(days=10 - number)),
            )
            sketches.append((sketch, case))
        not_applicable = None
        if index == 2:
            not_applicable = _sketch(
                call, SODERMALM, orgs, created=sketch_day - dt.timedelta(days=30)
            )
            services.idea_sketch_submit(
                actor=not_applicable.created_by, sketch=not_applicable, at=_at(sketch_day)
            )
        meeting = _council(admin, call.fund, meeting_day)
        for sketch, _case in sketches:
            services.applicability_decide(
                actor=admin,
                sketch=sketch,
                meeting=meeting,
                outcome="applicable",
                reason="Idén uppfyller fondens syfte och kan utvecklas till en ansökan." + DEMO,
            )
        if not_applicable is not None:
            services.applicability_decide(
                actor=admin,
                sketch=not_applicable,
                meeting=meeting,
                outcome="not_applicable",
                reason=SODERMALM_REASON,
            )
        start_year = call.application_deadline.year + 1
        for sketch, case in sketches:
            _application(
                sketch,
                case,
                orgs,
                created=meeting_day + dt.timedelta(days=1),
                submitted=_at(call.application_deadline - dt.timedelta(days=3)),
                start_year=start_year,
            )


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
        if conflict_reasons(member, application, assigned_on):
            continue  # never assigned (the assign service refuses it anyway)
        assignment = (
            ReviewAssignment.objects.active()
            .filter(application=application, reviewer=member, kind=ReviewKind.COUNCIL)
            .first()
        )
        if assignment is None:
            assignment = services.review_assign(
                actor=admin,
                application=application,
                reviewer=member,
                kind=ReviewKind.COUNCIL,
                due_on=round_.council - dt.timedelta(days=5),
                today=assigned_on,
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(
                assigned_at=_at(assigned_on, 9)
            )
        if assignment.declared_at is None:
            assignment = services.review_declare(
                actor=member, assignment=assignment, conflict=False
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(
                declared_at=_at(assigned_on + dt.timedelta(days=1 + position), 8)
            )
        version = application.current_version
        if not Score.objects.filter(assignment=assignment, version=version).exists():
            variant = (number + position) % 3
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
            Score.objects.filter(pk=score.pk).update(
                submitted_at=_at(assigned_on + dt.timedelta(days=5 + number + position), 14)
            )
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
    CouncilRecommendation.objects.filter(pk=recommendation.pk).update(
        recorded_at=_at(meeting.held_on, 15)
    )


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
    with notifications.muted():
        meeting = services.council_meeting_create(
            actor=admin,
            fund=call.fund,
            held_on=round_.council,
            members=_council_members(),
            note="Bedömning av ansökningarna i " + call.title + DEMO,
            today=round_.council,
        )
        for number, application in enumerate(applications):
            _review(admin, application, number, round_, meeting)
        proposal = services.proposal_create(actor=admin, call=call)
        proposal = services.proposal_update(
            actor=admin, proposal=proposal, summary=_proposal_summary(call, applications)
        )
        proposal = services.proposal_submit(actor=admin, proposal=proposal)
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=_at(round_.council + dt.timedelta(days=1), 9),
            submitted_at=_at(round_.council + dt.timedelta(days=3), 16),
        )
        proposal = services.proposal_approve(
            actor=users[core_demo.DIRECTOR], proposal=proposal, at=_at(round_.approved, 11)
        )
        items = sorted(proposal.items.select_related("application"), key=lambda i: i.pk)
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
            BoardDecision.objects.filter(pk=decision.pk).update(
                recorded_at=_at(round_.board + dt.timedelta(days=1), 10)
            )
        Proposal.objects.filter(pk=proposal.pk, state=ProposalState.DECIDED).update(
            decided_at=_at(round_.board + dt.timedelta(days=1), 10)
        )
        if was_published:
            Call.objects.filter(pk=call.pk, state=CallState.DECIDED).update(
                decided_at=_at(round_.board + dt.timedelta(days=1), 11)
            )


TODAY_CASES = {
    "erik.johansson": DemoCase(
        "Språkstöd i Farstas förskolor (demo)",
        "Farsta",
        4_500_000,
        co_owners=("Skarpnäck",),
        partners=("Föräldrastöd Söderort",),
        summary="Demoutkast: språkombud i förskolan och läsande föräldrar.",
        named_in_seeds=False,
    ),
    "sofia.karlsson": DemoCase(
        "Fritidsledare i Skarpnäcks skolor (demo)",
        "Skarpnäck",
        6_000_000,
        partners=("Idrottsnämnden",),
        summary="Demo: fritidsledare som överbryggar skola och fritid.",
        named_in_seeds=False,
    ),
    "leila.haddad": DemoCase(
        "Familjecentral för hela staden (demo)",
        "Socialnämnden",
        12_000_000,
        co_owners=("Farsta", "Rinkeby-Kista"),
        partners=("Läxhjälp Järva",),
        beneficiaries=("Socialnämnden", "Farsta"),
        summary="Demo: familjecentraler med socialtjänst, BVC och förskola under ett tak.",
        named_in_seeds=False,
    ),
}


def load_today(admin, call: Call, today: dt.date) -> None:
    """Work in progress in today's open call: Erik's draft, Sofia's submitted sketch waiting
    for the council, Leila's applicable sketch with a half-written application."""
    if IdeaSketch.objects.filter(call=call).exists():
        return
    orgs = {org.short_name: org for org in Organisation.objects.all()}
    start = max(call.published_at.date(), today - dt.timedelta(days=10))
    with notifications.muted():
        _sketch(call, TODAY_CASES["erik.johansson"], orgs, created=today)
        sofia = _sketch(call, TODAY_CASES["sofia.karlsson"], orgs, created=start)
        services.idea_sketch_submit(actor=sofia.created_by, sketch=sofia, at=_at(start, 11))
        leila_case = TODAY_CASES["leila.haddad"]
        leila = _sketch(call, leila_case, orgs, created=start)
        services.idea_sketch_submit(actor=leila.created_by, sketch=leila, at=_at(start, 12))
        meeting = _council(admin, call.fund, start + dt.timedelta(days=1))
        services.applicability_decide(
            actor=admin,
            sketch=leila,
            meeting=meeting,
            outcome="applicable",
            reason="Tillämplig: tydlig koppling till förebyggande arbete." + DEMO,
        )
        application = services.application_create(actor=leila.created_by, sketch=leila, today=today)
        services.application_update(
            actor=leila.created_by,
            application=application,
            co_owners=[orgs[name] for name in leila_case.co_owners],
            partners=[orgs[name] for name in leila_case.partners],
            rows=_rows(leila_case, orgs, today.year + 1),
            planned_start=dt.date(today.year + 1, 1, 1),
            planned_end=dt.date(today.year + 3, 12, 31),
            amount_requested=leila_case.amount,
            project_organisation=APPLICATION_TEXTS["project_organisation"],
        )
