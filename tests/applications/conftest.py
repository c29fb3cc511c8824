"""Fixtures for sketches and applications: a published call, an owner organisation with an
applicant, a co-owner, a non-profit partner, a council and a complete sketch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from applications import services
from core.models import OrganisationKind, Role
from tests import factories


@pytest.fixture
def open_call(fund, fund_admin):
    today = timezone.localdate()
    call = services.call_create(
        actor=fund_admin,
        fund=fund,
        title="Tidiga insatser",
        description="Beskrivning",
        idea_sketch_deadline=today + dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=40),
        indicative_budget=20_000_000,
        decision_route="own_proposal",
    )
    return services.call_publish(actor=fund_admin, call=call)


@pytest.fixture
def co_owner_org(db):
    return factories.OrganisationFactory(name="Skarpnäcks stadsdelsnämnd", short_name="Skarpnäck")


@pytest.fixture
def nonprofit(db):
    return factories.OrganisationFactory(
        name="Föreningen Läslust", short_name="Läslust", kind=OrganisationKind.NONPROFIT
    )


@pytest.fixture
def council(db):
    """Three council members: one from the owner's side is added by tests that need him."""
    other = factories.OrganisationFactory(name="Arbetsmarknadsnämnden", kind="specialist_committee")
    return [
        factories.person(Role.COUNCIL_MEMBER, organisation=other, name=f"Ledamot {n}")
        for n in (1, 2, 3)
    ]


SKETCH_FIELDS = {
    "title": "Läsfrämjande i Farsta",
    "summary": "Läsombud i förskolan.",
    "problem_and_target_group": "Barn 3-6 år med svag språkutveckling.",
    "complements_ordinary_work": "Förstärker förskolans ordinarie språkarbete.",
    "estimated_amount": 3_000_000,
    "estimated_years": 3,
    "contact_name": "Ada Sökande",
    "contact_email": "ada.kontakt@test.example",
    "contact_phone": "",
}


@pytest.fixture
def sketch(open_call, applicant, organisation, co_owner_org, nonprofit):
    return services.idea_sketch_create(
        actor=applicant,
        call=open_call,
        owner=organisation,
        co_owners=[co_owner_org],
        partners=[nonprofit],
        **SKETCH_FIELDS,
    )


@pytest.fixture
def meeting(fund, fund_admin, council):
    return services.council_meeting_create(
        actor=fund_admin, fund=fund, held_on=timezone.localdate(), members=council
    )


@pytest.fixture
def applicable_sketch(sketch, applicant, fund_admin, meeting):
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    services.applicability_decide(
        actor=fund_admin, sketch=sketch, meeting=meeting, outcome="applicable", reason="Bra."
    )
    sketch.refresh_from_db()
    return sketch


def complete_rows(application, year: int) -> dict:
    owner = application.owner
    return {
        "activities": [
            {
                "pk": None,
                "title": "Utbilda läsombud",
                "description": "",
                "starts_on": None,
                "ends_on": None,
            }
        ],
        "milestones": [{"pk": None, "title": "Alla utbildade", "due_on": dt.date(year, 6, 1)}],
        "indicators": [
            {
                "pk": None,
                "name": "Andel barn med godkänd språkscreening",
                "unit": "%",
                "baseline": 60,
                "target": 75,
                "data_source": "BVC",
            }
        ],
        "savings": [
            {
                "pk": None,
                "organisation": owner,
                "year": year + 3,
                "amount": 500_000,
                "assumptions": "",
            }
        ],
        "budget": [
            {
                "pk": None,
                "year": year,
                "recipient": owner,
                "cost_type": "develop",
                "funding_source": "fund",
                "amount": 3_000_000,
                "note": "",
            },
            {
                "pk": None,
                "year": year,
                "recipient": owner,
                "cost_type": "evaluate",
                "funding_source": "own",
                "amount": 400_000,
                "note": "",
            },
        ],
    }


COMPLETE_FIELDS = {
    "project_organisation": "Projektledare på halvtid.",
    "steering_group": "Förvaltningens ledningsgrupp.",
    "risks": "Personalomsättning.",
    "evaluation_design": "before_after",
    "evaluation_design_text": "Mätning före och efter.",
    "evaluator": "FoU-enheten",
    "benefits_assumptions": "Färre insatser från elevhälsan.",
}


@pytest.fixture
def application(applicable_sketch, applicant):
    return services.application_create(actor=applicant, sketch=applicable_sketch)


