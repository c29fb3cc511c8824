"""The fund in figures on the start pages of the city director and the fund administrators
(BRIEF.md "What the city director reads"): per fund, its position at each year end, reclaim
per year (decided plan against booked returns) and the money per project state, each a chart
with its numbers as a table and a link to the list behind it. Money from the ledger, reclaim
as plans; the same functions the portfolio report and the reclaim overview use. A fixed number
of queries per fund, whatever its size; at 100 times the demo city they take about 0.1 s, so a
fund's figures are kept for ``FRESH_SECONDS`` and say when they were read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.charts import BarSeries, Chart, bar_chart
from core.models import Fund, LedgerEntry
from core.money import format_kr, format_mnkr
from projects.models import Project, ProjectState
from reclaim.overview import plan_chart, totals_per_year
from reports.documents.portfolio import position_chart


@dataclass
class Figure:
    chart: Chart
    url: str
    link: str


@dataclass
class Dashboard:
    fund: Fund
    figures: list[Figure]
    read_at: dt.datetime


# How long the start page reuses a fund's figures (each process its own cache by default).
FRESH_SECONDS = 60


def _states_chart(fund: Fund, today: dt.date) -> Chart | None:
    """Granted (less released) and paid (net of refunds) per project state, from the ledger."""
    money = LedgerEntry.objects.filter(fund=fund).positions_by_case(today)
    states = dict(
        Project.objects.filter(registration__fund=fund).values_list("registration_id", "state")
    )
    committed: dict[str, int] = {}
    paid: dict[str, int] = {}
    for case, position in money.items():
        state = states.get(case)
        if state is None:
            continue
        committed[state] = committed.get(state, 0) + position.granted - position.released
        paid[state] = paid.get(state, 0) + position.P
    order = [state for state in ProjectState.values if state in committed]
    if not order:
        return None
    return bar_chart(
        title=_("Money per project state today (ledger)"),
        x_label=_("State"),
        y_label=_("kronor"),
        categories=[str(ProjectState(state).label) for state in order],
        series=[
            BarSeries(_("Granted, less released"), [committed[s] for s in order]),
            BarSeries(_("Paid, net of refunds"), [paid[s] for s in order]),
        ],
        value_format=format_kr,
        tick_format=format_mnkr,
    )


def _figures(fund: Fund, today: dt.date) -> list[Figure]:
    figures = []
    position = position_chart(LedgerEntry.objects.filter(fund=fund).positions_by_year(today))
    if position is not None:
        figures.append(
            Figure(position, reverse("funds:detail", args=[fund.pk]), _("The fund's ledger"))
        )
    reclaim = plan_chart(totals_per_year(fund))
    if reclaim is not None:
        figures.append(
            Figure(reclaim, reverse("reclaim:fund", args=[fund.pk]), _("Reclaim in the fund"))
        )
    states = _states_chart(fund, today)
    if states is not None:
        figures.append(Figure(states, reverse("projects:list"), _("The projects")))
    return figures


def dashboards(today: dt.date) -> list[Dashboard]:
    boards = []
    language = translation.get_language()
    for fund in Fund.objects.order_by("name"):
        key = f"dashboard:{fund.pk}:{today:%Y%m%d}:{language}"
        kept = cache.get(key)
        if kept is None:
            kept = (_figures(fund, today), timezone.now())
            cache.set(key, kept, FRESH_SECONDS)
        figures, read_at = kept
        boards.append(Dashboard(fund=fund, figures=figures, read_at=read_at))
    return boards
