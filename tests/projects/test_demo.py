"""The demo's projects: the thirteen historic investments from the grant to their evaluation,
with money that adds up to the krona in the ledger, loaded once (the demo is slow to load)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from applications.models import Proposal
from core import demo
from core.models import (
    Comment,
    Delegation,
    EntryKind,
    Event,
    Fund,
    LedgerEntry,
    OutboundEmail,
    User,
)
from projects.models import (
    ChangeRequest,
    ChangeState,
    Evaluation,
    EvaluationState,
    MeasuredSaving,
    ProgressReport,
    Project,
    ProjectAssignment,
    ProjectState,
    ReportState,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Event.objects.count(),
        LedgerEntry.objects.count(),
        ProgressReport.objects.count(),
        ChangeRequest.objects.count(),
        ProjectAssignment.objects.count(),
        MeasuredSaving.objects.count(),
        Comment.objects.count(),
        Delegation.objects.count(),
        OutboundEmail.objects.count(),
    )


def _sums(entries) -> dict[str, int]:
    """Sums per kind from raw ledger rows, a reversal counted against what it reverses."""
    sums: dict[str, int] = defaultdict(int)
    for kind, reversed_kind, amount in entries.values_list("kind", "reverses__kind", "amount"):
        if kind == EntryKind.REVERSAL:
            sums[reversed_kind] -= amount
        else:
            sums[kind] += amount
    return sums


def test_the_demo_projects_run_from_the_grant_to_the_evaluation():
    call_command("demo_data")
    emails = OutboundEmail.objects.count()
    counts = _counts()

    projects = list(Project.objects.select_related("owner", "registration"))
    assert len(projects) == 13
    # Reclaim (reclaim.demo) took them on: in reclaim, exempted and closed, one waiting.
    assert {p.state for p in projects} == {
        ProjectState.IN_RECLAIM,
        ProjectState.CLOSED,
        ProjectState.EVALUATED,
    }
    assert max(p.ends_on for p in projects) == dt.date(2022, 12, 31)

    # Every project: net paid + released == granted, from raw ledger rows, to the krona.
    paid_years = set()
    for project in projects:
        entries = LedgerEntry.objects.filter(case=project.registration)
        sums = _sums(entries)
        net_paid = sums[EntryKind.DISBURSEMENT] - sums[EntryKind.REFUND]
        assert sums[EntryKind.GRANT] == project.granted_amount, project.title
        assert net_paid + sums[EntryKind.RELEASE] == project.granted_amount, project.title
        paid_years |= {
            day.year
            for day in entries.filter(kind=EntryKind.DISBURSEMENT).values_list(
                "value_date", flat=True
            )
        }
        assert not entries.filter(value_date__gt=timezone.localdate()).exists()
    assert paid_years == set(range(2017, 2023))
    assert sum(p.granted_amount for p in projects) == 229_200_000
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASE).exists()

    # The fund's position reconciles with the raw rows: available == I - G + R - E + T.
    fund = Fund.objects.get(name=demo.FUND_NAME)
    raw = _sums(LedgerEntry.objects.filter(fund=fund))
    position = fund.position()
    injected = raw[EntryKind.INJECTION] - raw[EntryKind.WITHDRAWAL]
    assert position.available == (
        injected
        - raw[EntryKind.GRANT]
        + raw[EntryKind.RELEASE]
        - raw[EntryKind.FUND_EXPENSE]
        + raw[EntryKind.RETURN]
    )
    assert position.available == (
        300_000_000 - 229_200_000 + raw[EntryKind.RELEASE] + raw[EntryKind.RETURN]
    )

    # People: a project manager, a deputy and a steering group everywhere, some evaluators.
    for project in projects:
        roles = list(project.assignments.values_list("role", flat=True))
        assert roles.count("manager") == 1, project.title
        assert roles.count("deputy") == 1, project.title
        assert roles.count("steering") >= 2, project.title
        manager = project.assignments.get(role="manager").person
        assert manager.memberships.filter(organisation=project.owner).exists()
        assert manager.check_password(demo.DEMO_PASSWORD)
    assert ProjectAssignment.objects.filter(role="steering", person__isnull=True).exists()
    assert ProjectAssignment.objects.filter(role="steering", person__isnull=False).exists()
    assert ProjectAssignment.objects.filter(role="evaluator").count() >= 5

    # Progress reports: every one reviewed; some late; one returned and submitted again.
    reports = ProgressReport.objects.all()
    assert reports.count() > 100
    assert set(reports.values_list("state", flat=True)) == {ReportState.REVIEWED}
    late = [r for r in reports if r.submitted_at.date() > r.due_on]
    assert len(late) >= 5
    returned = Event.objects.filter(action="report.returned")
    assert returned.count() == 1
    report = reports.get(return_message__gt="")
    assert report.submitted_at > returned.get().created_at
    assert reports.filter(narrative__contains="Demodata").count() == reports.count()
    assert reports.filter(spend__isnull=False, values__isnull=False).distinct().count() == (
        reports.count()
    )

    # Change requests: approved ones (years, recipients, the end date), one refused.
    changes = ChangeRequest.objects.all()
    assert changes.filter(state=ChangeState.APPROVED).count() >= 3
    refused = changes.get(state=ChangeState.REJECTED)
    assert refused.decision_reason
    assert changes.filter(state=ChangeState.APPROVED, ends_on__isnull=False).exists()

    # One project paused, with a reason, and resumed.
    paused = Event.objects.filter(action="project.paused")
    assert paused.count() == 1
    assert paused.get().comment
    assert Event.objects.filter(action="project.resumed").count() == 1
    assert paused.get().created_at.year == 2020

    # Evaluations completed in 2023; savings in organisations that do not own the project.
    evaluations = Evaluation.objects.select_related("project")
    assert {e.state for e in evaluations} == {EvaluationState.COMPLETED}
    assert {e.completed_at.year for e in evaluations} == {2023}
    assert evaluations.filter(economic_effects=False).count() in (1, 2)
    for evaluation in evaluations.filter(economic_effects=True):
        others = evaluation.savings.exclude(organisation=evaluation.project.owner)
        assert others.filter(amount__gt=0).exists(), evaluation.project.title
    assert MeasuredSaving.objects.filter(year__gte=2030).exists()
    assert Comment.objects.filter(about__isnull=False).count() >= 3
    assert Comment.objects.filter(
        about__isnull=True, organisation__isnull=False, target_type__model="project"
    ).exists()

    # One proposal approved "på delegation", by the delegate in the city director's place.
    delegated = Proposal.objects.exclude(approved_on_delegation=None)
    assert delegated.count() == 1
    proposal = delegated.get()
    assert proposal.approved_by.email == f"{demo.DELEGATE}@{demo.DEMO_DOMAIN}"
    delegation = proposal.approved_on_delegation
    assert delegation.valid_from <= proposal.approved_at.date() <= delegation.valid_until

    # History carries its dates: a 2017 disbursement's event and ledger row say 2017.
    entry = LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT, value_date__year=2017).first()
    assert entry.recorded_at.year == 2017
    project = Project.objects.get(registration=entry.case)
    assert (
        Event.objects.for_target(project)
        .filter(action="project.disbursed", created_at__year=2017)
        .exists()
    )
    assert not Event.objects.filter(action="project.activated", created_at__year__gt=2019).exists()
    assert not ProgressReport.objects.filter(submitted_at__gt=F("reviewed_at")).exists()
    # No e-mail about the history: the demo's only e-mails are about today's delegation.
    assert set(OutboundEmail.objects.values_list("kind", flat=True)) <= {"delegation_created"}

    # Loading again changes nothing.
    call_command("demo_data")
    assert _counts() == counts
    assert OutboundEmail.objects.count() == emails
