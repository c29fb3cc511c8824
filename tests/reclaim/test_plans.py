"""Reclaim plans: drafted by a fund administrator from the evaluation (inside the window only),
changed and fitted to the cap while drafted, sent to the city director, who decides it (above
the cap only with a reason; the delegate "på delegation") or sends it back; a decided version
is frozen and the yearly adjustment is a new version; booked or waived lines never change."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.models import Event, Role
from projects.models import ProjectState
from reclaim import services
from reclaim.models import (
    Installment,
    InstallmentState,
    PlanState,
    PlanVersion,
    ReclaimPlan,
    ReclaimPolicy,
    VersionState,
)
from reclaim.services.plans import lines_of
from tests import factories
from tests.projects.conftest import refused
from tests.reclaim.conftest import NET_PAID, START

pytestmark = pytest.mark.django_db
V = VersionState


@pytest.fixture
def plan(evaluated, fund_admin):
    return services.reclaim_plan_draft(actor=fund_admin, project=evaluated)


@pytest.fixture
def draft(plan):
    return plan.versions.get()


def submit(version, admin):
    return services.plan_version_submit(actor=admin, version=version)


def test_a_plan_is_drafted_from_the_measured_savings_inside_the_window(
    evaluated, fund_admin, social, education
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    assert (plan.state, version.number, version.state) == (PlanState.DRAFTING, 1, V.DRAFT)
    assert version.start_year == START
    # Savings after the six years and before the window are never lines.
    assert lines_of(version) == {
        (social.pk, START): 600_000,
        (social.pk, START + 1): 900_000,
        (education.pk, START + 2): 500_000,
    }
    assert services.reclaim_plan_draft(actor=fund_admin, project=evaluated) == plan
    assert PlanVersion.objects.count() == 1
    assert Event.objects.filter(action="reclaim.plan_drafted").count() == 1


def test_no_plan_before_the_evaluation_is_completed(running, fund_admin):
    with refused(code="no_evaluation"):
        services.reclaim_plan_draft(actor=fund_admin, project=running)
    assert not ReclaimPlan.objects.exists()


def test_lines_outside_the_window_or_of_strangers_are_refused_in_swedish(
    draft, fund_admin, social, nonprofit
):
    stranger = factories.OrganisationFactory(name="Kulturnämnden")
    before = lines_of(draft)
    with translation.override("sv"), refused(field="lines") as info:
        services.plan_version_update(
            actor=fund_admin,
            version=draft,
            start_year=START,
            lines={(social.pk, START + 6): 100_000},
        )
    assert info.value.message == (
        f"Socialnämnden {START + 6} ligger utanför återföringsperioden {START}–{START + 5}."
    )
    with refused(field="lines"):
        services.plan_version_update(
            actor=fund_admin, version=draft, start_year=START, lines={(social.pk, START): -5}
        )
    with translation.override("sv"), refused(field="lines") as info:
        services.plan_version_update(
            actor=fund_admin, version=draft, start_year=START, lines={(stranger.pk, START): 5}
        )
    assert info.value.message.startswith("Kulturnämnden tar ingen del i projektet")
    with refused(field="lines"):  # a partner, but with no city budget to reduce
        services.plan_version_update(
            actor=fund_admin, version=draft, start_year=START, lines={(nonprofit.pk, START): 5}
        )
    assert lines_of(draft) == before


def test_a_draft_is_changed_and_fitted_to_the_cap_pro_rata(draft, fund_admin, social, education):
    services.plan_version_update(
        actor=fund_admin,
        version=draft,
        start_year=START,
        lines={
            (social.pk, START): 3_000_000,
            (education.pk, START + 1): 1_000_000,
            (social.pk, START + 2): 0,
        },
    )
    assert lines_of(draft) == {(social.pk, START): 3_000_000, (education.pk, START + 1): 1_000_000}
    services.plan_version_fit(actor=fund_admin, version=draft)
    fitted = lines_of(draft)
    assert sum(fitted.values()) == NET_PAID  # paid 3 000 000, 200 000 refunded
    assert fitted == {(social.pk, START): 2_100_000, (education.pk, START + 1): 700_000}
    with refused(code="fits"):
        services.plan_version_fit(actor=fund_admin, version=draft)


def test_an_empty_plan_is_not_sent_and_a_sent_one_is_frozen(draft, fund_admin, social):
    services.plan_version_update(actor=fund_admin, version=draft, start_year=START, lines={})
    with refused(code="empty"):
        submit(draft, fund_admin)
    services.plan_version_update(
        actor=fund_admin, version=draft, start_year=START, lines={(social.pk, START): 1_000}
    )
    version = submit(draft, fund_admin)
    assert version.state == V.SUBMITTED
    with refused(code="not_editable"):
        services.plan_version_update(
            actor=fund_admin, version=draft, start_year=START, lines={(social.pk, START): 5}
        )


def test_only_the_city_director_decides_and_above_the_cap_only_with_a_reason(
    draft, fund_admin, city_director, social, evaluated
):
    services.plan_version_update(
        actor=fund_admin, version=draft, start_year=START, lines={(social.pk, START): 3_000_000}
    )
    submit(draft, fund_admin)
    with refused(code="not_city_director"):
        services.plan_version_approve(actor=fund_admin, version=draft)
    with translation.override("sv"), refused(field="above_cap_reason") as info:
        services.plan_version_approve(actor=city_director, version=draft)
    assert "200\xa0000\xa0kr över taket på 2\xa0800\xa0000\xa0kr" in info.value.message
    version = services.plan_version_approve(
        actor=city_director,
        version=draft,
        comment="Beslutat.",
        above_cap_reason="Effekten är väl belagd i registren.",
    )
    assert (version.state, version.decided_by, version.on_delegation) == (
        V.APPROVED,
        city_director,
        False,
    )
    assert version.cap == NET_PAID
    assert version.above_cap_reason == "Effekten är väl belagd i registren."
    # The starting rules are recorded as version 1 and stored with the decision.
    assert version.policy == ReclaimPolicy.objects.get()
    assert version.policy.window_years == 6
    version.plan.refresh_from_db()
    evaluated.refresh_from_db()
    assert version.plan.state == PlanState.IN_FORCE
    assert evaluated.state == ProjectState.IN_RECLAIM
    # The second tab's approval is refused: the version is decided.
    with refused(code="transition"):
        services.plan_version_approve(actor=city_director, version=draft)


def test_the_delegate_decides_on_delegation(draft, fund_admin, city_director):
    delegate = factories.person(Role.FUND_ADMIN, name="Dag Delegat")
    factories.DelegationFactory(delegator=city_director, delegate=delegate)
    submit(draft, fund_admin)
    version = services.plan_version_approve(actor=delegate, version=draft)
    assert (version.decided_by, version.on_delegation) == (delegate, True)
    event = Event.objects.get(action="reclaim.version_approved")
    assert event.data["capacity"] == "delegation"


def test_the_city_director_sends_a_version_back_saying_why(draft, fund_admin, city_director):
    submit(draft, fund_admin)
    with refused(field="message"):
        services.plan_version_return(actor=city_director, version=draft, message=" ")
    version = services.plan_version_return(
        actor=city_director, version=draft, message="Anpassa till taket."
    )
    assert (version.state, version.returned_message) == (V.DRAFT, "Anpassa till taket.")
    assert submit(version, fund_admin).returned_message == ""


def test_an_adjustment_is_a_new_version_and_booked_or_waived_lines_never_change(
    draft, fund_admin, city_director, social, education
):
    submit(draft, fund_admin)
    first = services.plan_version_approve(actor=city_director, version=draft)
    with refused(code="not_editable"):
        services.plan_version_update(
            actor=fund_admin, version=first, start_year=START, lines={(social.pk, START): 1}
        )
    Installment.objects.create(
        plan=first.plan,
        organisation=social,
        year=START,
        state=InstallmentState.WAIVED,
        amount=600_000,
        reason="Omorganisation.",
        recorded_by=fund_admin,
    )
    second = services.plan_adjustment_start(actor=fund_admin, plan=first.plan)
    assert services.plan_adjustment_start(actor=fund_admin, plan=first.plan) == second
    assert (second.number, second.state) == (2, V.DRAFT)
    assert lines_of(second) == lines_of(first)
    with translation.override("sv"), refused(field="lines") as info:
        services.plan_version_update(
            actor=fund_admin, version=second, start_year=START, lines={(social.pk, START): 1}
        )
    assert "redan bokförd eller efterskänkt" in info.value.message
    with refused(field="start_year"):
        services.plan_version_update(
            actor=fund_admin, version=second, start_year=START + 1, lines=lines_of(first)
        )
    lines = {**lines_of(first), (education.pk, START + 2): 300_000}
    services.plan_version_update(
        actor=fund_admin, version=second, start_year=START, lines=lines, reason="Uppföljning år 1."
    )
    submit(second, fund_admin)
    services.plan_version_approve(actor=city_director, version=second)
    first.refresh_from_db()
    assert first.state == V.SUPERSEDED
    assert lines_of(first)[(education.pk, START + 2)] == 500_000  # the old version unchanged
    assert list(first.plan.versions.values_list("number", "state")) == [
        (1, V.SUPERSEDED),
        (2, V.APPROVED),
    ]


def test_a_later_version_says_why_it_changes(draft, fund_admin, city_director):
    submit(draft, fund_admin)
    services.plan_version_approve(actor=city_director, version=draft)
    second = services.plan_adjustment_start(actor=fund_admin, plan=draft.plan)
    with refused(field="reason"):
        submit(second, fund_admin)
