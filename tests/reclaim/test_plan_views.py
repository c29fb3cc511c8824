"""The reclaim plan's pages: drafted from the project's page, its lines changed in a grid that
keeps what was typed, sent, decided by the city director above the cap only with a reason;
a benefiting organisation reads its own lines only."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reclaim import services
from reclaim.models import PlanState, PlanVersion, ReclaimPlan, VersionState
from reclaim.services.plans import lines_of
from tests import factories
from tests.reclaim.conftest import START

pytestmark = pytest.mark.django_db


def url(project, suffix=""):
    return f"/reclaim/projects/{project.pk}/{suffix}"


def key():
    return {"idempotency_key": str(uuid.uuid4())}


def test_the_plan_is_drafted_from_the_projects_page(client, evaluated, fund_admin):
    client.force_login(fund_admin)
    project_page = client.get(f"/projects/{evaluated.pk}/").content.decode()
    assert f'href="{url(evaluated)}"' in project_page
    page = client.get(url(evaluated)).content.decode()
    assert "Projektet har ännu ingen plan för återföring." in page
    assert f'href="{url(evaluated, "draft/")}"' in page
    data = key()
    first = client.post(url(evaluated, "draft/"), data)
    again = client.post(url(evaluated, "draft/"), data)
    assert first.status_code == again.status_code == 302
    assert ReclaimPlan.objects.count() == PlanVersion.objects.count() == 1
    page = client.get(url(evaluated)).content.decode()
    assert "600\xa0000\xa0kr" in page  # Socialnämnden's first year
    assert "Besparingar utanför återföringsperioden" in page
    assert "400\xa0000\xa0kr" in page  # after the six years: shown apart


def test_the_grid_keeps_what_was_typed_and_saves_swedish_amounts(
    client, evaluated, fund_admin, social, education
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    client.force_login(fund_admin)
    edit = url(evaluated, f"versions/{version.pk}/edit/")
    page = client.get(edit).content.decode()
    assert f'<label class="visually-hidden" for="id_line_{social.pk}_{START}">' in page
    field = f"line_{social.pk}_{START}"
    response = client.post(edit, {field: "12,5", f"line_{education.pk}_{START + 2}": "7 000"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="12,5"' in page
    assert 'value="7 000"' in page
    assert lines_of(version)[(social.pk, START)] == 600_000  # nothing saved
    response = client.post(edit, {field: "1 000 000", f"line_{education.pk}_{START + 2}": ""})
    assert response.status_code == 302
    assert lines_of(version) == {(social.pk, START): 1_000_000}


def test_the_city_director_decides_above_the_cap_only_with_a_reason(
    client, evaluated, fund_admin, city_director, social
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    services.plan_version_update(
        actor=fund_admin, version=version, start_year=START, lines={(social.pk, START): 3_000_000}
    )
    services.plan_version_submit(actor=fund_admin, version=version)
    client.force_login(city_director)
    page = client.get(url(evaluated)).content.decode()
    assert "Planen ligger 200\xa0000\xa0kr över taket." in page
    decide = url(evaluated, f"versions/{version.pk}/decide/")
    assert f'href="{decide}"' in page
    response = client.post(decide, {"comment": "Ok.", **key()})
    assert response.status_code == 200
    assert "över taket på 2\xa0800\xa0000\xa0kr" in response.content.decode()
    response = client.post(decide, {"above_cap": "on", "above_cap_reason": "", **key()})
    assert "Ange skälet till beslutet över taket." in response.content.decode()
    response = client.post(decide, {"above_cap": "on", "above_cap_reason": "Väl belagt.", **key()})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.state, version.above_cap_reason) == (VersionState.APPROVED, "Väl belagt.")
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    page = client.get(url(evaluated)).content.decode()
    assert "Gäller: version 1" in page
    assert "Beslutad över taket: Väl belagt." in page


def test_a_benefiting_organisation_reads_its_own_lines_only(
    client, evaluated, fund_admin, social, education
):
    services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    reader = factories.person("applicant", organisation=social, name="Siv Social")
    client.force_login(reader)
    page = client.get(url(evaluated)).content.decode()
    assert "Socialnämnden" in page
    assert education.name not in page
    assert 'data-figure="plan-total"' not in page  # no totals of others' lines


def _queries(client, project) -> int:
    client.get(url(project))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(project)).status_code == 200
    return len(captured.captured_queries)


def test_the_plan_page_asks_the_same_queries_with_n_and_10n_versions(
    client, evaluated, fund_admin, city_director, social
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    client.force_login(fund_admin)

    def decide_a_version(amount):
        version = services.plan_adjustment_start(actor=fund_admin, plan=plan)
        if version.number > 1:
            services.plan_version_update(
                actor=fund_admin,
                version=version,
                start_year=version.start_year,
                lines={**lines_of(version), (social.pk, START): amount},
                reason="Uppföljning.",
            )
        services.plan_version_submit(actor=fund_admin, version=version)
        services.plan_version_approve(actor=city_director, version=version)

    services.plan_version_submit(actor=fund_admin, version=plan.versions.get())
    services.plan_version_approve(actor=city_director, version=plan.versions.get())
    decide_a_version(500_000)
    at_n = _queries(client, evaluated)
    for n in range(18):
        decide_a_version(400_000 - n * 1000)
    assert plan.versions.count() == 20
    assert _queries(client, evaluated) == at_n


def test_the_final_adjustment_waits_for_the_last_year_and_the_close_for_every_line(
    client, evaluated, fund_admin, city_director, social
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    services.plan_version_submit(actor=fund_admin, version=plan.versions.get())
    services.plan_version_approve(actor=city_director, version=plan.versions.get())
    client.force_login(fund_admin)
    page = client.get(url(evaluated)).content.decode()
    assert "Registrera en slutlig budgetjustering" not in page  # the window has not ended
    response = client.post(
        url(evaluated, "budget/"),
        {
            "organisation": social.pk,
            "amount": "-1500000",
            "reference": "KF 2033/12",
            "decided_on": "2033-01-20",
            **key(),
        },
    )
    assert response.status_code == 200
    assert f"efter det sista återföringsåret, {START + 5}" in response.content.decode()
    response = client.post(url(evaluated, "close/"), key())
    assert "rader i planen är ännu varken bokförda eller efterskänkta" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
