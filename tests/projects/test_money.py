"""A project's money in the ledger: disbursements per year and recipient, refunds and releases,
checked against the budget and what the ledger says was paid; races; and a property test of
random sequences against a plain-integer model."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.models import EntryKind, LedgerEntry, User
from projects import services
from projects.models import Project
from projects.money import budget_of, ledger_figures
from projects.services import money as money_services
from tests.projects.conftest import GRANTED, NEXT, YEAR, pay, refused

pytestmark = pytest.mark.django_db


def refund(project, admin, year, recipient, amount, **kwargs):
    return services.refund_record(
        actor=admin,
        project=project,
        year=year,
        recipient=recipient,
        amount=amount,
        value_date=timezone.localdate(),
        **kwargs,
    )


def release(project, admin, amount, reason="Blir aldrig utbetalt."):
    return services.release_record(
        actor=admin, project=project, amount=amount, value_date=timezone.localdate(), reason=reason
    )


def test_disbursements_to_two_recipients_are_in_the_ledger(running, fund_admin, co_owner_org):
    first = pay(running, fund_admin, YEAR, running.owner, 1_200_000)
    second = pay(running, fund_admin, YEAR, co_owner_org, 400_000)
    assert (first.kind, first.year, first.organisation, first.case) == (
        EntryKind.DISBURSEMENT,
        YEAR,
        running.owner,
        running.registration,
    )
    assert first.cause == running == second.cause
    figures = ledger_figures(running)
    assert figures.paid((YEAR, running.owner_id)) == 1_200_000
    assert figures.paid((YEAR, co_owner_org.pk)) == 400_000
    assert figures.outstanding == GRANTED - 1_600_000
    fund = running.registration.fund
    assert fund.position().P == 1_600_000


def test_a_disbursement_above_the_recipients_budget_for_the_year_is_refused(running, fund_admin):
    pay(running, fund_admin, YEAR, running.owner, 1_500_000)
    with refused(code="exceeds_budget", field="amount") as info:
        pay(running, fund_admin, YEAR, running.owner, 500_001)
    message = info.value.message.replace("\xa0", " ")
    assert "budget 2 000 000 kr" in message
    assert "utbetalt 1 500 000 kr" in message
    assert "kvar 500 000 kr" in message
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    pay(running, fund_admin, YEAR, running.owner, 500_000)


def test_a_recipient_not_in_the_years_budget_is_refused(running, fund_admin, social, nonprofit):
    with refused(code="not_in_budget", field="recipient") as info:
        pay(running, fund_admin, YEAR, social, 100)
    assert running.owner.name in info.value.message
    with refused(code="not_in_budget"):
        pay(running, fund_admin, YEAR, nonprofit, 100)
    with refused(code="not_in_budget"):
        pay(running, fund_admin, NEXT + 5, running.owner, 100)


def test_bad_amounts_and_dates_are_refused(running, fund_admin):
    for amount in (0, -5, 10.5, True):
        with refused(field="amount"):
            pay(running, fund_admin, YEAR, running.owner, amount)
    with refused(field="value_date"):
        pay(
            running,
            fund_admin,
            YEAR,
            running.owner,
            100,
            value_date=running.board_decision.meeting_date - dt.timedelta(days=1),
        )
    with refused(field="value_date"):
        pay(
            running,
            fund_admin,
            YEAR,
            running.owner,
            100,
            value_date=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_a_refund_is_never_more_than_was_paid_to_that_recipient_for_that_year(
    running, fund_admin, co_owner_org
):
    pay(running, fund_admin, YEAR, running.owner, 1_000_000)
    with refused(code="exceeds_paid") as info:
        refund(running, fund_admin, YEAR, running.owner, 1_000_001)
    assert "1 000 000 kr" in info.value.message.replace("\xa0", " ")
    with refused(code="exceeds_paid"):
        refund(running, fund_admin, YEAR, co_owner_org, 1)
    refund(running, fund_admin, YEAR, running.owner, 250_000)
    figures = ledger_figures(running)
    assert figures.paid((YEAR, running.owner_id)) == 750_000
    # What was refunded may be paid again, within the budget.
    pay(running, fund_admin, YEAR, running.owner, 1_250_000)
    with refused(code="exceeds_budget"):
        pay(running, fund_admin, YEAR, running.owner, 1)


def test_a_release_comes_when_the_phase_has_ended_and_never_above_what_is_left(running, fund_admin):
    pay(running, fund_admin, YEAR, running.owner, 2_000_000)
    with refused(code="state"):
        release(running, fund_admin, 1_000)
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(NEXT + 1, 1, 5))
    left = GRANTED - 2_000_000
    with refused(code="exceeds_grant") as info:
        release(running, fund_admin, left + 1)
    assert "kvar 3 000 000 kr" in info.value.message.replace("\xa0", " ")
    with refused(field="reason"):
        release(running, fund_admin, 1_000, reason="")
    release(running, fund_admin, left)
    figures = ledger_figures(running)
    assert (figures.released, figures.outstanding) == (left, 0)
    position = running.registration.fund.position()
    assert left == position.R
    # Nothing is left to pay.
    with refused(code="exceeds_grant"):
        pay(running, fund_admin, NEXT, running.owner, 1)


def test_a_cancelled_project_releases_what_is_left(running, fund_admin):
    pay(running, fund_admin, YEAR, running.owner, 500_000)
    services.project_cancel(actor=fund_admin, project=running, reason="Avbrutet.")
    release(running, fund_admin, GRANTED - 500_000)
    assert ledger_figures(running).outstanding == 0


def test_a_refund_after_the_phase_still_counts(running, fund_admin):
    pay(running, fund_admin, YEAR, running.owner, 2_000_000)
    services.project_phase_end(actor=fund_admin, project=running, today=dt.date(NEXT + 1, 1, 5))
    refund(running, fund_admin, YEAR, running.owner, 300_000)
    release(running, fund_admin, GRANTED - 1_700_000)
    figures = ledger_figures(running)
    assert (figures.net_paid, figures.outstanding) == (1_700_000, 0)


# --- Two fund administrators at once -----------------------------------------------------------


def _pay_concurrently(project_pk, actor_pks, recipient_pk, amount):
    barrier = threading.Barrier(len(actor_pks))
    results, errors = [], []

    def work(actor_pk):
        try:
            project = Project.objects.get(pk=project_pk)
            actor = User.objects.get(pk=actor_pk)
            recipient = project.owner
            barrier.wait(timeout=10)
            results.append(pay(project, actor, YEAR, recipient, amount))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in actor_pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_administrators_paying_the_last_krona_at_once_pay_it_once(
    monkeypatch, running, fund_admin, other_fund_admin
):
    pay(running, fund_admin, YEAR, running.owner, 1_999_999)
    lock = money_services.project_lock

    def slow_lock(project):
        locked = lock(project)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(money_services, "project_lock", slow_lock)
    results, errors = _pay_concurrently(
        running.pk, [fund_admin.pk, other_fund_admin.pk], running.owner_id, 1
    )
    assert len(results) == 1
    assert [getattr(error, "code", error) for error in errors] == ["exceeds_budget"]
    assert ledger_figures(running).paid((YEAR, running.owner_id)) == 2_000_000


# --- Random sequences against a plain-integer model --------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["pay", "refund", "release", "end_phase"]),
        st.sampled_from([YEAR, NEXT]),
        st.sampled_from(["owner", "co_owner"]),
        st.integers(min_value=-10, max_value=2_600_000),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_random_payments_keep_every_invariant(running, fund_admin, co_owner_org, actions):
    # Each example starts from the same running project: its writes are rolled back.
    try:
        with transaction.atomic():
            _run_model(running, fund_admin, co_owner_org, actions)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def _run_model(project, admin, co_owner, actions):
    budget = budget_of(project.current_version)
    orgs = {"owner": project.owner, "co_owner": co_owner}
    paid: dict[tuple[int, int], int] = {}
    released = 0
    phase_ended = False
    for action, year, who, amount in actions:
        org = orgs[who]
        key = (year, org.pk)
        before = LedgerEntry.objects.count()
        outstanding = GRANTED - released - sum(paid.values())
        if action == "end_phase":
            if not phase_ended:
                services.project_phase_end(
                    actor=admin, project=project, today=dt.date(NEXT + 1, 1, 1)
                )
                phase_ended = True
            continue
        allowed = {
            "pay": amount > 0
            and key in budget
            and amount <= budget[key] - paid.get(key, 0)
            and amount <= outstanding,
            "refund": 0 < amount <= paid.get(key, 0),
            "release": phase_ended and 0 < amount <= outstanding,
        }[action]
        try:
            if action == "pay":
                pay(project, admin, year, org, amount)
            elif action == "refund":
                refund(project, admin, year, org, amount)
            else:
                release(project, admin, amount)
        except DomainError:
            assert not allowed, (action, year, who, amount)
            assert LedgerEntry.objects.count() == before
            continue
        assert allowed, (action, year, who, amount)
        if action == "pay":
            paid[key] = paid.get(key, 0) + amount
        elif action == "refund":
            paid[key] -= amount
        else:
            released += amount
        figures = ledger_figures(project)
        for budget_key, limit in budget.items():
            assert 0 <= figures.paid(budget_key) == paid.get(budget_key, 0) <= limit
        assert figures.released == released
        assert figures.outstanding == GRANTED - released - sum(paid.values()) >= 0
        position = project.registration.fund.position()
        assert sum(paid.values()) == position.P
        assert released == position.R
