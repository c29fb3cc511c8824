"""The demo's reclaim (``reclaim.demo``): plans for the evaluated demo investments, some years
booked (the ledger's returns equal the booked lines), two projects exempt, one adjustment
version, one line overdue, the lines of the replaced Spånga-Tensta moved to its successors, one
plan waiting for the city director; loaded once more, nothing changes."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Sum

from core.models import EntryKind, LedgerEntry, Organisation, OutboundEmail
from reclaim.models import FollowUp, Installment, PlanState, PlanVersion, ReclaimPlan, VersionState
from reclaim.selectors import open_lines_of, overdue_lines

pytestmark = pytest.mark.django_db


def test_the_demo_reclaim_story():
    call_command("demo_data")
    plans = ReclaimPlan.objects.select_related("project")
    states = {plan.project.title: plan.state for plan in plans}
    assert len(states) == 13
    assert [t for t, s in states.items() if s == PlanState.EXEMPT] == [
        "Techgården",
        "Tidig upptäckt av psykisk ohälsa i Älvsjö (demo)",
    ]
    assert states["Idrott som väg in (demo)"] == PlanState.DRAFTING
    assert PlanVersion.objects.get(plan__project__title="Idrott som väg in (demo)").state == (
        VersionState.SUBMITTED
    )
    abc = PlanVersion.objects.filter(plan__project__title="ABC 13-18 år").order_by("number")
    assert [v.state for v in abc] == [VersionState.SUPERSEDED, VersionState.APPROVED]
    assert "Uppföljningen 2025" in abc[1].reason
    assert FollowUp.objects.filter(plan__project__title="ABC 13-18 år", year=2025).exists()
    returns = LedgerEntry.objects.filter(kind=EntryKind.RETURN).aggregate(s=Sum("amount"))["s"]
    booked = Installment.objects.filter(state="booked").aggregate(s=Sum("amount"))["s"]
    assert returns == booked > 0
    assert overdue_lines(dt.date(2026, 12, 7)).count() == 1
    replaced = Organisation.objects.get(short_name="Spånga-Tensta")
    assert replaced.active_until == dt.date(2026, 6, 30)
    assert not open_lines_of(replaced.pk).exists()
    assert open_lines_of(Organisation.objects.get(short_name="Järva (demo)").pk).exists()
    assert not OutboundEmail.objects.filter(kind__startswith="reclaim").exists()
