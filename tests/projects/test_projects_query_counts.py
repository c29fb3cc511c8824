"""The projects app's pages cost the same number of queries with N related rows as with 10N:
the project page (people, conditions, ledger entries, money per year and recipient, reports,
indicators with their values, changes, versions, comments), a progress report, a change
request, a comparison of versions, the evaluation, and the start pages that count projects.

Rows are grown directly with the models where the services would only add cost."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Comment, EntryKind, LedgerEntry, OrganisationKind
from projects import services
from projects.models import (
    AssignmentRole,
    BudgetLine,
    ChangeBudgetLine,
    ChangeRequest,
    Evaluation,
    ExpectedSaving,
    MeasuredSaving,
    ProgressReport,
    ProjectAssignment,
    ProjectIndicator,
    ProjectVersion,
    ReportIndicatorValue,
    ReportSpend,
)
from tests import factories
from tests.projects.conftest import YEAR

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _org():
    return factories.OrganisationFactory(
        name=f"Förvaltning {next(_numbers)}", kind=OrganisationKind.DISTRICT_COMMITTEE
    )


def _period_ends():
    for year in itertools.count(2000):
        for month, day in ((4, 30), (8, 31), (12, 31)):
            yield dt.date(year, month, day)


def test_project_page_with_many_rows(
    running, fund_admin, manager, applicant, co_owner_org, same_at_n_and_10n
):
    """N steering-group members, ledger entries, budget lines and recipients, reports with
    spend, indicators with values, change requests, versions, expected savings, comments."""
    periods = _period_ends()
    version = running.current_version

    def grow(count):
        for _ in range(count):
            org = _org()
            ProjectAssignment.objects.create(
                project=running,
                role=AssignmentRole.STEERING,
                name=f"Ledamot {next(_numbers)}",
                organisation=org,
                valid_from=timezone.localdate(),
                assigned_by=applicant,
            )
            BudgetLine.objects.create(
                version=version, year=YEAR, recipient=org, cost_type="develop", amount=1_000
            )
            ExpectedSaving.objects.create(
                version=version, organisation=org, year=YEAR + 3, amount=5
            )
            LedgerEntry.objects.create(
                fund=running.registration.fund,
                kind=EntryKind.DISBURSEMENT,
                amount=10,
                value_date=timezone.localdate(),
                case=running.registration,
                organisation=org,
                year=YEAR,
            )
            report = ProgressReport.objects.create(
                project=running,
                period_end=next(periods),
                due_on=timezone.localdate(),
                state="submitted",
            )
            ReportSpend.objects.create(report=report, recipient=org, amount=5)
            indicator = ProjectIndicator.objects.create(
                project=running, name="Mått", unit="st", baseline=1, target=2, data_source="K"
            )
            ReportIndicatorValue.objects.create(
                report=report, indicator=indicator, value=Decimal("1.5")
            )
            ChangeRequest.objects.create(
                project=running, kind="change", created_by=manager, base=version, reason="x"
            )
            ProjectVersion.objects.create(
                project=running, number=100 + next(_numbers), source="change"
            )
            Comment.objects.create(
                target=running, author=applicant, organisation=running.owner, text="Ok"
            )

    url = reverse("projects:detail", args=[running.pk])
    same_at_n_and_10n(
        [
            ("project, fund administrator", _client(fund_admin), url),
            ("project, project manager", _client(manager), url),
        ],
        grow,
        n=2,
    )


def test_report_change_and_comparison_pages_with_many_rows(
    running, fund_admin, manager, same_at_n_and_10n
):
    services.progress_reports_create_due(project=running, today=dt.date(YEAR, 5, 1))
    report = running.reports.get()
    change = services.change_request_create(actor=manager, project=running, kind="change")
    old = running.current_version
    new = ProjectVersion.objects.create(project=running, number=2, source="change")
    years = itertools.count(2030)

    def grow(count):
        for _ in range(count):
            org = _org()
            ReportSpend.objects.create(report=report, recipient=org, amount=5)
            indicator = ProjectIndicator.objects.create(
                project=running, name="Mått", unit="st", baseline=1, target=2, data_source="K"
            )
            ReportIndicatorValue.objects.create(report=report, indicator=indicator, value=1)
            Comment.objects.create(
                target=report, author=manager, organisation=running.owner, text="Ok"
            )
            year = next(years)
            ChangeBudgetLine.objects.create(
                change=change, year=year, recipient=org, cost_type="develop", amount=1
            )
            BudgetLine.objects.create(
                version=old, year=year, recipient=org, cost_type="develop", amount=1
            )
            BudgetLine.objects.create(
                version=new, year=year, recipient=org, cost_type="develop", amount=2
            )
            ExpectedSaving.objects.create(version=new, organisation=org, year=year, amount=3)

    admin = _client(fund_admin)
    same_at_n_and_10n(
        [
            (
                "report, project manager",
                _client(manager),
                reverse("projects:report", args=[running.pk, report.pk]),
            ),
            (
                "report, fund administrator",
                admin,
                reverse("projects:report", args=[running.pk, report.pk]),
            ),
            (
                "report form",
                _client(manager),
                reverse("projects:report_edit", args=[running.pk, report.pk]),
            ),
            ("change", admin, reverse("projects:change", args=[running.pk, change.pk])),
            (
                "change form",
                _client(manager),
                reverse("projects:change_edit", args=[running.pk, change.pk]),
            ),
            (
                "compare",
                admin,
                reverse("projects:compare", args=[running.pk]) + "?from=1&to=2&all=1",
            ),
        ],
        grow,
        n=2,
    )


def test_evaluation_page_with_many_organisations(running, fund_admin, social, same_at_n_and_10n):
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(YEAR + 1, 12, 31))
    evaluation = Evaluation.objects.create(
        project=running, created_by=fund_admin, state="completed", results="R"
    )
    member = factories.person("applicant", organisation=social)
    MeasuredSaving.objects.create(evaluation=evaluation, organisation=social, year=YEAR, amount=1)

    def grow(count):
        for _ in range(count):
            org = _org()
            year = YEAR + next(_numbers) % 5
            MeasuredSaving.objects.create(
                evaluation=evaluation, organisation=org, year=year, amount=7
            )
            ExpectedSaving.objects.create(
                version=running.current_version, organisation=org, year=year, amount=9
            )
            Comment.objects.create(target=evaluation, author=fund_admin, about=org, text="Fråga")
            Comment.objects.create(
                target=evaluation, author=member, about=social, organisation=social, text="Svar"
            )

    url = reverse("projects:evaluation", args=[running.pk])
    same_at_n_and_10n(
        [
            ("evaluation, fund administrator", _client(fund_admin), url),
            ("evaluation, benefiting organisation", _client(member), url),
        ],
        grow,
        n=2,
    )


def test_start_pages_with_many_projects_and_reports(
    running, fund_admin, manager, applicant, city_director, same_at_n_and_10n
):
    """The start pages count overdue reports, reports to review and projects to start, and list
    the first few of the project manager's reports."""
    periods = _period_ends()

    def grow(count):
        for _ in range(count):
            ProgressReport.objects.create(
                project=running, period_end=next(periods), due_on=dt.date(2001, 1, 1)
            )
            ProgressReport.objects.create(
                project=running,
                period_end=next(periods),
                due_on=dt.date(2001, 1, 1),
                state="submitted",
            )

    start = reverse("start")
    same_at_n_and_10n(
        [
            ("start, fund administrator", _client(fund_admin), start),
            ("start, project manager", _client(manager), start),
            ("start, owner's staff", _client(applicant), start),
            ("start, city director", _client(city_director), start),
        ],
        grow,
        n=2,
    )
