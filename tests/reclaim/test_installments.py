"""The lines of a decided plan: booked at the decided amount (a return in the ledger, once) or
waived by the city director with a reason; a project exempted as a whole owes nothing and
closes; after the last reclaim year the final budget adjustments, and the plan closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from core.events import recorded_at
from core.models import EntryKind, Event, LedgerEntry
from projects import services as project_services
from projects.models import ProjectState
from reclaim import services
from reclaim.models import Installment, InstallmentState, PlanState
from tests.projects.conftest import refused
from tests.reclaim.conftest import TEXTS, YEAR

pytestmark = pytest.mark.django_db


def test_the_first_version_starts_where_the_rules_say_for_its_decision(
    evaluated, fund_admin, city_director, social
):
    plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
    version = plan.versions.get()
    services.plan_version_update(
        actor=fund_admin, version=version, start_year=YEAR, lines={(social.pk, YEAR): 1_000}
    )
    services.plan_version_submit(actor=fund_admin, version=version)
    with translation.override("sv"), refused(code="start_year") as info:
        services.plan_version_approve(actor=city_director, version=version)
    assert f"beslutas nu {YEAR + 1}; den här startar {YEAR}" in info.value.message


def test_a_line_is_booked_once_at_its_decided_amount_as_a_return(decided, fund_admin, social):
    fund = decided.project.registration.fund
    before = fund.position(timezone.localdate())
    with translation.override("sv"), refused(field="amount") as info:
        services.installment_book(
            actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=500_000
        )
    assert "600\xa0000\xa0kr" in info.value.message
    installment = services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    assert installment.state == InstallmentState.BOOKED
    entry = installment.entry
    assert (entry.kind, entry.amount, entry.organisation, entry.year) == (
        EntryKind.RETURN,
        600_000,
        social,
        YEAR,
    )
    assert entry.case == decided.project.registration
    after = fund.position(timezone.localdate())
    assert after.T - before.T == 600_000
    assert after.available - before.available == 600_000
    with refused(code="settled"):  # a second click, another tab
        services.installment_book(
            actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
        )
    assert LedgerEntry.objects.filter(kind=EntryKind.RETURN).count() == 1


def test_a_line_of_a_later_year_waits_for_its_year(decided, fund_admin, social):
    with refused(field="value_date"):
        services.installment_book(
            actor=fund_admin, plan=decided, organisation=social, year=YEAR + 1, amount=900_000
        )
    assert not Installment.objects.exists()


def test_only_the_city_director_waives_a_line_with_a_reason(
    decided, fund_admin, city_director, education
):
    with refused(code="not_city_director"):
        services.installment_waive(
            actor=fund_admin, plan=decided, organisation=education, year=YEAR, reason="Nej."
        )
    with refused(field="reason"):
        services.installment_waive(
            actor=city_director, plan=decided, organisation=education, year=YEAR, reason=""
        )
    waived = services.installment_waive(
        actor=city_director,
        plan=decided,
        organisation=education,
        year=YEAR,
        reason="Effekten uteblev i skolan.",
    )
    assert (waived.state, waived.amount, waived.entry) == (InstallmentState.WAIVED, 500_000, None)
    with refused(code="settled"):
        services.installment_book(
            actor=fund_admin, plan=decided, organisation=education, year=YEAR, amount=500_000
        )


def test_a_project_without_economic_effects_is_exempted_and_closes(
    running, fund_admin, city_director
):
    project_services.project_phase_end(
        actor=fund_admin, project=running, today=dt.date(YEAR + 2, 1, 2)
    )
    project_services.evaluation_update(
        actor=fund_admin, project=running, economic_effects=False, **TEXTS
    )
    running.refresh_from_db()
    project_services.evaluation_complete(actor=fund_admin, evaluation=running.evaluation)
    with refused(code="no_effects"):
        services.reclaim_plan_draft(actor=fund_admin, project=running)
    with refused(code="not_city_director"):
        services.reclaim_exempt(actor=fund_admin, project=running, reason="Inga effekter.")
    with refused(field="reason"):
        services.reclaim_exempt(actor=city_director, project=running, reason=" ")
    plan = services.reclaim_exempt(
        actor=city_director, project=running, reason="Utvärderingen visar inga effekter."
    )
    running.refresh_from_db()
    assert (plan.state, plan.exempt_by) == (PlanState.EXEMPT, city_director)
    assert running.state == ProjectState.CLOSED
    assert not plan.versions.exists()
    assert Event.objects.filter(action="reclaim.exempted").count() == 1


def test_after_the_last_year_the_budget_adjustments_and_the_close(
    decided, fund_admin, city_director, social, education
):
    with refused(code="too_early"):
        services.budget_adjustment_record(
            actor=fund_admin,
            plan=decided,
            organisation=social,
            amount=-1_500_000,
            reference="KF 2033/12",
            decided_on=timezone.localdate(),
        )
    with refused(code="open_lines"):
        services.reclaim_plan_close(actor=fund_admin, plan=decided)
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=social, year=YEAR, amount=600_000
    )
    services.installment_book(
        actor=fund_admin, plan=decided, organisation=education, year=YEAR, amount=500_000
    )
    services.installment_waive(
        actor=city_director, plan=decided, organisation=social, year=YEAR + 1, reason="Omorg."
    )
    after_window = timezone.make_aware(dt.datetime.combine(dt.date(YEAR + 6, 2, 1), dt.time(10)))
    with recorded_at(after_window):
        adjustment = services.budget_adjustment_record(
            actor=fund_admin,
            plan=decided,
            organisation=social,
            amount=-1_500_000,
            reference="KF 2033/12",
            decided_on=dt.date(YEAR + 6, 1, 20),
        )
        with refused(code="adjusted"):
            services.budget_adjustment_record(
                actor=fund_admin,
                plan=decided,
                organisation=social,
                amount=-1,
                reference="KF 2033/13",
                decided_on=dt.date(YEAR + 6, 1, 20),
            )
        plan = services.reclaim_plan_close(actor=fund_admin, plan=decided)
    assert adjustment.amount == -1_500_000
    assert plan.state == PlanState.CLOSED
    plan.project.refresh_from_db()
    assert plan.project.state == ProjectState.CLOSED
    # The adjustment is not ledger money: the returns are the two booked lines only.
    returns = LedgerEntry.objects.filter(kind=EntryKind.RETURN)
    assert sorted(returns.values_list("amount", flat=True)) == [500_000, 600_000]
