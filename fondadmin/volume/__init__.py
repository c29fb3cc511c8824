"""A reproducible volume of cases for measuring pages at scale (``manage.py generate_volume``).

It fills a database with N submitted applications, each with its idea sketch (submitted and
judged applicable by the council; one sketch in four more is judged not applicable), its budget
per year and recipient, plans and participants, and its council review:
``reviews_per_application`` council members not in conflict assigned, declared and scored.
Then, stage by stage: when a call is full, the board grants ``grant_share`` of it and the
projects run up to today (``fondadmin.volume.projects``: people, start, payments, progress
reports, the end of the investment phase; then ``fondadmin.volume.reclaim``: the evaluation,
the reclaim plan decided by the city director, each year's lines booked).
Everything is made through the services, as people would make it, so the rows, history,
events and registration numbers are the real ones. The bench (``bin/bench-volume``) and the
query-count test (``tests/test_volume_query_counts.py``) use it; the reports step will be a
stage of its own.

Deterministic for a seed: application ``i`` is drawn from its own random stream
(``seed`` and ``i``), so the cases, owners, participants, amounts, reviewers, scores and
registration numbers of the first N applications are the same whether they were made in one
run or topped up from a smaller volume (the bench grows 1,000 into 3,000 into 10,000). Only the
clock times the services stamp themselves (recorded-at, declared-at) differ between runs.

Refused in production, and against a database holding anything but generated data unless
``allow_existing`` (generated people, organisations and the fund are recognisable by
``DOMAIN`` and ``MARK``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from core.errors import DomainError
from core.models import Fund, Organisation, User
from core.notices import muted
from fondadmin.volume import cases, people
from fondadmin.volume.people import DOMAIN, MARK, PASSWORD
from projects.models import Project

__all__ = [
    "DOMAIN",
    "MARK",
    "PASSWORD",
    "VolumeRefused",
    "VolumeSpec",
    "generate",
    "generated_count",
    "generated_projects",
    "summary",
]

# Applications are committed in batches of this many (a batch is all or nothing, so a
# stopped run can be topped up).
BATCH = 50

# The demo city's volume (``VolumeSpec.city``): applications, a call's size, and investments.
CITY_APPLICATIONS, CITY_PER_CALL, CITY_GRANTED = 80, 5, 13


class VolumeRefused(Exception):
    """The generator will not touch this database (production, or data of other origin)."""


@dataclass(frozen=True)
class VolumeSpec:
    applications: int
    reviews_per_application: int = 2
    seed: int = 1
    # The share of applications with one council review still to do (half of them not yet
    # declared), so reviewers' lists and start pages have open tasks at every volume.
    open_share: float = 0.1
    # Applications a call (the projects stage decides a call when its last one is made).
    per_call: int = cases.PER_CALL
    # The share of each decided call's applications the board grants (at least one).
    grant_share: float = 0.05

    @classmethod
    def city(cls, times: int, *, seed: int = 1, open_share: float = 0.1) -> VolumeSpec:
        """``times`` the demo city's volume (BRIEF: 13 investments): per time, 80 applications
        with two council reviews and 20 more idea sketches judged not applicable, in 16 calls
        of 5 each (the last still under review), about 13 granted: 1,305 at 100 times; at 1
        time 15, since each decided call grants at least one."""
        return cls(
            applications=CITY_APPLICATIONS * times,
            seed=seed,
            open_share=open_share,
            per_call=CITY_PER_CALL * times,
            grant_share=CITY_GRANTED / ((CITY_APPLICATIONS // CITY_PER_CALL - 1) * CITY_PER_CALL),
        )


def refusal(spec: VolumeSpec, *, allow_existing: bool = False) -> str | None:
    """Why the generator refuses to run here, or None."""
    if settings.PRODUCTION:
        return "generate_volume is refused when FONDADMIN_ENV=production."
    if spec.applications < 0:
        return "The number of applications cannot be negative."
    if not 1 <= spec.reviews_per_application <= cases.MAX_REVIEWS:
        return (
            f"Reviews per application must be from 1 to {cases.MAX_REVIEWS} "
            "(the council leaves room for conflicts of interest)."
        )
    if not 0 <= spec.open_share <= 1:
        return "The open share is a fraction from 0 to 1."
    if not 0 <= spec.grant_share <= 1:
        return "The grant share is a fraction from 0 to 1."
    if spec.per_call < 1:
        return "A call has at least one application."
    capacity = cases.capacity(spec.per_call)
    if spec.applications > capacity:
        return (
            f"At most {capacity:,} applications fit before today "
            f"({spec.per_call} a call, a call every {cases.CALL_EVERY_DAYS} days)."
        )
    fund = Fund.objects.filter(name=people.FUND_NAME).first()
    if fund is not None and people.seed_of(fund) != spec.seed:
        return (
            f"This database was generated with seed {people.seed_of(fund)}; "
            f"topping it up with seed {spec.seed} would not be reproducible."
        )
    if fund is not None and people.per_call_of(fund) != spec.per_call:
        return (
            f"This database was generated with {people.per_call_of(fund)} applications a call; "
            f"topping it up with {spec.per_call} would not be reproducible."
        )
    if not allow_existing:
        others = (
            User.objects.exclude(email__endswith="@" + DOMAIN).exists()
            or Organisation.objects.exclude(name__endswith=MARK).exists()
            or Fund.objects.exclude(name=people.FUND_NAME).exists()
        )
        if others:
            return (
                "The database holds data that was not generated (people, organisations or "
                "funds). Use an empty database, or --allow-existing to add to it anyway."
            )
    return None


def generated_count() -> int:
    """How many generated applications the database holds."""
    fund = Fund.objects.filter(name=people.FUND_NAME).first()
    return cases.count(fund) if fund is not None else 0


def generated_projects() -> int:
    """How many projects the generated calls' grants made."""
    return Project.objects.filter(registration__fund__name=people.FUND_NAME).count()


