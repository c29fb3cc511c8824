"""Registration numbers (diarienummer): unique and gap-free per series and year.

Gap-free: the next number is the highest taken plus one, read and written in the same
transaction while holding a lock named after the series and year. Two requests at the same
instant queue on the lock; a transaction that rolls back takes its number with it, so the next
one gets that number and no gap is left.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.locks import advisory_lock
from core.models import Fund, Organisation, RegistrationNumber


@transaction.atomic
def registration_number_allocate(
    *,
    fund: Fund,
    counterpart: Organisation | None = None,
    subject: str = "",
    case=None,
    at=None,
) -> RegistrationNumber:
    """The next number in the fund's series for the year of ``at`` (now by default, in
    Stockholm time)."""
    at = at or timezone.now()
    year = timezone.localtime(at).year
    series = fund.registration_series
    advisory_lock(f"registration-number:{series}:{year}")
    last = RegistrationNumber.objects.filter(series=series, year=year).aggregate(
        last=Max("sequence")
    )["last"]
    return RegistrationNumber.objects.create(
        fund=fund,
        series=series,
        year=year,
        sequence=(last or 0) + 1,
        allocated_at=at,
        counterpart=counterpart,
        subject=subject[:300],
        case_type=ContentType.objects.get_for_model(case) if case is not None else None,
        case_id=case.pk if case is not None else None,
    )


@transaction.atomic
def registration_number_describe(
    *, number: RegistrationNumber, subject: str, counterpart: Organisation | None
) -> RegistrationNumber:
    """Keep the register's subject and counterpart in step with the case (history kept)."""
    number = RegistrationNumber.objects.select_for_update().get(pk=number.pk)
    number.subject = subject[:300]
    number.counterpart = counterpart
    number.save(update_fields=["subject", "counterpart"])
    return number
