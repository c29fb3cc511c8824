"""Demo data for people and roles. Idempotent: running it again changes nothing that exists.

Names of people are invented; the organisations are Stockholm's committees of 2019.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import services
from core.events import event_record, recorded_at
from core.models import (
    Delegation,
    EntryKind,
    Fund,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)

DEMO_PASSWORD = "demo-fondadmin"  # noqa: S105 - printed for the demo; refused in production
DEMO_DOMAIN = "demo.stockholm.example"
STORY_START = dt.date(2015, 1, 1)

DISTRICTS = [
    ("Rinkeby-Kista stadsdelsnämnd", "Rinkeby-Kista"),
    ("Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta"),
    ("Hässelby-Vällingby stadsdelsnämnd", "Hässelby-Vällingby"),
    ("Bromma stadsdelsnämnd", "Bromma"),
    ("Kungsholmens stadsdelsnämnd", "Kungsholmen"),
    ("Norrmalms stadsdelsnämnd", "Norrmalm"),
    ("Östermalms stadsdelsnämnd", "Östermalm"),
    ("Södermalms stadsdelsnämnd", "Södermalm"),
    ("Enskede-Årsta-Vantörs stadsdelsnämnd", "Enskede-Årsta-Vantör"),
    ("Skarpnäcks stadsdelsnämnd", "Skarpnäck"),
    ("Farsta stadsdelsnämnd", "Farsta"),
    ("Älvsjö stadsdelsnämnd", "Älvsjö"),
    ("Hägersten-Liljeholmens stadsdelsnämnd", "Hägersten-Liljeholmen"),
    ("Skärholmens stadsdelsnämnd", "Skärholmen"),
]
SPECIALISTS = [
    ("Kommunstyrelsen (stadsledningskontoret)", "Kommunstyrelsen"),
    ("Socialnämnden", "Socialnämnden"),
    ("Utbildningsnämnden", "Utbildningsnämnden"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsnämnden"),
    ("Idrottsnämnden", "Idrottsnämnden"),
    ("Kulturnämnden", "Kulturnämnden"),
]
# The seeds say companies may apply but name none; these are city-owned companies of 2019.
COMPANIES = [
    ("AB Svenska Bostäder", "Svenska Bostäder"),
    ("Micasa Fastigheter i Stockholm AB", "Micasa"),
]
NONPROFITS = [
    ("Föreningen Föräldrastöd Söderort (demo)", "Föräldrastöd Söderort"),
    ("Läxhjälpsnätverket Järva (demo)", "Läxhjälp Järva"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    roles: tuple[str, ...]
    organisation: str | None
    title: str
    staff: bool = False

    @property
    def address(self) -> str:
        return f"{self.email}@{DEMO_DOMAIN}"


PEOPLE = [
    DemoPerson(
        "anna.lindqvist",
        "Anna Lindqvist",
        (Role.FUND_ADMIN,),
        "Kommunstyrelsen",
        "Handläggare, sociala investeringsfonden",
        staff=True,
    ),
    DemoPerson(
        "erik.johansson", "Erik Johansson", (Role.APPLICANT,), "Farsta", "Utvecklingsledare"
    ),
    DemoPerson(
        "leila.haddad",
        "Leila Haddad",
        (Role.APPLICANT,),
        "Socialnämnden",
        "Enhetschef, socialförvaltningen",
    ),
    DemoPerson(
        "sofia.karlsson",
        "Sofia Karlsson",
        (Role.APPLICANT,),
        "Skarpnäck",
        "Utvecklingsstrateg, Skarpnäcks stadsdelsförvaltning",
    ),
    DemoPerson(
        "karin.berg",
        "Karin Berg",
        (Role.COUNCIL_MEMBER,),
        "Skarpnäck",
        "Avdelningschef, Skarpnäcks stadsdelsförvaltning",
    ),
    DemoPerson(
        "jonas.wikstrom",
        "Jonas Wikström",
        (Role.COUNCIL_MEMBER,),
        "Utbildningsnämnden",
        "Avdelningschef, utbildningsförvaltningen",
    ),
    DemoPerson(
        "maria.lund",
        "Maria Lund",
        (Role.COUNCIL_MEMBER,),
        "Östermalm",
        "Avdelningschef, Östermalms stadsdelsförvaltning",
    ),
    DemoPerson(
        "lars.nystrom",
        "Lars Nyström",
        (Role.SCIENTIFIC_REVIEWER,),
        None,
        "Professor i socialt arbete",
    ),
    DemoPerson("malin.ek", "Malin Ek", (Role.CITY_DIRECTOR,), "Kommunstyrelsen", "Stadsdirektör"),
    DemoPerson("johan.sjoberg", "Johan Sjöberg", (), "Kommunstyrelsen", "Biträdande stadsdirektör"),
    DemoPerson(
        "per.holm", "Per Holm", (Role.BOARD_SECRETARY,), "Kommunstyrelsen", "Kommunsekreterare"
    ),
    DemoPerson("eva.strand", "Eva Strand", (Role.AUDITOR,), None, "Revisor, stadsrevisionen"),
]
DELEGATE = "johan.sjoberg"
FUND_ADMIN = "anna.lindqvist"

FUND_NAME = "Stockholms stads sociala investeringsfond"
# The 300 MSEK come from the decision on the 2014 annual accounts, adopted in 2015. The exact
# day is not in the seeds: this value date is a demo date.
FUND_STARTED = dt.date(2015, 6, 15)
INJECTION_AMOUNT = 300_000_000
INJECTION_REFERENCE = "KF 2015-06-15, årsredovisning 2014 (demodatum)"
DIRECTOR = "malin.ek"
BOARD_SECRETARY = "per.holm"
# The city director's summer delegation of 2017 (demo dates): her delegate approves the
# proposal of the spring call of 2017 "på delegation" (applications.demo_decisions).
HISTORIC_DELEGATION = (dt.date(2017, 7, 31), dt.date(2017, 8, 20), "Semester 2017 (demo)")


def _organisations() -> dict[str, Organisation]:
    by_short = {}
    for kind, rows in (
        (OrganisationKind.DISTRICT_COMMITTEE, DISTRICTS),
        (OrganisationKind.SPECIALIST_COMMITTEE, SPECIALISTS),
        (OrganisationKind.COMPANY, COMPANIES),
        (OrganisationKind.NONPROFIT, NONPROFITS),
    ):
        for name, short in rows:
            org, _created = Organisation.objects.get_or_create(
                name=name, defaults={"short_name": short, "kind": kind, "active_from": STORY_START}
            )
            by_short[short] = org
    return by_short


@transaction.atomic
def load(*, today: dt.date | None = None) -> list[tuple[DemoPerson, User]]:
    day = today or timezone.localdate()
    organisations = _organisations()
    people = []
    for person in PEOPLE:
        user = User.objects.filter(email=person.address).first()
        if user is None:
            user = User.objects.create_user(
                email=person.address,
                full_name=person.full_name,
                password=DEMO_PASSWORD,
                is_staff=person.staff,
                date_joined=timezone.make_aware(dt.datetime.combine(STORY_START, dt.time(9))),
            )
        # The demo story starts in 2015: memberships and roles are recorded as of then.
        with recorded_at(_at(STORY_START, 9)):
            if (
                person.organisation
                and not Membership.objects.filter(
                    user=user, organisation=organisations[person.organisation]
                ).exists()
            ):
                services.membership_add(
                    actor=None,
                    user=user,
                    organisation=organisations[person.organisation],
                    title=person.title,
                    valid_from=STORY_START,
                    today=STORY_START,
                )
            for role in person.roles:
                if not RoleAssignment.objects.filter(user=user, role=role).exists():
                    services.role_assign(
                        actor=None, user=user, role=role, valid_from=STORY_START, today=STORY_START
                    )
        people.append((person, user))
    # Their records too say 2015 (the services stamp the time they ran).
    story_start = _at(STORY_START, 9)
    for model in (Membership, RoleAssignment):
        model.objects.filter(valid_from=STORY_START, created_at__gt=story_start).update(
            created_at=story_start
        )
    users = {person.email: user for person, user in people}
    director, delegate = users[DIRECTOR], users[DELEGATE]
    if not Delegation.objects.current_or_future(day).filter(delegator=director).exists():
        services.delegation_create(
            actor=director,
            delegate=delegate,
            valid_from=day,
            valid_until=day + dt.timedelta(days=27),
            note="Semester (demo)",
            today=day,
        )
    _historic_delegation(director, delegate)
    _fund(users[FUND_ADMIN])
    return people


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _historic_delegation(director: User, delegate: User) -> None:
    """Written as it was recorded then, like the historic applicants' memberships
    (applications.demo_cases): ``services.delegation_create`` starts a delegation today or
    later and e-mails the delegate, and the history's e-mails were never sent."""
    start, end, note = HISTORIC_DELEGATION
    if Delegation.objects.filter(delegator=director, valid_from=start).exists():
        return
    moment = _at(start - dt.timedelta(days=14), 9)
    with recorded_at(moment):
        delegation = Delegation.objects.create(
            delegator=director,
            delegate=delegate,
            valid_from=start,
            valid_until=end,
            note=note,
            created_at=moment,
        )
        event_record(
            actor=director,
            action="delegation.created",
            target=delegation,
            comment=note,
            data={
                "delegate": delegate.full_name,
                "valid_from": start.isoformat(),
                "valid_until": end.isoformat(),
            },
        )


