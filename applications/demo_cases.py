"""Demo idea sketches and applications (their reviews and decisions: ``demo_decisions``).

In the historic calls (2016-2019): the thirteen investments as applicable sketches with a
submitted application each, and Södermalm's 2017 sketch, judged not applicable (seeds/003).

In today's open call: work in progress for the three demo applicants (no reviews).

Titles and owners of the nine named investments come from the seeds; the four others, every
amount, date, score, paragraph and registration number, and every text are demo data and say
so. E-mails are not sent for historic cases. Each step is recorded at the demo date it
describes (``core.events.recorded_at``; the cases' own timestamps are moved to it afterwards),
so a 2017 sketch's log says 2017. Idempotent: a sketch that exists (by title) is skipped, and
so is a call whose proposal to the board exists.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from applications import services
from applications.models import (
    ApplicabilityDecision,
    Application,
    Call,
    CouncilMeeting,
    IdeaSketch,
)
from core import demo as core_demo
from core.events import recorded_at
from core.models import Membership, Organisation, Role, RoleAssignment, User
from core.money import split_evenly
from core.notices import muted

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
# The council's reason as the seeds give it.
SODERMALM_REASON = "Idén är inte tillämpbar inom ramen för den sociala investeringsfondens arbete."
COUNCIL = ("karin.berg", "jonas.wikstrom", "maria.lund")


def at_hour(day: dt.date, hour: int = 10) -> dt.datetime:
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
    story_start = at_hour(core_demo.STORY_START, 9)
    user, created = User.objects.get_or_create(
        email=f"historik.{slug}@{core_demo.DEMO_DOMAIN}",
        defaults={
            "full_name": f"Sökande {short} (demo)",
            "password": make_password(None),
            "date_joined": story_start,
        },
    )
    if created:
        Membership.objects.create(
            user=user,
            organisation=organisation,
            valid_from=core_demo.STORY_START,
            created_at=story_start,
        )
        RoleAssignment.objects.create(
            user=user, role=Role.APPLICANT, valid_from=core_demo.STORY_START, created_at=story_start
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


def _past(moment: dt.datetime) -> dt.datetime:
    """A demo moment, never later than now (today's cases are made during the day)."""
    return min(moment, timezone.now())


def _sketch(call, case: DemoCase, orgs, *, created: dt.date) -> IdeaSketch:
    owner = orgs[case.owner]
    moment = _past(at_hour(created, 9))
    with recorded_at(moment):
        sketch = services.idea_sketch_create(
            actor=_person(case.owner, owner),
            call=call,
            owner=owner,
            co_owners=[orgs[name] for name in case.co_owners],
            partners=[orgs[name] for name in case.partners],
            today=created,
            **_texts(case),
        )
    IdeaSketch.objects.filter(pk=sketch.pk).update(created_at=moment)
    return sketch


def _submit(sketch: IdeaSketch, at: dt.datetime) -> None:
    with recorded_at(at):
        services.idea_sketch_submit(actor=sketch.created_by, sketch=sketch, at=at)


def _decide(admin, sketch: IdeaSketch, meeting, outcome: str, reason: str) -> None:
    """The council's decision, recorded by the fund administrator after the meeting."""
    moment = _past(at_hour(meeting.held_on, 16))
    with recorded_at(moment):
        decision = services.applicability_decide(
            actor=admin, sketch=sketch, meeting=meeting, outcome=outcome, reason=reason
        )
    ApplicabilityDecision.objects.filter(pk=decision.pk).update(recorded_at=moment)
    IdeaSketch.objects.filter(pk=sketch.pk).update(decided_at=moment)


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
    """Started the day after the council's decision, written in the following weeks and
    submitted shortly before the deadline."""
    actor = sketch.created_by
    started = at_hour(created, 9)
    with recorded_at(started):
        application = services.application_create(actor=actor, sketch=sketch, today=created)
    Application.objects.filter(pk=application.pk).update(created_at=started)
    with recorded_at(submitted - dt.timedelta(days=7)):
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
    with recorded_at(submitted):
        services.application_submit(actor=actor, application=application, at=submitted)
    return application


def _council(admin, fund, held_on: dt.date):
    """The council's meeting, recorded by the fund administrator in the afternoon."""
    members = User.objects.filter(email__in=[f"{name}@{core_demo.DEMO_DOMAIN}" for name in COUNCIL])
    moment = _past(at_hour(held_on, 16))
    with recorded_at(moment):
        meeting = services.council_meeting_create(
            actor=admin, fund=fund, held_on=held_on, members=members, today=held_on
        )
    CouncilMeeting.objects.filter(pk=meeting.pk).update(created_at=moment)
    return meeting


def load_historic(admin, call: Call, index: int) -> None:
    """The call's cases, while it is published: sketches, the council's meeting, the
    applications. Called before the call is marked decided."""
    cases = INVESTMENTS.get(index, [])
    if IdeaSketch.objects.filter(call=call).exists():
        return
    orgs = {org.short_name: org for org in Organisation.objects.all()}
    sketch_day = call.idea_sketch_deadline
    meeting_day = sketch_day + dt.timedelta(days=14)
    with muted():
        sketches = []
        for number, case in enumerate(cases):
            sketch = _sketch(call, case, orgs, created=sketch_day - dt.timedelta(days=30))
            _submit(sketch, at_hour(sketch_day - dt.timedelta(days=10 - number)))
            sketches.append((sketch, case))
        not_applicable = None
        if index == 2:
            not_applicable = _sketch(
                call, SODERMALM, orgs, created=sketch_day - dt.timedelta(days=30)
            )
            _submit(not_applicable, at_hour(sketch_day))
        meeting = _council(admin, call.fund, meeting_day)
        for sketch, _case in sketches:
            _decide(
                admin,
                sketch,
                meeting,
                "applicable",
                "Idén uppfyller fondens syfte och kan utvecklas till en ansökan." + DEMO,
            )
        if not_applicable is not None:
            _decide(admin, not_applicable, meeting, "not_applicable", SODERMALM_REASON)
        start_year = call.application_deadline.year + 1
        for sketch, case in sketches:
            _application(
                sketch,
                case,
                orgs,
                created=meeting_day + dt.timedelta(days=1),
                submitted=at_hour(call.application_deadline - dt.timedelta(days=3)),
                start_year=start_year,
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
    with muted():
        _sketch(call, TODAY_CASES["erik.johansson"], orgs, created=today)
        sofia = _sketch(call, TODAY_CASES["sofia.karlsson"], orgs, created=start)
        _submit(sofia, _past(at_hour(start, 11)))
        leila_case = TODAY_CASES["leila.haddad"]
        leila = _sketch(call, leila_case, orgs, created=start)
        _submit(leila, _past(at_hour(start, 12)))
        meeting = _council(admin, call.fund, start + dt.timedelta(days=1))
        _decide(
            admin,
            leila,
            meeting,
            "applicable",
            "Tillämplig: tydlig koppling till förebyggande arbete." + DEMO,
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
