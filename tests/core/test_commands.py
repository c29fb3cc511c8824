"""Management commands."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Sum

from applications.models import (
    Application,
    BoardDecision,
    BoardOutcome,
    Proposal,
    ProposalState,
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
    assert position.available == 300_000_000 - 229_200_000
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
