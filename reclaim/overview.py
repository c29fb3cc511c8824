"""Reads of reclaim's overview pages: a fund's reclaim as the city director follows it (plans
waiting, each plan's decided, booked and remaining amounts, plan against booked per year and
organisation, and the fund's forward position), and what an organisation owes the fund across
all projects. Decided plans are plans; only booked lines are ledger money (the forward
position says so)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access as core_access
from core.charts import BarSeries, ReferenceLine, Series, bar_chart, line_chart
from core.models import Fund, Organisation
from core.money import format_kr, format_mnkr
from reclaim import plans
from reclaim.models import (
    Installment,
    InstallmentState,
    PlanLine,
    PlanState,
    PlanVersion,
    ReclaimPlan,
    VersionState,
)

DECIDED_PLANS = (PlanState.IN_FORCE, PlanState.CLOSED)


def _decided_lines(**filters):
    """The lines of every plan's version in force (plans in force or closed)."""
    return PlanLine.objects.filter(
        version__state=VersionState.APPROVED, version__plan__state__in=DECIDED_PLANS, **filters
    )


def _settled(**filters) -> dict[tuple[int, int, int], Installment]:
    return {
        (i.plan_id, i.organisation_id, i.year): i for i in Installment.objects.filter(**filters)
    }


@dataclass
class Totals:
    decided: int = 0
    booked: int = 0
    waived: int = 0
    overdue: int = 0

    @property
    def remaining(self) -> int:
        return self.decided - self.booked - self.waived

    def merge(self, other: Totals) -> None:
        """Add another set of totals to these (a year's organisations, a fund's plans)."""
        self.decided += other.decided
        self.booked += other.booked
        self.waived += other.waived
        self.overdue += other.overdue

    def add(self, amount: int, installment, overdue: bool) -> None:
        self.decided += amount
        if installment is None:
            self.overdue += amount if overdue else 0
        elif installment.state == InstallmentState.BOOKED:
            self.booked += amount
        else:
            self.waived += amount


@dataclass
class Row:
    line: PlanLine
    installment: Installment | None
    overdue: bool

    @property
    def project(self):
        return self.line.version.plan.project


@dataclass
class PlanRow:
    plan: ReclaimPlan
    waiting: PlanVersion | None = None
    totals: Totals = field(default_factory=Totals)


def _rows(lines, settled: dict, today) -> list[Row]:
    """Each decided line with its installment (booked or waived) or, if none, whether it is
    overdue today."""
    rows = []
    for line in lines:
        done = settled.get((line.version.plan_id, line.organisation_id, line.year))
        overdue = done is None and plans.is_overdue(line.year, today)
        rows.append(Row(line=line, installment=done, overdue=overdue))
    return rows


def fund_rows(fund: Fund, today) -> list[Row]:
    """Every decided line of the fund's plans with what became of it (two queries)."""
    lines = _decided_lines(version__plan__project__registration__fund=fund).select_related(
        "organisation", "version__plan__project__registration"
    )
    return _rows(lines, _settled(plan__project__registration__fund=fund), today)


def plan_rows(plan, today) -> list[Row]:
    """One plan's decided lines (its version in force) with what became of each."""
    lines = _decided_lines(version__plan=plan).select_related(
        "organisation", "version__plan__project"
    )
    return _rows(lines.order_by("year", "organisation__name"), _settled(plan=plan), today)


def totals_by_project(fund: Fund, today) -> dict[int, Totals]:
    """Each project's decided, booked, waived and overdue reclaim (plans, not ledger money)."""
    totals: dict[int, Totals] = defaultdict(Totals)
    for row in fund_rows(fund, today):
        totals[row.line.version.plan.project_id].add(row.line.amount, row.installment, row.overdue)
    return totals


