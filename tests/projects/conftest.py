"""Fixtures for projects: a granted project of Farsta (owner) with Skarpnäck as co-owner and a
non-profit partner, budgeted over this year and next for Farsta and Skarpnäck, with expected
savings in two other organisations, and the board's two conditions; then the same project
started, with a project manager and a deputy."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.utils import timezone

from applications import services as case_services
from applications.models import BoardOutcome
from core.errors import DomainError
from core.models import OutboundEmail, Role
from projects import services
from projects.models import Project
from tests import factories
from tests.applications import conftest as cases
from tests.applications.conftest import (
    COMPLETE_FIELDS,
    assign,
    complete_rows,
    declare,
    inject,
    recommend,
    score,
)

# The fixtures of sketches and applications this app's fixtures build on.
open_call = cases.open_call
co_owner_org = cases.co_owner_org
nonprofit = cases.nonprofit
council = cases.council
sketch = cases.sketch
meeting = cases.meeting
applicable_sketch = cases.applicable_sketch
application = cases.application

YEAR = timezone.localdate().year
NEXT = YEAR + 1
# The application's fund-financed budget, and what the board grants per year.
BUDGET = {
    (YEAR, "owner", "develop"): 2_000_000,
    (YEAR, "co_owner", "introduce"): 1_000_000,
    (NEXT, "owner", "develop"): 1_500_000,
    (NEXT, "co_owner", "evaluate"): 500_000,
}
GRANTED = 5_000_000
YEARS = {YEAR: 3_000_000, NEXT: 2_000_000}
CONDITIONS = "- Projektledare ska vara utsedd.\n- Styrgruppen ska vara tillsatt."


@contextmanager
def refused(code: str | None = None, field: str | None = None):
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


@pytest.fixture
def social(db):
    return factories.OrganisationFactory(name="Socialnämnden", kind="specialist_committee")


@pytest.fixture
def education(db):
    return factories.OrganisationFactory(name="Utbildningsnämnden", kind="specialist_committee")


@pytest.fixture
def secretary(db):
    return factories.person(Role.BOARD_SECRETARY, name="Siri Sekreterare")


def _rows(application, co_owner, social, education):
    rows = complete_rows(application, YEAR)
    orgs = {"owner": application.owner, "co_owner": co_owner}
    rows["budget"] = [
        {
            "pk": None,
            "year": year,
            "recipient": orgs[who],
            "cost_type": use,
            "funding_source": "fund",
            "amount": amount,
            "note": "",
        }
        for (year, who, use), amount in BUDGET.items()
    ]
    rows["savings"] = [
        {
            "pk": None,
            "organisation": social,
            "year": NEXT + 1,
            "amount": 800_000,
            "assumptions": "Färre placeringar",
        },
        {
            "pk": None,
            "organisation": education,
            "year": NEXT + 2,
            "amount": 400_000,
            "assumptions": "",
        },
    ]
    return rows


def grant(
    application,
    *,
    applicant,
    admin,
    director,
    secretary,
    meeting,
    member,
    co_owner,
    social,
    education,
    outcome=BoardOutcome.GRANTED,
    amount=None,
    years=None,
    conditions=CONDITIONS,
):
    """Complete, submit, score, recommend, propose, approve and decide ``application``; returns
    its project."""
    application = case_services.application_update(
        actor=applicant,
        application=application,
        co_owners=[co_owner],
        partners=[p.organisation for p in application.participants.filter(role="partner")],
        rows=_rows(application, co_owner, social, education),
        planned_start=dt.date(YEAR, 1, 1),
        planned_end=dt.date(NEXT, 12, 31),
        amount_requested=GRANTED,
        **COMPLETE_FIELDS,
    )
    case_services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    assignment = declare(assign(application, admin, member))
    score(assignment, amount=GRANTED)
    recommend(application, admin, meeting, years=dict(YEARS))
    inject(application.call.fund, admin, 20_000_000, timezone.localdate() - dt.timedelta(days=30))
    proposal = case_services.proposal_create(actor=admin, call=application.call)
    proposal = case_services.proposal_update(actor=admin, proposal=proposal, summary="Förslag.")
    proposal = case_services.proposal_submit(actor=admin, proposal=proposal)
    proposal = case_services.proposal_approve(actor=director, proposal=proposal)
    extra = {}
    if outcome == BoardOutcome.GRANTED_REDUCED:
        extra = {"amount": amount, "years": years}
    decision = case_services.board_decision_record(
        actor=secretary,
        item=proposal.items.get(application=application),
        meeting_date=timezone.localdate(),
        paragraph="12",
        board_reference=f"KS {YEAR}/1234",
        outcome=outcome,
        conditions=conditions,
        **extra,
    )
    return Project.objects.get(board_decision=decision)


@pytest.fixture
def project(
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
    return grant(
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
    )


@pytest.fixture
def manager(organisation):
    return factories.person(Role.APPLICANT, organisation=organisation, name="Maja Projektledare")


@pytest.fixture
def deputy(organisation):
    return factories.person(Role.APPLICANT, organisation=organisation, name="Dan Ställföreträdare")


def start(project, admin, manager=None, deputy=None, owner_staff=None):
    """Meet the conditions, name the project manager (and deputy) and start the project."""
    for condition in project.conditions.all():
        services.condition_meet(actor=admin, condition=condition, note="Klart.")
    if manager is not None:
        services.project_assign(
            actor=owner_staff or admin,
            project=project,
            role="manager",
            person=manager,
            organisation=project.owner,
        )
    if deputy is not None:
        services.project_assign(
            actor=owner_staff or admin,
            project=project,
            role="deputy",
            person=deputy,
            organisation=project.owner,
        )
    services.project_activate(actor=admin, project=project)
    project.refresh_from_db()
    return project


@pytest.fixture
def running(project, fund_admin, manager, deputy, applicant):
    return start(project, fund_admin, manager, deputy, owner_staff=applicant)


def pay(project, admin, year, recipient, amount, **kwargs):
    return services.disbursement_record(
        actor=admin,
        project=project,
        year=year,
        recipient=recipient,
        amount=amount,
        value_date=kwargs.pop("value_date", timezone.localdate()),
        **kwargs,
    )


def pdf(name: str = "a.pdf"):
    """A tiny PDF upload (attachments of reports and evaluations)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def at_once(work, count: int = 2):
    """Run ``work()`` in ``count`` threads, each with its own database connection, started
    together; returns (results, errors). For tests marked ``django_db(transaction=True)``."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
