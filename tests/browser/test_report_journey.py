"""The city director's portfolio report in Chromium, with the production CSP enforced and axe
on every state of the page: asked for on the reports page (the test settings run the task in
the request, as the demo does), downloaded as a PDF; and a job being produced, which the page
follows by itself (htmx polling) until it is ready, then stops."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import JobState, ReportJob, ReportKind, Stage
from tests import factories
from tests.reports import conftest as report_fixtures

open_call = report_fixtures.open_call
co_owner_org = report_fixtures.co_owner_org
nonprofit = report_fixtures.nonprofit
council = report_fixtures.council
sketch = report_fixtures.sketch
meeting = report_fixtures.meeting
applicable_sketch = report_fixtures.applicable_sketch
application = report_fixtures.application
social = report_fixtures.social
education = report_fixtures.education
secretary = report_fixtures.secretary
project = report_fixtures.project
manager = report_fixtures.manager
deputy = report_fixtures.deputy
running = report_fixtures.running
evaluated = report_fixtures.evaluated
decided = report_fixtures.decided
portfolio = report_fixtures.portfolio

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_city_director_asks_for_the_portfolio_report_and_downloads_it(
    visitor, portfolio, city_director
):
    director = visitor("director", narrow=True)
    director.login(city_director.email, factories.PASSWORD)
    director.page.get_by_role("link", name="Rapporter", exact=True).click()
    director.check("reports, none yet")
    assert "Du har inte beställt någon rapport än." in director.page.inner_text("main")
    director.page.locator("#id_fund").select_option(label=portfolio.name)
    director.submit("report ready", button="Ta fram rapporten")
    main = director.page.inner_text("main")
    assert "Klar." in main, main
    with director.page.expect_download() as download:
        director.page.get_by_role("link", name="Hämta PDF-filen").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    director.goto("/reports/", "reports, one ready")
    assert "PDF, " in director.page.inner_text("main")


def test_the_job_page_follows_the_job_until_it_is_ready(visitor, fund, city_director):
    job = ReportJob.objects.create(
        kind=ReportKind.PORTFOLIO,
        fund=fund,
        value_date=timezone.localdate(),
        requester=city_director,
        state=JobState.RUNNING,
        stage=Stage.LAYOUT,
        progress=30,
    )
    director = visitor("director")
    director.login_as(city_director)
    director.goto(f"/reports/{job.pk}/", "being produced")
    said = director.page.locator("#report-live")
    assert "Tas fram: sätter sidorna" in said.inner_text()
    # A worker finishes it; the page notices by itself.
    job.file.save(job.file_name, ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        progress=100,
        stage="",
        pages=4,
        size=15,
        checksum=hashlib.sha256(b"%PDF-1.7\n%%EOF\n").hexdigest(),
        file=job.file.name,
        finished_at=timezone.now(),
    )
    director.page.get_by_role("link", name="Hämta PDF-filen").wait_for(timeout=10_000)
    director.check("ready after polling")
    assert "Klar. 4 sidor" in said.inner_text()  # the live region says it once
    assert director.page.locator("[hx-trigger]").count() == 0


def test_the_project_manager_asks_for_the_investment_report_on_the_project_page(
    visitor, portfolio, applicant
):
    from projects.models import Project

    project = Project.objects.get(registration__fund=portfolio)
    owner = visitor("owner")
    owner.login_as(applicant)
    owner.goto(f"/projects/{project.pk}/", "project page with the report button")
    owner.submit("investment report ready", button="Projektrapport (PDF)")
    main = owner.page.inner_text("main")
    assert "Projektrapport" in main
    assert str(project.registration) in main
    assert "Klar." in main, main
    with owner.page.expect_download() as download:
        owner.page.get_by_role("link", name="Hämta PDF-filen").click()
    assert str(project.registration).replace(" ", "-").replace("/", "-") in (
        download.value.suggested_filename
    )
    # Their list holds it; the portfolio form is not theirs.
    owner.goto("/reports/", "reports of a project manager")
    assert owner.page.locator("#id_fund, #id_yearly-fund").count() == 0
    assert str(project.registration) in owner.page.inner_text("main")


def test_the_city_director_takes_the_reclaim_decision_as_a_document(
    visitor, portfolio, city_director
):
    from reclaim.models import ReclaimPlan

    plan = ReclaimPlan.objects.get(project__registration__fund=portfolio)
    director = visitor("director")
    director.login_as(city_director)
    director.goto(f"/reclaim/projects/{plan.project_id}/", "plan page with the decision button")
    director.submit("reclaim decision ready", button="Beslutet om version 1 (PDF)")
    main = director.page.inner_text("main")
    assert "Beslut om återföring" in main
    assert ", version 1" in director.page.title()
    assert "Planversion\n1" in main or "Planversion\t1" in main, main
    assert "Klar." in main, main


def test_the_city_director_asks_for_the_yearly_report_with_a_year_out_of_range_first(
    visitor, portfolio, city_director
):
    director = visitor("director")
    director.login_as(city_director)
    director.goto("/reports/", "reports page with two forms")
    director.page.locator("#id_yearly-fund").select_option(label=portfolio.name)
    director.page.locator("#id_yearly-year").fill("1999")
    director.submit("yearly report refused", button="Ta fram årsrapporten")
    assert "Välj ett år från" in director.page.inner_text("main")
    assert director.page.locator("#id_yearly-year").input_value() == "1999"
    director.page.locator("#id_yearly-year").fill(str(timezone.localdate().year))
    director.submit("yearly report ready", button="Ta fram årsrapporten")
    main = director.page.inner_text("main")
    assert "Årsrapport till kommunstyrelsen" in main
    assert "Klar." in main, main


def test_the_city_directors_start_page_shows_the_fund_in_figures(visitor, portfolio, city_director):
    director = visitor("director", narrow=True)
    director.login_as(city_director)
    director.goto("/", "start page with the fund in figures")
    assert director.page.locator("figure.chart svg").count() == 3
    # The numbers behind each chart are one click away, for screen readers and keyboards.
    director.page.locator("details.chart-numbers summary").first.click()
    assert director.page.locator("details.chart-numbers table").first.is_visible()
    director.check("start page, numbers shown")