def summary() -> dict[str, int]:
    """What the generated fund holds, in the terms of the city's volume (the issue's figures)."""
    from applications.models import IdeaSketch, Score
    from core.models import LedgerEntry
    from projects.models import ProgressReport
    from reclaim.models import PlanLine, VersionState

    fund = Fund.objects.filter(name=people.FUND_NAME).first()
    if fund is None:
        return {}
    return {
        "idea sketches": IdeaSketch.objects.filter(call__fund=fund).count(),
        "applications": cases.count(fund),
        "council scores": Score.objects.filter(assignment__application__call__fund=fund).count(),
        "investments": Project.objects.filter(registration__fund=fund).count(),
        "progress reports": ProgressReport.objects.filter(project__registration__fund=fund).count(),
        "ledger entries": LedgerEntry.objects.filter(fund=fund).count(),
        "reclaim lines decided": PlanLine.objects.filter(
            version__plan__project__registration__fund=fund, version__state=VersionState.APPROVED
        ).count(),
        "people": User.objects.filter(email__endswith="@" + DOMAIN).count(),
    }


def generate(
    spec: VolumeSpec,
    *,
    allow_existing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Top the database up to ``spec.applications`` generated applications; returns how many
    were added. Raises ``VolumeRefused`` with the reason when it may not run."""
    reason = refusal(spec, allow_existing=allow_existing)
    if reason:
        raise VolumeRefused(reason)
    with muted():
        with transaction.atomic():
            world = people.load(spec.seed, spec.per_call)
        start = cases.count(world.fund)
        for first in range(start, spec.applications, BATCH):
            last = min(first + BATCH, spec.applications)
            with transaction.atomic():
                _fast_commit()
                for index in range(first, last):
                    try:
                        cases.make(world, spec, index)
                    except DomainError as error:  # a bug in the generator: say which case
                        raise RuntimeError(f"Application {index}: {error.message}") from error
            if progress is not None:
                progress(last, spec.applications)
    return max(0, spec.applications - start)


def _fast_commit() -> None:
    """Generated batches need not wait for the disk at each commit (a crash loses at most the
    last batches, which a new run tops up): PostgreSQL's per-transaction setting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
