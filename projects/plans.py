"""Rules of a project's plans: the budget a grant gives, who may receive the fund's money,
which periods a project reports for, and what a proposed budget may look like. Services check
with these functions; pages show their refusals before anyone tries."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.utils.translation import gettext as _

from applications.models import CostType
from core.errors import DomainError
from core.money import format_kr, split

# (year, recipient organisation id, use)
LineKey = tuple[int, int, str]

PERIOD_ENDS = ((4, 30), (8, 31), (12, 31))


def budget_from_grant(
    decided_years: dict[int, int], fund_rows: list[tuple[int, int, str, int]], owner_id: int
) -> dict[LineKey, int]:
    """The project's first budget: each year's decided amount spread over the application's
    fund-financed budget rows of that year, in proportion to them (the split helper, so the
    lines add up exactly). A year the application did not budget takes the application's
    spread over all its years; with no fund-financed rows at all the owner receives it."""
    by_year: dict[int, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    overall: dict[tuple[int, str], int] = defaultdict(int)
    for year, recipient, cost_type, amount in fund_rows:
        by_year[year][(recipient, cost_type)] += amount
        overall[(recipient, cost_type)] += amount
    lines: dict[LineKey, int] = {}
    for year, amount in sorted(decided_years.items()):
        if amount <= 0:
            continue
        shares = {k: v for k, v in by_year.get(year, {}).items() if v > 0}
        if not shares:
            shares = {k: v for k, v in overall.items() if v > 0}
        if not shares:
            shares = {(owner_id, CostType.OTHER.value): 1}
        keys = sorted(shares)
        for key, part in zip(keys, split(amount, [shares[k] for k in keys]), strict=True):
            if part:
                lines[(year, key[0], key[1])] = lines.get((year, key[0], key[1]), 0) + part
    return lines


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s*")


def condition_texts(conditions: str) -> list[str]:
    """The board's conditions, one per line (bullets and numbering dropped)."""
    texts = []
    for line in (conditions or "").splitlines():
        text = _BULLET.sub("", line).strip()
        if text:
            texts.append(text)
    return texts


def period_ends(starts_on: dt.date | None, ends_on: dt.date | None) -> list[dt.date]:
    """The ends of the reporting periods (30 April, 31 August, 31 December) of an investment
    phase: every period that overlaps it, the last one covering its end."""
    if starts_on is None or ends_on is None or ends_on < starts_on:
        return []
    ends = []
    for year in range(starts_on.year, ends_on.year + 1):
        for month, day in PERIOD_ENDS:
            end = dt.date(year, month, day)
            if end < starts_on:
                continue
            ends.append(end)
            if end >= ends_on:
                return ends
    return ends


def budget_refusal(
    *,
    lines: list[tuple[int, int, str, int]],
    committed: int,
    paid: dict[tuple[int, int], int],
    allowed: dict[int, str],
    years: range,
    exact: bool,
) -> DomainError | None:
    """Why a proposed budget (lines of year, recipient id, use, amount) is refused, or None.
    ``committed``: the grant less releases; the total may not exceed it (more money needs a
    new board decision), and after a reduced grant (``exact``) must equal it. ``paid``: net
    paid per (year, recipient), which a line may not go below. ``allowed``: the organisations
    that may receive the fund's money, by id with their names. ``years``: the phase's years."""
    seen = set()
    for year, recipient, cost_type, _amount in lines:
        key = (year, recipient, cost_type)
        if key in seen:
            return DomainError(
                _("The budget names %(org)s, %(year)s, %(use)s twice; give each line once.")
                % {
                    "org": allowed.get(recipient, "–"),
                    "year": year,
                    "use": CostType(cost_type).label,
                },
                field="budget",
            )
        seen.add(key)
        if recipient not in allowed:
            return DomainError(
                _(
                    "The fund pays only the owner, co-owners and partner departments; the budget "
                    "names another recipient."
                ),
                field="budget",
            )
        if year not in years:
            return DomainError(
                _(
                    "Budget lines must fall within the investment phase %(first)s–%(last)s; "
                    "%(year)s does not."
                )
                % {"first": years.start, "last": years.stop - 1, "year": year},
                field="budget",
            )
    total = sum(line[3] for line in lines)
    if total > committed:
        return DomainError(
            _(
                "The budget adds up to %(total)s, more than the %(committed)s granted. More money "
                "needs a new decision by the board; a change request can only move money within "
                "the granted total."
            )
            % {"total": format_kr(total), "committed": format_kr(committed)},
            field="budget",
            code="exceeds_grant",
        )
    if exact and total != committed:
        return DomainError(
            _(
                "The revised budget adds up to %(total)s; it must equal the %(committed)s the "
                "board granted (a difference of %(difference)s)."
            )
            % {
                "total": format_kr(total),
                "committed": format_kr(committed),
                "difference": format_kr(abs(committed - total)),
            },
            field="budget",
            code="not_grant",
        )
    proposed: dict[tuple[int, int], int] = defaultdict(int)
    for year, recipient, _cost_type, amount in lines:
        proposed[(year, recipient)] += amount
    for (year, recipient), amount in sorted(paid.items()):
        if amount > proposed.get((year, recipient), 0):
            return DomainError(
                _(
                    "%(org)s has already been paid %(paid)s for %(year)s; the budget for that "
                    "year cannot be lower (it is %(budget)s)."
                )
                % {
                    "org": allowed.get(recipient, "–"),
                    "paid": format_kr(amount),
                    "year": year,
                    "budget": format_kr(proposed.get((year, recipient), 0)),
                },
                field="budget",
                code="below_paid",
            )
    return None


def allowed_recipients(project) -> dict[int, str]:
    """The organisations the fund may pay in this project, by id with their names: the owner,
    the co-owners and the partner departments (never a non-profit partner)."""
    from core.models import Organisation

    ids = {project.owner_id} | set(project.participants.values_list("organisation_id", flat=True))
    return {
        org.pk: org.name
        for org in Organisation.objects.filter(pk__in=ids).order_by("name")
        if org.can_own_cases
    }