def totals_per_year(fund: Fund) -> dict[int, Totals]:
    """The fund's decided reclaim per year, and what of it was booked or waived (two queries,
    summed in the database; overdue is not counted here), years in order."""
    per_year: dict[int, Totals] = {}
    decided = (
        _decided_lines(version__plan__project__registration__fund=fund)
        .order_by()
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    for year, total in decided:
        per_year.setdefault(year, Totals()).decided += total
    settled = (
        Installment.objects.filter(
            plan__state__in=DECIDED_PLANS, plan__project__registration__fund=fund
        )
        .order_by()
        .values("year", "state")
        .annotate(total=Sum("amount"))
        .values_list("year", "state", "total")
    )
    for year, state, total in settled:
        totals = per_year.setdefault(year, Totals())
        if state == InstallmentState.BOOKED:
            totals.booked += total
        else:
            totals.waived += total
    return dict(sorted(per_year.items()))


def plan_chart(per_year: dict[int, Totals]):
    """Reclaim per year, the decided plan against the booked returns (None without lines)."""
    if not per_year:
        return None
    years = list(per_year)
    return bar_chart(
        title=_("Reclaim per year: decided plan and booked returns"),
        x_label=_("Year"),
        y_label=_("kronor"),
        categories=[str(year) for year in years],
        series=[
            BarSeries(_("Decided (plan)"), [per_year[y].decided for y in years]),
            BarSeries(_("Booked (ledger)"), [per_year[y].booked for y in years]),
        ],
        value_format=format_kr,
        tick_format=format_mnkr,
    )


def fund_overview(fund: Fund) -> dict:
    today = timezone.localdate()
    rows = fund_rows(fund, today)
    plans_of_fund = {
        plan.pk: PlanRow(plan=plan)
        for plan in ReclaimPlan.objects.filter(project__registration__fund=fund)
        .select_related("project__registration")
        .order_by("project__title", "pk")
    }
    waiting = list(
        PlanVersion.objects.filter(
            state=VersionState.SUBMITTED, plan__project__registration__fund=fund
        )
        .select_related("plan__project__registration")
        .order_by("submitted_at", "pk")
    )
    for version in PlanVersion.objects.filter(
        state__in=[VersionState.DRAFT, VersionState.SUBMITTED], plan__in=list(plans_of_fund)
    ):
        plans_of_fund[version.plan_id].waiting = version
    by_key: dict[tuple[int, int], Totals] = defaultdict(Totals)
    names: dict[int, Organisation] = {}
    open_per_year: dict[int, int] = defaultdict(int)
    for row in rows:
        line, done, overdue = row.line, row.installment, row.overdue
        plans_of_fund[line.version.plan_id].totals.add(line.amount, done, overdue)
        by_key[(line.organisation_id, line.year)].add(line.amount, done, overdue)
        names[line.organisation_id] = line.organisation
        if done is None and line.version.plan.state == PlanState.IN_FORCE:
            open_per_year[line.year] += line.amount
    per_organisation = [
        (names[organisation], year, totals)
        for (organisation, year), totals in sorted(
            by_key.items(), key=lambda item: (names[item[0][0]].name, item[0][1])
        )
    ]
    per_year = totals_per_year(fund)
    available = fund.position(today).available
    projection = plans.forward_position(available, open_per_year, today.year)
    return {
        "fund": fund,
        "today": today,
        "waiting": waiting,
        "plans": list(plans_of_fund.values()),
        "per_organisation": per_organisation,
        "per_year": per_year,
        "plan_chart": plan_chart(per_year),
        "available": available,
        "projection": projection,
        "position_chart": line_chart(
            title=_("Forward position: available at the end of each year (projection)"),
            x_label=_("Year"),
            y_label=_("kronor"),
            series=[
                Series(
                    _("Available if the decided lines are booked"),
                    [(str(row.year), row.available) for row in projection],
                )
            ],
            reference_lines=[ReferenceLine(_("Available today"), available)],
            value_format=format_kr,
            tick_format=format_mnkr,
        ),
    }


def _grid(rows: list[Row]) -> dict:
    """An organisation's lines as a table: one row per project, one column per year, each
    cell the line with what became of it; and per year what is still to return."""
    years = sorted({row.line.year for row in rows})
    by_project: dict[int, dict] = {}
    for row in rows:
        entry = by_project.setdefault(
            row.project.pk, {"project": row.project, "cells": {}, "remaining": 0}
        )
        entry["cells"][row.line.year] = row
        if row.installment is None:
            entry["remaining"] += row.line.amount
    grid = [
        {**entry, "cells": [entry["cells"].get(year) for year in years]}
        for entry in sorted(by_project.values(), key=lambda e: e["project"].title)
    ]
    to_return = [
        sum(r.line.amount for r in rows if r.line.year == year and r.installment is None)
        for year in years
    ]
    return {"years": years, "grid": grid, "to_return": to_return}


def owed_page(user) -> dict:
    """What the reader's organisations owe the fund, per project and year, across all projects
    and funds: each decided line with what became of it, and the totals."""
    today = timezone.localdate()
    own = sorted(core_access.organisations_of(user), key=lambda org: org.name)
    ids = [org.pk for org in own]
    lines = list(
        _decided_lines(organisation_id__in=ids)
        .select_related("version__plan__project__registration", "organisation")
        .order_by("version__plan__project__title", "year", "pk")
    )
    sections = {org.pk: {"organisation": org, "rows": [], "totals": Totals()} for org in own}
    for row in _rows(lines, _settled(organisation_id__in=ids), today):
        section = sections[row.line.organisation_id]
        section["rows"].append(row)
        section["totals"].add(row.line.amount, row.installment, row.overdue)
    proposed = (
        PlanVersion.objects.filter(
            Q(state=VersionState.DRAFT) | Q(state=VersionState.SUBMITTED),
            lines__organisation_id__in=ids,
        )
        .select_related("plan__project")
        .distinct()
    )
    for section in sections.values():
        section.update(_grid(section["rows"]))
    return {
        "sections": list(sections.values()),
        "proposed": list(proposed),
        "today": today,
    }
