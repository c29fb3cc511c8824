"""The yearly follow-up: a fund administrator records the verified actual reduction per
organisation in a reclaim year next to the plan in force; a year outside the window or not yet
begun, or an organisation without lines, is refused; recording again corrects it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import Event
from core.money import format_kr
from reclaim import services
from reclaim.models import FollowUp
from tests import factories
from tests.projects.conftest import refused
from tests.reclaim.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_verified_reduction_is_recorded_and_corrected(decided, fund_admin, social, education):
    services.follow_up_record(
        actor=fund_admin,
        plan=decided,
        year=YEAR,
        amounts={social.pk: 550_000, education.pk: None},
        note="Bokslut.",
    )
    services.follow_up_record(
        actor=fund_admin, plan=decided, year=YEAR, amounts={social.pk: 560_000}, note="Rättat."
    )
    row = FollowUp.objects.get()
    assert (row.organisation, row.year, row.amount, row.note) == (social, YEAR, 560_000, "Rättat.")
    assert row.history.count() == 2
    assert Event.objects.filter(action="reclaim.follow_up_recorded").count() == 2


def test_outside_the_window_in_the_future_or_of_a_stranger_is_refused(decided, fund_admin, social):
    with translation.override("sv"), refused(code="outside") as info:
        services.follow_up_record(
            actor=fund_admin, plan=decided, year=YEAR - 1, amounts={social.pk: 1}
        )
    assert "utanför återföringsperioden" in info.value.message
    with refused(code="future"):
        services.follow_up_record(
            actor=fund_admin, plan=decided, year=YEAR + 1, amounts={social.pk: 1}
        )
    stranger = factories.OrganisationFactory(name="Fastighetsnämnden")
    with refused(field="amounts"):
        services.follow_up_record(
            actor=fund_admin, plan=decided, year=YEAR, amounts={stranger.pk: 1}
        )
    with refused(field="amounts"):
        services.follow_up_record(actor=fund_admin, plan=decided, year=YEAR, amounts={})
    assert not FollowUp.objects.exists()


def test_the_follow_up_page_keeps_what_was_typed_and_shows_it_next_to_the_plan(
    client, decided, fund_admin, social
):
    client.force_login(fund_admin)
    project = decided.project
    url = reverse("reclaim:follow_up", args=[project.pk, YEAR])
    response = client.post(url, {f"org_{social.pk}": "12 tusen"})
    assert response.status_code == 200
    assert "12 tusen" in response.content.decode()
    response = client.post(url, {f"org_{social.pk}": "575 000", "note": "Bokslut."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reclaim:plan", args=[project.pk])
    assert format_kr(575_000) in response.content.decode()
    assert FollowUp.objects.get().amount == 575_000
