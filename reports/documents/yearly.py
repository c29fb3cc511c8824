"""The yearly report to the board for one calendar year (BRIEF.md "What the city director
reads"): what the board and the council decided that year, what moved in the fund's ledger (by
month, with a chart, and per investment), the reclaim decisions, and the results: progress
reports, evaluations completed and their measured savings. A year with no activity gives a
short report that says so, not an error.

Money comes from the ledger (movements by value date within the year, the position at the
year's start and end); decisions and results by the day they were made. A fixed number of
queries whatever the fund's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import ApplicabilityDecision, BoardDecision
from core.charts import BarSeries, bar_chart
from core.models import Fund, Position
from core.models.funds import LedgerEntry
from core.money import format_kr, format_mnkr
from projects.models import Evaluation, ProgressReport, Project
from reclaim.models import PlanVersion, ReclaimPlan, VersionState
from reports.models import ReportJob
from reports.render import running


@dataclass
class CaseMoney:
    project: Project
    money: Position


def value_date_of(year: int, today: dt.date) -> dt.date:
    """The figures of a year run to its last day, or to today for the year under way (a year
    no calendar has is left to ``report_request`` to refuse, with the years it allows)."""
    if not dt.MINYEAR <= year <= today.year:
        return today
    return min(dt.date(year, 12, 31), today)


def _movements(start: Position, end: Position) -> list[tuple[str, int]]:
    labels = {
        "injected": _("Injections"),
        "withdrawn": _("Withdrawals"),
        "granted": _("Grants (commitments)"),
        "released": _("Releases"),
        "disbursed": _("Disbursements"),
        "refunded": _("Refunds"),
        "expenses": _("Fund expenses"),
        "returned": _("Returns (booked reclaim)"),
    }
    return [(label, getattr(end, name) - getattr(start, name)) for name, label in labels.items()]


def _month_chart(year: int, months: dict[int, Position]):
    names = [date_format(dt.date(year, month, 1), "M") for month in range(1, 13)]
    return bar_chart(
        title=_("Paid out and returned per month, %(year)s (ledger)") % {"year": year},
        categories=names,
        series=[
            BarSeries(
                _("Paid out, net of refunds"),
                [months[m].P if m in months else 0 for m in range(1, 13)],
            ),
            BarSeries(
                _("Returned (booked reclaim)"),
                [months[m].returned if m in months else 0 for m in range(1, 13)],
            ),
        ],
        x_label=_("Month"),
        y_label=_("kronor"),
        value_format=format_kr,
        tick_format=format_mnkr,
    )


def yearly_context(job: ReportJob, generated_at: dt.datetime) -> dict:
    fund: Fund = job.fund
    year = int(job.parameters["year"])
    first, at = dt.date(year, 1, 1), job.value_date
    ledger = LedgerEntry.objects.filter(fund=fund)
    start = ledger.position(first - dt.timedelta(days=1))
    end = ledger.position(at)
    months = ledger.movements_by_month(year, at)
    by_case = ledger.movements_by_case(first, at)
    cases = [
        CaseMoney(project=project, money=by_case[project.registration_id])
        for project in Project.objects.filter(registration_id__in=list(by_case))
        .select_related("registration", "owner")
        .order_by("registration__year", "registration__sequence", "pk")
    ]
    board = list(
        BoardDecision.objects.filter(
            application__call__fund=fund, meeting_date__year=year, meeting_date__lte=at
        )
        .select_related("application__registration", "application__owner")
        .order_by("meeting_date", "application__registration__sequence")
    )
    applicability = ApplicabilityDecision.objects.filter(
        sketch__call__fund=fund, meeting__held_on__year=year, meeting__held_on__lte=at
    ).aggregate(
        applicable=Count("pk", filter=Q(outcome="applicable")),
        not_applicable=Count("pk", filter=Q(outcome="not_applicable")),
    )
    reclaim = list(
        PlanVersion.objects.filter(
            plan__project__registration__fund=fund,
            decided_at__year=year,
            state__in=(VersionState.APPROVED, VersionState.SUPERSEDED),
        )
        .select_related("plan__project__registration", "decided_by")
        .annotate(total=Sum("lines__amount"))
        .order_by("decided_at", "pk")
    )
    exempted = list(
        ReclaimPlan.objects.filter(project__registration__fund=fund, exempt_at__year=year)
        .select_related("project__registration")
        .order_by("exempt_at")
    )
    evaluations = list(
        Evaluation.objects.filter(project__registration__fund=fund, completed_at__year=year)
        .select_related("project__registration", "project__owner")
        .annotate(measured=Sum("savings__amount"))
        .order_by("completed_at", "pk")
    )
    reports = ProgressReport.objects.filter(
        project__registration__fund=fund, due_on__year=year, due_on__lte=at
    ).aggregate(
        due=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        late=Count(
            "pk",
            filter=Q(submitted_at__isnull=True) | Q(submitted_at__date__gt=F("due_on")),
        ),
    )
    granted = sum(d.amount for d in board if d.is_grant)
    movements = _movements(start, end)
    active = bool(
        cases
        or board
        or reclaim
        or exempted
        or evaluations
        or reports["due"]
        or any(amount for _label, amount in movements)
        or applicability["applicable"]
        or applicability["not_applicable"]
    )
    return {
        "fund": fund,
        "year": year,
        "value_date": at,
        "generated_at": generated_at,
        "active": active,
        "start": start,
        "end": end,
        "movements": movements,
        "chart": _month_chart(year, months)
        if any(m.P or m.returned for m in months.values())
        else None,
        "cases": cases,
        "board": board,
        "granted": granted,
        "applicability": applicability,
        "reclaim": reclaim,
        "exempted": exempted,
        "evaluations": evaluations,
        "reports": reports,
        "title": _("Yearly report %(year)s: %(fund)s") % {"year": year, "fund": fund.name},
        "running": running(
            fund_name=fund.name, registration=None, value_date=at, generated_at=generated_at
        ),
        "today": timezone.localdate(),
    }
