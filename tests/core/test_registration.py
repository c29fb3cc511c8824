"""Registration numbers: unique and gap-free per series and year, also under concurrency."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import services
from core.models import RegistrationNumber
from core.services import registration
from tests import factories


@pytest.mark.django_db
def test_numbers_follow_series_and_year(fund):
    first = services.registration_number_allocate(fund=fund, subject="Ett")
    second = services.registration_number_allocate(fund=fund, subject="Två")
    assert (first.sequence, second.sequence) == (1, 2)
    assert str(first) == f"SIF {timezone.localdate().year}/0001"
    stockholm = timezone.get_current_timezone()
    next_year = dt.datetime(timezone.localdate().year + 1, 1, 1, 0, 30, tzinfo=stockholm)
    assert services.registration_number_allocate(fund=fund, at=next_year).sequence == 1
    other = factories.FundFactory(name="Annan", registration_series="ABC")
    assert str(services.registration_number_allocate(fund=other)).startswith("ABC ")


@pytest.mark.django_db
def test_the_year_is_stockholms(fund):
    # 23:30 UTC on New Year's Eve is already the new year in Stockholm.
    at = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert services.registration_number_allocate(fund=fund, at=at).year == 2026


@pytest.mark.django_db
def test_a_rolled_back_allocation_leaves_no_gap(fund):
    def submit_and_fail():
        with transaction.atomic():
            services.registration_number_allocate(fund=fund)
            raise RuntimeError("the submission failed after the number was taken")

    with pytest.raises(RuntimeError, match="submission failed"):
        submit_and_fail()
    assert services.registration_number_allocate(fund=fund).sequence == 1


def _allocate_concurrently(fund_pk: int, workers: int, each: int) -> list[Exception]:
    from core.models import Fund

    barrier = threading.Barrier(workers)
    errors: list[Exception] = []

    def work():
        try:
            fund = Fund.objects.get(pk=fund_pk)
            for _ in range(each):
                barrier.wait(timeout=10) if _ == 0 else None
                with transaction.atomic():
                    services.registration_number_allocate(fund=fund)
                    time.sleep(0.02)  # hold the transaction open so that the others overlap
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_connections_at_once_never_collide_or_skip():
    fund = factories.FundFactory(name="Samtidighetsfonden")
    errors = _allocate_concurrently(fund.pk, workers=2, each=10)
    assert errors == []
    numbers = list(
        RegistrationNumber.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    assert list(numbers) == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_collides(monkeypatch):
    """Shows that the test above can fail: with the lock removed, numbers collide."""
    monkeypatch.setattr(registration, "advisory_lock", lambda name: None)
    fund = factories.FundFactory(name="Olåsta fonden")
    errors = _allocate_concurrently(fund.pk, workers=2, each=10)
    assert any(isinstance(error, IntegrityError) for error in errors)
