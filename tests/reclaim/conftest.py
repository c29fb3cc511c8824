"""Fixtures for reclaim: the projects app's granted and running project (Farsta owner, Skarpnäck
co-owner, savings expected in Socialnämnden and Utbildningsnämnden), paid 3 000 000 kr of which
200 000 kr came back, its investment phase ended and its evaluation completed with measured
savings in Socialnämnden and Utbildningsnämnden, inside and outside the reclaim window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.events import recorded_at
from projects import services as project_services
from reclaim import services as reclaim_services
from tests.projects import conftest as projects

# The fixtures of cases and projects these build on.
open_call = projects.open_call
co_owner_org = projects.co_owner_org
nonprofit = projects.nonprofit
council = projects.council
sketch = projects.sketch
meeting = projects.meeting
applicable_sketch = projects.applicable_sketch
application = projects.application
social = projects.social
education = projects.education
secretary = projects.secretary
project = projects.project
manager = projects.manager
deputy = projects.deputy
running = projects.running

YEAR = timezone.localdate().year
START = YEAR + 1  # the first reclaim year of a plan decided this year
NET_PAID = 2_800_000
# Measured reductions: (organisation fixture, year, kronor); 2 of them outside the window.
SAVINGS = [
    ("social", START, 600_000),
    ("social", START + 1, 900_000),
    ("social", START + 6, 400_000),  # after the six years: outside
    ("education", START + 2, 500_000),
    ("education", YEAR, 100_000),  # before the window: outside
]
TEXTS = {
    "design": "comparison_group",
    "design_text": "Jämförelse med Skarpnäck.",
    "results": "Färre placeringar av barn.",
    "observed_effects": "Lägre kostnader i socialtjänsten.",
    "counterfactual": "Utan projektet hade placeringarna legat kvar.",
}


@pytest.fixture
def evaluated(running, fund_admin, social, education, co_owner_org):
    organisations = {"social": social, "education": education}
    projects.pay(running, fund_admin, YEAR, running.owner, 2_000_000)
    projects.pay(running, fund_admin, YEAR, co_owner_org, 1_000_000)
    project_services.refund_record(
        actor=fund_admin,
        project=running,
        year=YEAR,
        recipient=co_owner_org,
        amount=200_000,
        value_date=timezone.localdate(),
    )
    project_services.project_phase_end(
        actor=fund_admin, project=running, today=dt.date(YEAR + 2, 1, 2)
    )
    project_services.evaluation_update(
        actor=fund_admin,
        project=running,
        savings=[
            (organisations[name].pk, year, amount, "Registerdata.")
            for name, year, amount in SAVINGS
        ],
        economic_effects=True,
        **TEXTS,
    )
    running.refresh_from_db()
    project_services.evaluation_complete(actor=fund_admin, evaluation=running.evaluation)
    running.refresh_from_db()
    return running


# The plan was decided in January last year, so its window runs from this year.
DECIDED = timezone.make_aware(dt.datetime.combine(dt.date(YEAR - 1, 1, 15), dt.time(10)))


@pytest.fixture
def decided(evaluated, fund_admin, city_director, social, education):
    plan = reclaim_services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    reclaim_services.plan_version_update(
        actor=fund_admin,
        version=version,
        start_year=YEAR,
        lines={
            (social.pk, YEAR): 600_000,
            (social.pk, YEAR + 1): 900_000,
            (education.pk, YEAR): 500_000,
        },
    )
    reclaim_services.plan_version_submit(actor=fund_admin, version=version)
    with recorded_at(DECIDED):
        reclaim_services.plan_version_approve(actor=city_director, version=version)
    plan.refresh_from_db()
    return plan
