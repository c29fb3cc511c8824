"""The portfolio report to the city director: the fund's position and ledger over time, every
investment's money and reclaim, late progress reports and reclaim decisions waiting.

Money that moved is read from the ledger up to the value date (``positions_by_year``,
``positions_by_case``): the investments' sums add up to the fund's figures to the krona. Reclaim
plans are plans (decided lines, waived lines) and are labelled so; what was returned is the
ledger's. States are today's (states carry no value date). A fixed number of queries whatever
the fund's size.

The investments are listed one line each under their owner organisation, whose row carries the
owner's sums: at 100 times the city's volume (1,305 investments) that is about half the pages of
a row of two or three lines each with the owner under the title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Series, line_chart
from core.models import Fund, Organisation, Position
from core.models.funds import LedgerEntry
from core.money import format_kr, format_mnkr
from projects.models import ProgressReport, Project
from reclaim.models import PlanVersion, VersionState
from reclaim.overview import Totals, totals_by_project
from reports.render import running


@dataclass
class Investment:
    project: Project
    money: Position
    reclaim: Totals


@dataclass
class OwnerGroup:
    """An owner organisation's investments with their sums (the group's first row)."""

    owner: Organisation
    investments: list[Investment]
    money: Position
    reclaim: Totals


@dataclass
class LateReport:
    report: ProgressReport
    days_late: int


def _investments(fund: Fund, at: dt.date, today: dt.date) -> list[Investment]:
    money = LedgerEntry.objects.filter(fund=fund).positions_by_case(at)
    reclaim = totals_by_project(fund, today)
    projects = (
        Project.objects.filter(registration__fund=fund, registration_id__in=list(money))
        .select_related("owner", "registration")
        .order_by("owner__name", "owner_id", "registration__year", "registration__sequence", "pk")
    )
    return [
        Investment(
            project=project,
            money=money[project.registration_id],
            reclaim=reclaim.get(project.pk, Totals()),
        )
        for project in projects
    ]


# The ledger's sums an owner's row adds up (a case has no injections, withdrawals or expenses).
_SUMMED = ("granted", "disbursed", "refunded", "released", "returned")


def _by_owner(investments: list[Investment], at: dt.date) -> list[OwnerGroup]:
    """The investments (ordered by owner) in one group per owner, with the owner's sums."""
    groups: list[OwnerGroup] = []
    for investment in investments:
        if not groups or groups[-1].owner.pk != investment.project.owner_id:
            groups.append(OwnerGroup(investment.project.owner, [], Position(at=at), Totals()))
        groups[-1].investments.append(investment)
    for group in groups:
        moneys = [investment.money for investment in group.investments]
        group.money = Position(
            at=at,
            **{name: sum(getattr(money, name) for money in moneys) for name in _SUMMED},
        )
        for investment in group.investments:
            group.reclaim.merge(investment.reclaim)
    return groups


def _late_reports(fund: Fund, at: dt.date) -> list[LateReport]:
    reports = (
        ProgressReport.objects.filter(project__registration__fund=fund)
        .late_on(at)
        .select_related("project__registration", "project__owner")
        .order_by("due_on", "project__title", "pk")
    )
    return [LateReport(report=report, days_late=(at - report.due_on).days) for report in reports]


def _waiting(fund: Fund) -> list[PlanVersion]:
    return list(
        PlanVersion.objects.filter(
            state=VersionState.SUBMITTED, plan__project__registration__fund=fund
        )
        .select_related("plan__project__registration", "plan__project__owner", "created_by")
        .order_by("submitted_at", "pk")
    )


def position_chart(positions: list[Position]):
    """Balance, outstanding and available at each year end (None for an empty ledger)."""
    if not positions:
        return None
    figures = (
        (_("Balance (reserved in the fund)"), "balance"),
        (_("Outstanding commitments"), "outstanding"),
        (_("Available for new grants"), "available"),
    )
    return line_chart(
        title=_("The fund at the end of each year (ledger)"),
        x_label=_("Year end"),
        y_label=_("kronor"),
        series=[
            Series(label, [(p.at, getattr(p, name)) for p in positions]) for label, name in figures
        ],
        value_format=format_kr,
        tick_format=format_mnkr,
    )


def portfolio_context(fund: Fund, value_date: dt.date, generated_at: dt.datetime) -> dict:
    today = timezone.localdate()
    positions = LedgerEntry.objects.filter(fund=fund).positions_by_year(value_date)
    position = positions[-1] if positions else Position(at=value_date)
    investments = _investments(fund, value_date, today)
    total = Totals()
    for investment in investments:
        total.merge(investment.reclaim)
    return {
        "fund": fund,
        "value_date": value_date,
        "generated_at": generated_at,
        "title": _("Portfolio report: %(fund)s") % {"fund": fund.name},
        "position": position,
        "positions": positions,
        "chart": position_chart(positions),
        "investments": investments,
        "groups": _by_owner(investments, value_date),
        "reclaim_total": total,
        "late_reports": _late_reports(fund, value_date),
        "waiting": _waiting(fund),
        "today": today,
        "running": running(
            fund_name=fund.name, registration=None, value_date=value_date, generated_at=generated_at
        ),
        "mnkr": {
            "available": format_mnkr(position.available),
            "balance": format_mnkr(position.balance),
            "outstanding": format_mnkr(position.outstanding),
        },
    }