def _fund(admin: User) -> Fund:
    with recorded_at(_at(FUND_STARTED, 10)):  # set up when the capital was reserved
        return _fund_and_capital(admin)


def _fund_and_capital(admin: User) -> Fund:
    fund = Fund.objects.filter(name=FUND_NAME).first()
    if fund is None:
        fund = services.fund_create(
            actor=None,
            name=FUND_NAME,
            registration_series="SIF",
            started_on=FUND_STARTED,
            financing_ends_on=dt.date(2022, 12, 31),
            reclaim_window_years=6,
            description=(
                "Avsatt i bokslutet för 2014 för förebyggande sociala investeringar i stadens "
                "nämnder och bolag. Demodata: datum och belopp utöver de 300 mnkr är påhittade."
            ),
        )
        Fund.objects.filter(pk=fund.pk).update(created_at=_at(FUND_STARTED, 10))
    if not fund.ledger.filter(kind=EntryKind.INJECTION).exists():
        services.ledger_entry_record(
            actor=admin,
            fund=fund,
            kind=EntryKind.INJECTION,
            amount=INJECTION_AMOUNT,
            value_date=FUND_STARTED,
            reference=INJECTION_REFERENCE,
            note="Avsättning av eget kapital enligt beslut om 2014 års bokslut.",
            by_hand=True,
        )
    return fund