@pytest.fixture
def complete_application(application, applicant):
    year = timezone.localdate().year
    return services.application_update(
        actor=applicant,
        application=application,
        co_owners=[p.organisation for p in application.participants.filter(role="co_owner")],
        partners=[p.organisation for p in application.participants.filter(role="partner")],
        rows=complete_rows(application, year),
        planned_start=dt.date(year, 1, 1),
        planned_end=dt.date(year, 12, 31),
        amount_requested=3_000_000,
        **COMPLETE_FIELDS,
    )


# --- Review, recommendation, proposal and decision (tests/applications/test_reviews.py and
# test_decisions.py) ------------------------------------------------------------------------------


def criteria(met: bool = True, points: int = 4, comment: str = "Kriteriekommentar", **changes):
    """The five criteria as a score takes them: ``{number: (met, points, comment)}``;
    ``changes`` as ``c3=(False, 2, "...")``."""
    from applications.models import Criterion

    given = {c.value: (met, points, f"{comment} {c.value}") for c in Criterion}
    given.update({int(key[1:]): value for key, value in changes.items()})
    return given


ALL_MET = dict.fromkeys(range(1, 6), True)


def assign(application, admin, reviewer, kind="council", **kwargs):
    return services.review_assign(
        actor=admin, application=application, reviewer=reviewer, kind=kind, **kwargs
    )


def declare(assignment, conflict: bool = False, text: str = ""):
    return services.review_declare(
        actor=assignment.reviewer, assignment=assignment, conflict=conflict, text=text
    )


def score(assignment, version: int = 1, outcome: str = "grant", amount=3_000_000, **kwargs):
    kwargs.setdefault("criteria", criteria())
    return services.application_score(
        actor=assignment.reviewer,
        assignment=assignment,
        version=version,
        suggested_outcome=outcome,
        suggested_amount=amount,
        **kwargs,
    )


def recommend(application, admin, meeting, outcome: str = "grant", years=None, **kwargs):
    """Record the council's recommendation; a grant of the requested amount by default."""
    if years is None:
        year = timezone.localdate().year
        years = {year: application.amount_requested} if outcome == "grant" else {}
    kwargs.setdefault("criteria_met", ALL_MET)
    kwargs.setdefault("summary", "Rådet ser goda förutsättningar.")
    kwargs.setdefault("reasons", "Väl underbyggd ansökan.")
    return services.recommendation_record(
        actor=admin,
        application=application,
        meeting=meeting,
        outcome=outcome,
        years=years,
        **kwargs,
    )


def inject(fund, admin, amount: int, value_date: dt.date | None = None):
    """Money in the fund, as the ledger records it (capital reserved in the annual accounts)."""
    from core.models import EntryKind
    from core.services.ledger import ledger_entry_record

    return ledger_entry_record(
        actor=admin,
        fund=fund,
        kind=EntryKind.INJECTION,
        amount=amount,
        value_date=value_date or timezone.localdate(),
        reference="KF 2015-06-15 § 12",
        by_hand=True,
    )


def application_in(call, applicant, owner, admin, meeting, *, title, submit=True, on=None):
    """A complete application of ``owner`` in ``call`` through sketch and applicability,
    submitted unless told otherwise; ``on``: the day it all happens (today by default)."""
    day = on or timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    sketch = services.idea_sketch_create(
        actor=applicant, call=call, owner=owner, today=day, **(SKETCH_FIELDS | {"title": title})
    )
    services.idea_sketch_submit(actor=applicant, sketch=sketch, at=at)
    services.applicability_decide(
        actor=admin, sketch=sketch, meeting=meeting, outcome="applicable", reason="Bra."
    )
    application = services.application_create(actor=applicant, sketch=sketch, today=day)
    year = timezone.localdate().year
    application = services.application_update(
        actor=applicant,
        application=application,
        co_owners=[],
        partners=[],
        rows=complete_rows(application, year),
        planned_start=dt.date(year, 1, 1),
        planned_end=dt.date(year, 12, 31),
        amount_requested=3_000_000,
        **COMPLETE_FIELDS,
    )
    if submit:
        services.application_submit(actor=applicant, application=application, at=at)
        application.refresh_from_db()
    return application


@pytest.fixture
def submitted(complete_application, applicant):
    """The shared complete application, submitted as version 1."""
    services.application_submit(actor=applicant, application=complete_application)
    complete_application.refresh_from_db()
    return complete_application


@pytest.fixture
def recommended(submitted, fund_admin, council, meeting):
    """Scored by the first council member and recommended for a grant of the amount applied
    for (3 000 000 kr this year)."""
    assignment = assign(submitted, fund_admin, council[0])
    declare(assignment)
    score(assignment)
    recommend(submitted, fund_admin, meeting)
    submitted.refresh_from_db()
    return submitted
