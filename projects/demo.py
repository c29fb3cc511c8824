"""Demo projects: the thirteen historic investments from the board's grant to their evaluation.

For each project the applications demo granted (``applications.demo_decisions``), the story
below is played by the projects services at its demo dates (``projects.demo_history``): the
owner names a project manager, a deputy and a steering group; a fund administrator names an
evaluator for some, checks off the board's conditions and starts the project; each budget year
is paid per recipient in two instalments (2017-2022), some unspent money is refunded and what
is left is released when the investment phase has ended, so that for every project net paid
plus released equals the grant; the progress reports of every period are submitted (some late,
one returned for completion) and reviewed; change requests move money between years and
recipients and one moves the end date, one is refused; one project is paused during the
pandemic and resumed; every investment phase ends by 2022 and is evaluated in 2023, with
measured savings mostly in organisations that do not own the project (reclaim, from about
2024, is a later step: the projects stay evaluated).

The project managers, deputies and the evaluator are new demo people (password as for every
demo user); steering-group members are partly demo users, partly names only. Every name,
amount, date and text here is demo data, and the texts say so. Idempotent: a project that is
no longer starting, or has people named, is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from applications.demo_cases import STIS_DISTRICTS
from core import demo as core_demo
from core import services as core_services
from core.events import recorded_at
from core.models import Membership, Organisation, User
from projects import demo_history
from projects.demo_history import Cast, History, move
from projects.models import Project, ProjectState

Lines = list[tuple[int, int, str, int]]


@dataclass(frozen=True)
class Person:
    key: str  # the address before @demo.stockholm.example
    name: str
    organisation: str  # short name
    title: str


PEOPLE = [
    Person("helena.strom", "Helena Ström", "Socialnämnden", "Projektledare, socialförvaltningen"),
    Person("ahmed.yusuf", "Ahmed Yusuf", "Socialnämnden", "Utvecklingsledare, socialförvaltningen"),
    Person("fatima.warsame", "Fatima Warsame", "Rinkeby-Kista", "Projektledare"),
    Person("johan.lindberg", "Johan Lindberg", "Rinkeby-Kista", "Utvecklingsledare"),
    Person("hanna.ostlund", "Hanna Östlund", "Rinkeby-Kista", "Projektledare, läsfrämjande"),
    Person("daniel.mohammadi", "Daniel Mohammadi", "Spånga-Tensta", "Projektledare"),
    Person("sara.nilsson", "Sara Nilsson", "Spånga-Tensta", "Fritidsledare"),
    Person("maria.engstrom", "Maria Engström", "Hässelby-Vällingby", "Projektledare"),
    Person("kristian.berglund", "Kristian Berglund", "Hässelby-Vällingby", "Familjebehandlare"),
    Person("jenny.aberg", "Jenny Åberg", "Arbetsmarknadsnämnden", "Projektledare"),
    Person("nils.ekdahl", "Nils Ekdahl", "Arbetsmarknadsnämnden", "Studievägledare"),
    Person("linnea.wallin", "Linnéa Wallin", "Enskede-Årsta-Vantör", "Projektledare"),
    Person("samir.aziz", "Samir Aziz", "Enskede-Årsta-Vantör", "Jobbcoach"),
    Person("tobias.sandell", "Tobias Sandell", "Skarpnäck", "Projektledare"),
    Person("elin.falk", "Elin Falk", "Skarpnäck", "Projektledare"),
    Person("marcus.eriksson", "Marcus Eriksson", "Skärholmen", "Projektledare"),
    Person("zeynep.demir", "Zeynep Demir", "Skärholmen", "Skolsocionom"),
    Person("camilla.borg", "Camilla Borg", "Svenska Bostäder", "Projektledare"),
    Person("erik.nordin", "Erik Nordin", "Svenska Bostäder", "Boendesocial samordnare"),
    Person("ali.rahimi", "Ali Rahimi", "Idrottsnämnden", "Projektledare"),
    Person("jessica.wester", "Jessica Wester", "Idrottsnämnden", "Föreningskonsulent"),
    Person("sanna.lindahl", "Sanna Lindahl", "Älvsjö", "Projektledare"),
    Person("oskar.bjork", "Oskar Björk", "Älvsjö", "Kurator"),
    Person(
        "karolina.ahlgren",
        "Karolina Ahlgren",
        "Kommunstyrelsen",
        "Utredare, effektutvärdering (stadsledningskontoret)",
    ),
]
EVALUATOR = "karolina.ahlgren"


def to_districts(lines: Lines, owner: int, orgs) -> Lines:
    """STIS from 2018: 1.2 MSEK a year to each of the six district administrations."""
    shared = []
    for year, recipient, use, value in lines:
        if recipient == owner and year >= 2018:
            value -= 1_200_000 * len(STIS_DISTRICTS)
            shared += [(year, orgs[name].pk, use, 1_200_000) for name in STIS_DISTRICTS]
        shared.append((year, recipient, use, value))
    return shared


@dataclass(frozen=True)
class Change:
    asked: dt.date
    decided: dt.date
    reason: str
    decision: str
    budget: Callable[..., Lines]
    approved: bool = True
    ends_on: dt.date | None = None
    scope: str = ""


@dataclass(frozen=True)
class Story:
    title: str
    manager: str
    deputy: str
    steering: tuple[tuple[str, str], ...]  # (demo person's key, or a name; organisation)
    focus: str  # what the project does, for the report texts
    evaluated: dt.date  # the evaluation is completed
    design: str
    results: str
    effects: str
    # Measured savings: (organisation, first year, last year, full yearly amount).
    savings: tuple[tuple[str, int, int, int], ...] = ()
    evaluator: bool = False  # named evaluator; otherwise the fund administrator evaluates
    late: tuple[int, ...] = ()  # reports (by number, from 0) submitted after their due date
    returned: int | None = None  # the report returned for completion
    refunds: tuple[tuple[int, str, int], ...] = ()  # (budget year, recipient, amount)
    unpaid: int = 0  # of the owner's last year, never paid (released at the end)
    reach: int = 100  # the indicator's last value, in per cent of its target
    changes: tuple[Change, ...] = ()
    pause: tuple[dt.date, dt.date, str] | None = None
    ends_on: dt.date | None = None  # the end after an approved change
    # (day, demo person, "project" or "evaluation", their organisation, text)
    comments: tuple[tuple[dt.date, str, str, str, str], ...] = field(default=())


D = dt.date
MOVED = "Flytt av medel mellan åren inom beviljad ram; totalen är oförändrad."
STORIES = [
    Story(
        "Stärkt tidigt stöd i samverkan (STIS)",
        "helena.strom",
        "ahmed.yusuf",
        (
            ("leila.haddad", "Socialnämnden"),
            ("erik.johansson", "Farsta"),
            ("Margareta Lind", "Skarpnäck"),
            ("Omar Khalil", "Rinkeby-Kista"),
            ("Birgitta Sandberg", "Enskede-Årsta-Vantör"),
        ),
        "föräldragrupper för blivande och nyblivna föräldrar",
        D(2023, 4, 18),
        "comparison_group",
        "Föräldrarna i grupperna rapporterar ökad trygghet i föräldraskapet; färre familjer "
        "har aktualiserats hos socialtjänsten än i jämförelsegruppen.",
        "Färre orosanmälningar och placeringar av små barn i socialnämnden och i stadsdelarna "
        "Farsta, Rinkeby-Kista och Spånga-Tensta.",
        savings=(
            ("Socialnämnden", 2023, 2030, 2_400_000),
            ("Farsta", 2024, 2029, 900_000),
            ("Rinkeby-Kista", 2024, 2029, 800_000),
            ("Spånga-Tensta", 2025, 2030, 500_000),
        ),
        evaluator=True,
        late=(2,),
        refunds=((2019, "Farsta", 180_000), (2020, "Socialnämnden", 350_000)),
        reach=110,
        changes=(
            Change(
                D(2017, 10, 3),
                D(2017, 10, 17),
                "Föräldragrupperna drivs från 2018 av de sex stadsdelsförvaltningarna. Medlen "
                "för 2018–2020 fördelas därför mellan socialförvaltningen och stadsdelarna, "
                "1,2 mnkr per stadsdel och år. Totalen är oförändrad.",
                "Godkänd: fördelningen följer projektplanen och ryms inom beviljad ram.",
                to_districts,
            ),
        ),
        comments=(
            (
                D(2018, 3, 14),
                "erik.johansson",
                "project",
                "Farsta",
                "Farsta har nu två föräldragrupper igång och en tredje startar i april. Vi "
                "behöver fler gruppledare utbildade före hösten.",
            ),
            (
                D(2023, 5, 8),
                "erik.johansson",
                "evaluation",
                "Farsta",
                "Farsta delar bedömningen för 2024–2026. För åren därefter vill vi stämma av "
                "beräkningen av placeringskostnaderna innan återföringsplanen tas fram.",
            ),
        ),
    ),
    Story(
        "Framtid Stockholm Järva",
        "fatima.warsame",
        "johan.lindberg",
        (
            ("Anders Holmberg", "Rinkeby-Kista"),
            ("Susanne Ek", "Spånga-Tensta"),
            ("Mikael Rydén", "Arbetsmarknadsnämnden"),
        ),
        "samordnat stöd till unga som varken arbetar eller studerar",
        D(2023, 5, 16),
        "comparison_group",
        "Fler deltagare än i jämförelsegruppen har fullföljt gymnasiet eller fått arbete "
        "inom ett år.",
        "Lägre kostnader för försörjningsstöd och arbetsmarknadsinsatser.",
        savings=(
            ("Arbetsmarknadsnämnden", 2023, 2030, 1_600_000),
            ("Socialnämnden", 2023, 2029, 1_100_000),
            ("Rinkeby-Kista", 2024, 2028, 600_000),
        ),
        evaluator=True,
        late=(5, 9),
        refunds=((2020, "", 420_000),),
        reach=95,
        changes=(
            Change(
                D(2017, 6, 7),
                D(2017, 6, 19),
                "Rekryteringen av coacher tog längre tid än planerat. 2 mnkr flyttas från "
                "2017 till 2018. " + MOVED,
                "Godkänd: flytten ryms inom beviljad ram.",
                move(2_000_000, 2017, 2018),
            ),
        ),
        comments=(
            (
                D(2019, 2, 12),
                "daniel.mohammadi",
                "project",
                "Spånga-Tensta",
                "Spånga-Tensta slussar gärna unga från Techgården vidare hit; kan vi ta upp "
                "en gemensam rutin på nästa styrgruppsmöte?",
            ),
        ),
    ),
    Story(
        "Techgården",
        "daniel.mohammadi",
        "sara.nilsson",
        (("Lena Forsberg", "Spånga-Tensta"), ("Patrik Öberg", "Arbetsmarknadsnämnden")),
        "kvällsverksamhet i programmering och teknik för unga",
        D(2023, 2, 21),
        "before_after",
        "Verksamheten nådde många unga och deltagarna är nöjda, men effekterna på skolresultat "
        "och sysselsättning kan inte skiljas från andra insatser i området.",
        "Inga mätbara kostnadsminskningar i stadens verksamheter.",
        returned=3,
        unpaid=300_000,
        reach=85,
    ),
    Story(
        "ABC 13-18 år",
        "maria.engstrom",
        "kristian.berglund",
        (
            ("Eva Lindgren", "Hässelby-Vällingby"),
            ("Per Sundin", "Bromma"),
            ("Amina Hassan", "Rinkeby-Kista"),
        ),
        "ABC-grupper för föräldrar till tonåringar",
        D(2023, 3, 14),
        "comparison_group",
        "Konflikterna i familjerna minskade och färre ungdomar fick insatser från "
        "socialtjänsten än i jämförelsegruppen.",
        "Färre öppenvårdsinsatser och placeringar av ungdomar.",
        savings=(
            ("Socialnämnden", 2023, 2030, 900_000),
            ("Bromma", 2024, 2028, 300_000),
            ("Hässelby-Vällingby", 2023, 2027, 500_000),
        ),
        late=(1,),
        refunds=((2018, "", 250_000),),
        reach=105,
        comments=(
            (
                D(2023, 4, 4),
                "leila.haddad",
                "evaluation",
                "Socialnämnden",
                "Socialförvaltningen instämmer i beräkningen för 2023–2026 men bedömer "
                "minskningen från 2027 som osäker.",
            ),
        ),
    ),
    Story(
        "Stöd till kortutbildade elever",
        "jenny.aberg",
        "nils.ekdahl",
        (("Karin Sjöström", "Arbetsmarknadsnämnden"), ("jonas.wikstrom", "Utbildningsnämnden")),
        "studie- och språkstöd för kortutbildade vuxna",
        D(2023, 6, 13),
        "comparison_group",
        "Fler deltagare än i jämförelsegruppen har klarat sina kurser och gått vidare till "
        "arbete eller yrkesutbildning.",
        "Minskat försörjningsstöd i socialnämnden och kortare tid i arbetsmarknadsinsatser.",
        savings=(
            ("Socialnämnden", 2023, 2030, 1_300_000),
            ("Arbetsmarknadsnämnden", 2023, 2027, 700_000),
        ),
        evaluator=True,
        reach=90,
        ends_on=D(2021, 6, 30),
        changes=(
            Change(
                D(2020, 5, 18),
                D(2020, 6, 2),
                "Pandemin har gjort att undervisningen ställts om till distans och att "
                "studiestödet i grupp skjutits upp. Investeringsfasen förlängs till "
                "2021-06-30 och 1,5 mnkr flyttas från 2020 till 2021. " + MOVED,
                "Godkänd: förlängningen ryms inom fondens finansiering till och med 2022.",
                move(1_500_000, 2020, 2021),
                ends_on=D(2021, 6, 30),
            ),
        ),
    ),
    Story(
        "Flera vägar in",
        "linnea.wallin",
        "samir.aziz",
        (("Gunilla Persson", "Enskede-Årsta-Vantör"), ("Mikael Rydén", "Arbetsmarknadsnämnden")),
        "individuell coachning mot arbete och studier",
        D(2023, 5, 30),
        "comparison_group",
        "Fler unga vuxna än i jämförelsegruppen har gått till arbete eller studier.",
        "Lägre försörjningsstöd och färre arbetsmarknadsinsatser.",
        savings=(
            ("Arbetsmarknadsnämnden", 2023, 2029, 1_000_000),
            ("Socialnämnden", 2023, 2030, 800_000),
        ),
        late=(4,),
        refunds=((2020, "", 310_000),),
        changes=(
            Change(
                D(2019, 3, 11),
                D(2019, 3, 25),
                "Vi vill utvidga målgruppen till nyanlända vuxna över 30 år och flytta 1 mnkr "
                "från 2020 till 2019 för att starta det arbetet i år.",
                "Avslag: målgruppen i kommunstyrelsens beslut är unga vuxna 18–29 år. En ny "
                "målgrupp ändrar insatsens inriktning och kräver en ny ansökan; en flytt "
                "mellan åren för den beslutade målgruppen kan prövas separat.",
                move(1_000_000, 2020, 2019),
                approved=False,
                scope="Unga vuxna 18–29 år och nyanlända vuxna över 30 år.",
            ),
        ),
        comments=(
            (
                D(2023, 6, 12),
                "jenny.aberg",
                "evaluation",
                "Arbetsmarknadsnämnden",
                "Arbetsmarknadsförvaltningen godtar beräkningen; minskningen syns i färre "
                "anvisningar till jobbtorgen.",
            ),
        ),
    ),
    Story(
        "Stöd för att stärka och främja barns läsande",
        "hanna.ostlund",
        "johan.lindberg",
        (("Anders Holmberg", "Rinkeby-Kista"), ("Lotta Bergqvist", "Kulturnämnden")),
        "läsfrämjande aktiviteter i förskola och bibliotek",
        D(2023, 9, 19),
        "before_after",
        "Barnens språkutveckling i förskolan har förbättrats mätbart och fler familjer "
        "lånar böcker.",
        "Färre elever behöver särskilt stöd i läsning i de första skolåren.",
        savings=(
            ("Utbildningsnämnden", 2024, 2030, 600_000),
            ("Rinkeby-Kista", 2024, 2028, 300_000),
        ),
        evaluator=True,
        reach=120,
        comments=(
            (
                D(2023, 10, 3),
                "jonas.wikstrom",
                "evaluation",
                "Utbildningsnämnden",
                "Utbildningsförvaltningen har inte kunnat verifiera minskningen av särskilt "
                "stöd för 2024; vi önskar ett avstämningsmöte.",
            ),
        ),
    ),
    Story(
        "Skarpnäcksmodellen",
        "tobias.sandell",
        "elin.falk",
        (
            ("sofia.karlsson", "Skarpnäck"),
            ("Roger Almqvist", "Skarpnäck"),
            ("Ingrid Nord", "Socialnämnden"),
        ),
        "samordnade tidiga insatser kring barn i riskzon",
        D(2023, 4, 25),
        "comparison_group",
        "Barnen i insatsen fick stöd tidigare och färre behövde insatser enligt socialtjänstlagen.",
        "Färre placeringar och öppenvårdsinsatser för barn och unga.",
        savings=(("Socialnämnden", 2023, 2030, 1_200_000), ("Skarpnäck", 2023, 2027, 400_000)),
        late=(3,),
        refunds=((2019, "", 200_000),),
    ),
    Story(
        "Nya vägar",
        "elin.falk",
        "tobias.sandell",
        (("sofia.karlsson", "Skarpnäck"), ("Mikael Rydén", "Arbetsmarknadsnämnden")),
        "stöd till egen försörjning för hushåll med försörjningsstöd",
        D(2023, 6, 20),
        "before_after",
        "Fler hushåll än förväntat har lämnat försörjningsstödet för arbete.",
        "Minskat försörjningsstöd och färre insatser från jobbtorgen.",
        savings=(
            ("Socialnämnden", 2023, 2029, 900_000),
            ("Arbetsmarknadsnämnden", 2023, 2026, 300_000),
        ),
        late=(4, 7),
        unpaid=450_000,
        reach=90,
    ),
    Story(
        "Trygga skolvägar i Skärholmen (demo)",
        "marcus.eriksson",
        "zeynep.demir",
        (("Katarina Wahl", "Skärholmen"), ("jonas.wikstrom", "Utbildningsnämnden")),
        "närvaroteam för elever med hög frånvaro",
        D(2023, 9, 26),
        "comparison_group",
        "Den problematiska frånvaron minskade på de deltagande skolorna jämfört med "
        "jämförelseskolorna.",
        "Färre elever i behov av särskilt stöd och färre insatser från socialtjänsten.",
        savings=(
            ("Utbildningsnämnden", 2023, 2030, 1_200_000),
            ("Socialnämnden", 2024, 2029, 500_000),
        ),
        evaluator=True,
        late=(2,),
        refunds=((2020, "", 380_000),),
    ),
    Story(
        "Boendestöd för unga vuxna (demo)",
        "camilla.borg",
        "erik.nordin",
        (("Henrik Stål", "Svenska Bostäder"), ("Ingrid Nord", "Socialnämnden")),
        "boendestöd till unga vuxna i deras första egna bostad",
        D(2023, 10, 10),
        "before_after",
        "Nästan alla deltagare har kvar sin bostad efter två år.",
        "Färre avhysningar och akuta boendelösningar i socialnämnden.",
        savings=(
            ("Socialnämnden", 2023, 2030, 1_000_000),
            ("Svenska Bostäder", 2023, 2026, 300_000),
        ),
        late=(3, 6),
        unpaid=600_000,
        reach=80,
    ),
    Story(
        "Idrott som väg in (demo)",
        "ali.rahimi",
        "jessica.wester",
        (("Stefan Bergman", "Idrottsnämnden"), ("Annika Nyberg", "Hägersten-Liljeholmen")),
        "föreningsidrott för barn som inte deltar i fritidsaktiviteter",
        D(2023, 11, 14),
        "comparison_group",
        "Fler barn än i jämförelsegruppen deltar i föreningslivet två år efter insatsen.",
        "Färre insatser från socialtjänsten för barn i målgruppen.",
        savings=(
            ("Socialnämnden", 2023, 2030, 800_000),
            ("Hägersten-Liljeholmen", 2024, 2029, 600_000),
        ),
        evaluator=True,
        late=(1,),
        pause=(
            D(2020, 3, 23),
            D(2020, 8, 10),
            "Föreningarnas verksamhet för barn har ställts in med anledning av covid-19-"
            "pandemin. Inga utbetalningar görs medan verksamheten ligger nere.",
        ),
        changes=(
            Change(
                D(2020, 6, 8),
                D(2020, 6, 22),
                "Verksamheten har legat nere under våren. 1,2 mnkr flyttas från 2020 till "
                "2021. " + MOVED,
                "Godkänd: flytten ryms inom beviljad ram.",
                move(1_200_000, 2020, 2021),
            ),
        ),
    ),
    Story(
        "Tidig upptäckt av psykisk ohälsa i Älvsjö (demo)",
        "sanna.lindahl",
        "oskar.bjork",
        (("Göran Alm", "Älvsjö"), ("Ingrid Nord", "Socialnämnden")),
        "gemensamma team av elevhälsa och socialtjänst",
        D(2023, 11, 21),
        "other",
        "Samarbetet mellan elevhälsa och socialtjänst har blivit en del av ordinarie "
        "verksamhet, men pandemiåren gör att effekterna inte kan mätas.",
        "Inga mätbara kostnadsminskningar; effekterna kan inte skiljas från pandemins.",
        refunds=((2021, "", 240_000),),
        reach=75,
    ),
]


def _people(orgs: dict[str, Organisation]) -> dict[str, User]:
    """Every demo person by key: the core demo's and the projects' own (made here once)."""
    domain = "@" + core_demo.DEMO_DOMAIN
    people = {
        user.email.removesuffix(domain): user
        for user in User.objects.filter(email__endswith=domain)
    }
    start = core_demo.STORY_START
    joined = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    for person in PEOPLE:
        if person.key in people:
            continue
        user = User.objects.create_user(
            email=person.key + domain,
            full_name=person.name,
            password=core_demo.DEMO_PASSWORD,
            date_joined=joined,
        )
        with recorded_at(joined):
            membership = core_services.membership_add(
                actor=None,
                user=user,
                organisation=orgs[person.organisation],
                title=person.title,
                valid_from=start,
                today=start,
            )
        Membership.objects.filter(pk=membership.pk).update(created_at=joined)
        people[person.key] = user
    return people


@transaction.atomic
def load(*, today: dt.date | None = None) -> list[Project]:
    """Play the story of each historic project that has not had its history yet."""
    today = today or timezone.localdate()
    orgs = {org.short_name: org for org in Organisation.objects.all()}
    people = _people(orgs)
    steps = []
    projects = []
    for story in STORIES:
        project = (
            Project.objects.select_related("board_decision", "application__created_by")
            .filter(title=story.title)
            .first()
        )
        if (
            project is None
            or project.state != ProjectState.STARTING
            or project.assignments.exists()
            or story.evaluated >= today
        ):
            continue
        cast = Cast(
            owner_staff=project.application.created_by,
            manager=people[story.manager],
            deputy=people[story.deputy],
            admin=people[core_demo.FUND_ADMIN],
            director=people[core_demo.DIRECTOR],
            evaluator=people[EVALUATOR] if story.evaluator else None,
            people=people,
            orgs=orgs,
        )
        steps += History(project, story, cast).build()
        projects.append(project)
    demo_history.run(steps)
    return projects
