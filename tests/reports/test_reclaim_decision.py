"""The reclaim decision as a document: a decided plan version's lines, rules and cap, what it
changed, and the approval as recorded in the system; asked for on the plan page by those who
see the whole project, and only for a decided version."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from core.money import format_amount
from reclaim import services as reclaim_services
from reclaim.models import PlanVersion, VersionState
from reclaim.services.plans import lines_of
from reports.models import JobState, ReportJob, ReportKind
from tests import factories
from tests.reports.conftest import YEAR, kr, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def _ask(client, user, version, django_capture_on_commit_callbacks):
    client.force_login(user)
    url = reverse("reports:reclaim_decision", args=[version.plan.project_id, version.pk])
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url)


def _n(amount: int) -> str:
    return format_amount(amount).replace("\xa0", " ")


def _text(job) -> str:
    return " ".join(pdf_text(job.file.read()).split())


def test_the_decision_states_the_lines_the_cap_and_who_decided_when(
    client, decided, applicant, city_director, django_capture_on_commit_callbacks
):
    version = decided.versions.get()
    project = decided.project
    response = _ask(client, applicant, version, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[job.pk])
    assert job.kind == ReportKind.RECLAIM_DECISION
    assert job.state == JobState.DONE, job.error
    assert job.value_date == timezone.localdate(version.decided_at)
    text = _text(job)
    amounts = [line.amount for line in version.lines.all()]
    assert sorted(amounts) == [500_000, 600_000, 900_000]
    # Each organisation's row of the grid, from the raw lines: the window's six years and the
    # row's total (kronor, without the unit: the caption says it).
    years = range(version.start_year, version.start_year + 6)
    for organisation in {line.organisation for line in version.lines.all()}:
        cells = [
            sum(
                line.amount
                for line in version.lines.all()
                if line.organisation_id == organisation.pk and line.year == year
            )
            for year in years
        ]
        row = " ".join([organisation.name, *(_n(cell) for cell in [*cells, sum(cells)])])
        assert row in text, row
    assert f"Alla organisationer {_n(1_100_000)} {_n(900_000)}" in text
    assert f"återför sammanlagt {kr(sum(amounts))}" in text
    assert f"{kr(version.cap)}: vad projektet hade fått utbetalt netto" in text
    assert "Beslutat över taket" not in text
    decided_at = timezone.localtime(version.decided_at)
    assert (
        f"Beslutat i fondadmin av {city_director.full_name} den {decided_at:%Y-%m-%d} "
        f"kl. {decided_at:%H:%M}, i ärende {project.registration}."
    ) in text
    assert "på delegation" not in text
    assert "1 (den första planen)" in text
    assert str(project.registration) in text
    info = pdf_info(job.file.open("rb").read())
    assert f"Beslut om återföring: {project.title}, version 1" in info
    assert "Tagged:          yes" in info


def test_an_adjustment_on_delegation_above_the_cap_says_so_and_what_changed(
    client, decided, fund_admin, city_director, social, django_capture_on_commit_callbacks
):
    version = reclaim_services.plan_adjustment_start(actor=fund_admin, plan=decided)
    reclaim_services.plan_version_update(
        actor=fund_admin,
        version=version,
        start_year=version.start_year,
        lines={**lines_of(version), (social.pk, YEAR + 1): 700_000},
        reason="Uppföljningen visade mindre minskning.",
    )
    reclaim_services.plan_version_submit(actor=fund_admin, version=version)
    reclaim_services.plan_version_approve(actor=city_director, version=version)
    # As if decided by the delegate above the cap (the document reads what was recorded).
    PlanVersion.objects.filter(pk=version.pk).update(
        on_delegation=True, cap=1_000_000, above_cap_reason="Effekterna är väl belagda."
    )
    version.refresh_from_db()
    _ask(client, city_director, version, django_capture_on_commit_callbacks)
    text = _text(ReportJob.objects.get())
    assert "2 (en justering)" in text
    assert f"Socialnämnden {YEAR + 1} {kr(900_000)} {kr(700_000)}" in text
    assert "Uppföljningen visade mindre minskning." in text
    assert "Beslutat över taket. Skäl: Effekterna är väl belagda." in text
    assert "Beslutat på delegation från stadsdirektören." in text
    # The first version, now replaced, is still there to ask for from the plan page.
    first = decided.versions.get(number=1)
    assert first.state == VersionState.SUPERSEDED
    page = client.get(reverse("reclaim:plan", args=[decided.project_id]))
    assert reverse("reports:reclaim_decision", args=[decided.project_id, first.pk]) in page.text
    _ask(client, city_director, first, django_capture_on_commit_callbacks)
    assert ReportJob.objects.count() == 2


def test_only_a_decided_version_and_only_for_who_sees_the_whole_project(
    client, decided, fund_admin, social, city_director, django_capture_on_commit_callbacks
):
    draft = reclaim_services.plan_adjustment_start(actor=fund_admin, plan=decided)
    assert _ask(client, city_director, draft, django_capture_on_commit_callbacks).status_code == 404
    # Socialnämnden owes lines of the plan but reads only its own: not the whole decision.
    owing = factories.person(Role.APPLICANT, organisation=social)
    version = decided.versions.get(number=1)
    assert _ask(client, owing, version, django_capture_on_commit_callbacks).status_code == 404
    page = client.get(reverse("reclaim:plan", args=[decided.project_id]))
    assert page.status_code == 200
    assert "/reports/reclaim-decision/" not in page.text
    assert not ReportJob.objects.exists()
