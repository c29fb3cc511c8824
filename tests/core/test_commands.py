"""Management commands."""

import datetime as dt

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Sum

from applications.models import (
    Application,
    BoardDecision,
    BoardOutcome,
    Call,
    CallState,
    CouncilMeeting,
    IdeaSketch,
    Proposal,
    ProposalState,
    ReviewAssignment,
    Score,
)
from core import access, demo
from core.models import EntryKind, Event, Fund, LedgerEntry, Role, User
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_create_fund_admin_invites_the_first_administrator(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_fund_admin", email="forsta@stad.example", name="Första Handläggare")
    person = User.objects.get(email="forsta@stad.example")
    assert access.has_role(person, Role.FUND_ADMIN)
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert Event.objects.for_target(person).filter(action="user.invited", actor=None).exists()
    # The first invitation lapsed unused: running the command again sends a new one.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_fund_admin", email="FORSTA@stad.example", name="Igen")
    assert len(mail.outbox) == 2
    assert User.objects.filter(email="forsta@stad.example").count() == 1
    person.set_password("ett-valt-lösenord")
    person.save()
    with pytest.raises(CommandError, match="har redan tagit emot inbjudan"):
        call_command("create_fund_admin", email="forsta@stad.example", name="Igen")


def _demo_counts():
    """What a second load must leave as it is (events and ledger entries include reclaim's)."""
    return (
        User.objects.count(),
        Event.objects.count(),
        BoardDecision.objects.count(),
        LedgerEntry.objects.count(),
        Project.objects.count(),
    )


def test_demo_data_is_idempotent_and_refused_in_production(settings, capsys):
    call_command("demo_data")
    counts = _demo_counts()
    call_command("demo_data")
    assert _demo_counts() == counts
    # The thirteen historic investments, granted by the board: 229.2 MSEK (seeds/003).
    decisions = BoardDecision.objects.all()
    assert decisions.count() == 13
    assert {decision.outcome for decision in decisions} == {BoardOutcome.GRANTED}
    grants = LedgerEntry.objects.filter(kind=EntryKind.GRANT)
    assert grants.count() == 13
    assert grants.aggregate(total=Sum("amount"))["total"] == 229_200_000
    fund = Fund.objects.get(name=demo.FUND_NAME)
    position = fund.position()
    assert (position.injected, position.granted) == (300_000_000, 229_200_000)
    # The projects' history released 3.68 MSEK back to the fund (seeds: unspent funds).
    # Reclaim's returns (reclaim.demo) came back from 2026.
    assert position.available == (300_000_000 - 229_200_000 + position.released + position.returned)
    assert position.released == 3_680_000
    assert position.returned == 22_600_000
    assert Project.objects.count() == 13
    assert Proposal.objects.filter(state=ProposalState.DECIDED).count() == 6
    # Scored by the council members not in conflict: Karin Berg (Skarpnäck) never on STIS.
    karin = User.objects.get(email=f"karin.berg@{demo.DEMO_DOMAIN}")
    stis = Application.objects.get(title__startswith="Stärkt tidigt stöd")
    assert not stis.assignments.filter(reviewer=karin).exists()
    assert Score.objects.filter(assignment__application=stis).count() == 2
    assert "demo-fondadmin" in capsys.readouterr().out
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused"):
        call_command("demo_data")


def test_the_demo_history_carries_the_dates_it_describes():
    """A 2017 sketch is not "submitted" on the day the demo was loaded: every event of the
    historic cases, their ledger entries and projects, and the cases' own timestamps lie in
    2015-2023 (the projects' evaluations end in 2023); and no text a user reads holds an
    internal source marker."""
    call_command("demo_data")
    end = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    # Reclaim's story (reclaim.demo) runs on from the evaluations: 2024 to November 2026.
    reclaim_end = dt.datetime(2026, 11, 19, tzinfo=dt.UTC)
    reclaim_actions = (
        "reclaim.",
        "project.reclaim_started",
        "project.closed",
        "case.handed_",
        "ledger.recorded",  # the returns (only they may be later: checked below)
    )
    calls = list(Call.objects.filter(state=CallState.DECIDED))
    assert len(calls) == 6
    historic = [
        *calls,
        *IdeaSketch.objects.filter(call__in=calls),
        *Application.objects.filter(call__in=calls),
        *Proposal.objects.filter(call__in=calls),
        *ReviewAssignment.objects.filter(application__call__in=calls),
        *CouncilMeeting.objects.filter(held_on__lt=end.date()),
        *Project.objects.all(),
        *Fund.objects.all(),
    ]
    late = []
    for case in historic:
        for event in Event.objects.for_target(case):
            last = reclaim_end if event.action.startswith(reclaim_actions) else end
            if event.created_at >= last:
                late.append(f"{event.action} of {case}: {event.created_at:%Y-%m-%d}")
        for field in case._meta.fields:
            value = getattr(case, field.name)
            if isinstance(field, models.DateTimeField) and value and value >= end:
                late.append(f"{case._meta.label} {case}: {field.name} {value:%Y-%m-%d}")
    assert late == []
    assert not LedgerEntry.objects.filter(recorded_at__gte=end).exclude(kind="return").exists()
    assert not LedgerEntry.objects.filter(recorded_at__gte=reclaim_end).exists()
    # Every event of the demo that is not today's work happened before the load day.
    story = Event.objects.filter(created_at__lt=reclaim_end)
    assert story.count() > Event.objects.count() - 20
    assert story.order_by("created_at").first().created_at.date() == demo.STORY_START
    markers = []
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, (models.CharField, models.TextField)):
                found = model._default_manager.filter(**{f"{field.name}__contains": "seeds/"})
                markers += [f"{model._meta.label}.{field.name}" for _ in found[:1]]
    assert markers == []
