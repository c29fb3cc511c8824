"""The generated volume's world: organisations, the fund's staff, a council, and the city
organisations' applicants, and the fund. Made through the services; found again by name when
the volume is topped up.

Applicants grow with the volume: application ``i`` is written by its owner's applicant number
``i // CASES_PER_APPLICANT`` (made when first needed), so the first N applications have the same
authors however the volume was built, and 8,000 applications bring about 500 people."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from core import services
from core.models import EntryKind, Fund, Organisation, OrganisationKind, Role, User

DOMAIN = "volym.example"
MARK = " (volym)"
PASSWORD = "volym-fondadmin"  # noqa: S105 - printed by the command; refused in production
FUND_NAME = "Volymfonden" + MARK
SERIES = "VOL"
STORY_START = dt.date(2015, 6, 1)
FUND_STARTED = dt.date(2015, 6, 15)
# The capital reserved: room for the 1,300 investments of the city at 100 times (about 10 million
# kronor each) granted from 8,000 applications.
INJECTION = 30_000_000_000

# Application i is written by its owner's applicant i // CASES_PER_APPLICANT: one applicant
# per organisation up to 450 applications, 18 per organisation (504 in all) at 8,000.
CASES_PER_APPLICANT = 450

DISTRICTS = 18
SPECIALISTS = 8
COMPANIES = 2
NONPROFITS = 4
# Council member i belongs to specialist committee i, so the council has conflicts of
# interest with some cases, as the real one does.
COUNCIL_SIZE = SPECIALISTS
STAFF = {
    "admin": ("Handläggare Volym", Role.FUND_ADMIN),
    "director": ("Stadsdirektör Volym", Role.CITY_DIRECTOR),
    "secretary": ("Kommunsekreterare Volym", Role.BOARD_SECRETARY),
    "auditor": ("Revisor Volym", Role.AUDITOR),
}
SEED_TEXT = "Genererad volym, seed {seed}, {per_call} ansökningar per utlysning."


_HASH: dict[str, str] = {}


def address(local: str) -> str:
    return f"{local}@{DOMAIN}"


@dataclass
class World:
    fund: Fund
    admin: User
    director: User
    secretary: User
    city: list[Organisation]  # organisations that can own cases, in a fixed order
    nonprofits: list[Organisation]
    council: list[User]
    council_organisation: dict[int, int]  # member's id -> their organisation's id
    applicants: dict[tuple[int, int], User]  # (organisation's id, number) -> applicant
    numbers: dict[int, int]  # organisation's id -> its place in ``city`` (from 1)

    def applicant(self, organisation: Organisation, index: int) -> User:
        """Who writes application ``index`` owned by ``organisation`` (made the first time)."""
        key = (organisation.pk, index // CASES_PER_APPLICANT)
        if key not in self.applicants:
            self.applicants[key] = _applicant(organisation, self.numbers[organisation.pk], key[1])
        return self.applicants[key]


def seed_of(fund: Fund) -> int | None:
    found = re.search(r"seed (-?\d+)", fund.description)
    return int(found.group(1)) if found else None


def per_call_of(fund: Fund) -> int:
    found = re.search(r"(\d+) ansökningar per utlysning", fund.description)
    return int(found.group(1)) if found else 500  # volumes made before the projects stage


def _organisation(name: str, short: str, kind: str) -> Organisation:
    existing = Organisation.objects.filter(name=name + MARK).first()
    if existing is not None:
        return existing
    return services.organisation_create(
        actor=None, name=name + MARK, short_name=short, kind=kind, active_from=STORY_START
    )


def _person(local: str, name: str, role: str | None, organisation: Organisation | None) -> User:
    user = User.objects.filter(email=address(local)).first()
    if user is not None:
        return user
    # One hash for all (hashing takes half a second each with the production hasher).
    if "password" not in _HASH:
        _HASH["password"] = make_password(PASSWORD)
    hashed = _HASH["password"]
    user = User.objects.create_user(email=address(local), full_name=name, password=None)
    user.password = hashed
    user.save(update_fields=["password"])
    if organisation is not None:
        services.membership_add(
            actor=None,
            user=user,
            organisation=organisation,
            valid_from=STORY_START,
            today=STORY_START,
        )
    if role is not None:
        services.role_assign(
            actor=None, user=user, role=role, valid_from=STORY_START, today=STORY_START
        )
    return user


def load(seed: int, per_call: int) -> World:
    """The world of the volume, made the first time (inside the caller's transaction)."""
    kinds = (
        [(f"Stadsdelsnämnd {n:02d}", f"SDN {n:02d}", "district") for n in range(1, DISTRICTS + 1)]
        + [(f"Facknämnd {n:02d}", f"FN {n:02d}", "specialist") for n in range(1, SPECIALISTS + 1)]
        + [(f"Stadens bolag {n:02d}", f"Bolag {n:02d}", "company") for n in range(1, COMPANIES + 1)]
    )
    kind_of = {
        "district": OrganisationKind.DISTRICT_COMMITTEE,
        "specialist": OrganisationKind.SPECIALIST_COMMITTEE,
        "company": OrganisationKind.COMPANY,
    }
    city = [_organisation(name, short, kind_of[kind]) for name, short, kind in kinds]
    nonprofits = [
        _organisation(f"Idéburen förening {n:02d}", f"Förening {n:02d}", OrganisationKind.NONPROFIT)
        for n in range(1, NONPROFITS + 1)
    ]
    office = _organisation("Stadsledningskontoret", "SLK", OrganisationKind.SPECIALIST_COMMITTEE)
    staff = {
        local: _person(local, name, role, office if local != "auditor" else None)
        for local, (name, role) in STAFF.items()
    }
    specialists = city[DISTRICTS : DISTRICTS + SPECIALISTS]
    council = [
        _person(f"ledamot{n:02d}", f"Ledamot {n:02d} Volym", Role.COUNCIL_MEMBER, specialist)
        for n, specialist in enumerate(specialists[:COUNCIL_SIZE], start=1)
    ]
    numbers = {org.pk: n for n, org in enumerate(city, start=1)}
    applicants = {(org.pk, 0): _applicant(org, numbers[org.pk], 0) for org in city}
    return World(
        fund=_fund(staff["admin"], seed, per_call),
        director=staff["director"],
        secretary=staff["secretary"],
        admin=staff["admin"],
        city=city,
        nonprofits=nonprofits,
        council=council,
        council_organisation={member.pk: specialists[n].pk for n, member in enumerate(council)},
        applicants=applicants,
        numbers=numbers,
    )


def _applicant(organisation: Organisation, number: int, slot: int) -> User:
    """Applicant ``slot`` of the ``number``-th city organisation (sokande01, sokande01-02...)."""
    if slot == 0:
        return _person(
            f"sokande{number:02d}",
            f"Sökande {organisation.short_name}",
            Role.APPLICANT,
            organisation,
        )
    return _person(
        f"sokande{number:02d}-{slot + 1:02d}",
        f"Sökande {slot + 1} {organisation.short_name}",
        Role.APPLICANT,
        organisation,
    )


def _fund(admin: User, seed: int, per_call: int) -> Fund:
    fund = Fund.objects.filter(name=FUND_NAME).first()
    if fund is not None:
        return fund
    fund = services.fund_create(
        actor=None,
        name=FUND_NAME,
        registration_series=SERIES,
        started_on=FUND_STARTED,
        reclaim_window_years=6,
        description=SEED_TEXT.format(seed=seed, per_call=per_call),
    )
    services.ledger_entry_record(
        actor=admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=INJECTION,
        value_date=FUND_STARTED,
        reference="Genererad avsättning",
        by_hand=True,
    )
    return fund
