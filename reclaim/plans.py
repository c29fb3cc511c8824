"""The arithmetic of reclaim plans (BRIEF.md "Money rules"), in plain integers: the reclaim
window, a draft from the evaluation's measured savings, the cap and fitting a plan to it, and
when an installment falls due. Plans are not ledger money; the services of this app store them
and write a return to the ledger only when a line is booked.

A plan's lines are keyed by (organisation id, calendar year). Every rule here is one function
that the services, the pages and the property tests (``tests/reclaim``) ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_kr, split

Key = tuple[int, int]  # (organisation id, calendar year)

# The guidelines (seeds/002): a plan runs over at most six years.
MAX_WINDOW_YEARS = 6


@dataclass(frozen=True)
class Policy:
    """The reclaim rules of a fund. ``window_years`` comes from the guidelines (at most six);
    the other two are our defaults, which the city may change per fund: the window starts in
    the ``start_offset``-th calendar year after the reclaim decision, and a plan's total is
    capped at what the project was paid net of refunds (``cap_at_net_paid``)."""

    window_years: int = MAX_WINDOW_YEARS
    start_offset: int = 1
    cap_at_net_paid: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.window_years <= MAX_WINDOW_YEARS:
            raise ValueError(f"window_years must be 1..{MAX_WINDOW_YEARS}")
        if self.start_offset < 0:
            raise ValueError("start_offset must not be negative")


def first_year(decided_on: dt.date, policy: Policy) -> int:
    """The plan's first reclaim year for a decision on ``decided_on``."""
    return decided_on.year + policy.start_offset


def window(start_year: int, policy: Policy) -> range:
    """The reclaim years 1..n of a plan starting in ``start_year`` (calendar years)."""
    return range(start_year, start_year + policy.window_years)


@dataclass(frozen=True)
class Draft:
    """A plan drafted from measured savings: ``lines`` inside the window (amounts above zero),
    ``outside`` the savings before or after it, stored and shown but never lines."""

    lines: dict[Key, int] = field(default_factory=dict)
    outside: dict[Key, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.lines.values())


def draft(measured: Mapping[Key, int], start_year: int, policy: Policy) -> Draft:
    """The measured reduction per organisation and year, inside the window as lines."""
    years = window(start_year, policy)
    lines: dict[Key, int] = {}
    outside: dict[Key, int] = {}
    for key, amount in sorted(measured.items()):
        if amount < 0:
            raise ValueError("a measured saving is never negative")
        if key[1] in years:
            if amount > 0:
                lines[key] = amount
        elif amount > 0:
            outside[key] = amount
    return Draft(lines=lines, outside=outside)


def excess(lines: Mapping[Key, int], cap: int | None) -> int:
    """How far the plan's total is above the cap (0 when within it, or when there is none)."""
    if cap is None:
        return 0
    return max(0, sum(lines.values()) - cap)


class CannotFit(ValueError):
    """The fixed lines (booked or waived) alone are above the cap."""


def fit_to_cap(lines: Mapping[Key, int], cap: int, fixed: Iterable[Key] = ()) -> dict[Key, int]:
    """The plan scaled down pro rata so that its total is the cap (the split helper: the
    lines add up exactly, each within a krona of its exact share and never above what it was).
    ``fixed`` lines (booked years) keep their amounts; the others share what is left. A plan
    already within the cap is returned unchanged."""
    if cap < 0:
        raise ValueError("the cap is never negative")
    result = dict(lines)
    if sum(result.values()) <= cap:
        return result
    frozen = set(fixed) & set(result)
    left = cap - sum(result[key] for key in frozen)
    if left < 0:
        raise CannotFit(left)
    open_keys = sorted(key for key in result if key not in frozen and result[key] > 0)
    if not open_keys:
        raise CannotFit(left)
    for key, part in zip(open_keys, split(left, [result[key] for key in open_keys]), strict=True):
        result[key] = part
    return result


def problems(
    lines: Mapping[Key, int],
    start_year: int,
    policy: Policy,
    cap: int | None,
    *,
    above_cap_accepted: bool = False,
    names: Mapping[int, str] | None = None,
) -> list[str]:
    """What keeps the plan from being decided, in the reader's language: a line outside the
    window or below zero, a total above the cap without the city director's explicit choice."""
    names = names or {}
    years = window(start_year, policy)
    found = []
    for (organisation, year), amount in sorted(lines.items()):
        who = names.get(organisation, str(organisation))
        if year not in years:
            found.append(
                _("%(who)s %(year)s is outside the reclaim period %(first)s–%(last)s.")
                % {"who": who, "year": year, "first": years[0], "last": years[-1]}
            )
        if amount < 0:
            found.append(
                _("%(who)s %(year)s: an amount to return cannot be negative.")
                % {"who": who, "year": year}
            )
    over = excess(lines, cap)
    if over and not above_cap_accepted:
        found.append(
            _(
                "The plan is %(excess)s above the cap of %(cap)s: fit it to the cap, or the "
                "city director accepts it above the cap with a reason."
            )
            % {"excess": format_kr(over), "cap": format_kr(cap)}
        )
    return found


class CannotMove(ValueError):
    """A successor's line of the same year is already booked or waived: the moved share has
    nowhere to go (``args[0]``: that successor's key)."""


def move_lines(
    lines: Mapping[Key, int],
    settled: Iterable[Key],
    organisation: int,
    shares: Sequence[tuple[int, int | Decimal]],
) -> dict[Key, int]:
    """The plan after a reorganisation: each of ``organisation``'s lines not yet booked or
    waived is split over the successors by their ``shares`` (the split helper: the parts add
    up to the line exactly) and added to the successor's line of the same year. Settled
    lines stay as they are. The plan's total and each year's total do not change."""
    settled = set(settled)
    result = dict(lines)
    successors = [successor for successor, _share in shares]
    if organisation in successors:
        raise ValueError("an organisation does not succeed itself")
    for key in sorted(result):
        old, year = key
        if old != organisation or key in settled or result[key] == 0:
            continue
        parts = split(result.pop(key), [share for _successor, share in shares])
        for successor, part in zip(successors, parts, strict=True):
            if part == 0:
                continue
            target = (successor, year)
            if target in settled:
                raise CannotMove(target)
            result[target] = result.get(target, 0) + part
    return result


def overdue_from(year: int) -> dt.date:
    """A line of ``year`` falls due in its year and is overdue if not booked by 31 January of
    the next year: the first day it is overdue."""
    return dt.date(year + 1, 2, 1)


def is_overdue(year: int, today: dt.date) -> bool:
    return today >= overdue_from(year)


def latest_overdue_year(today: dt.date) -> int:
    """The latest year whose unbooked lines are overdue on ``today`` (``is_overdue``)."""
    return today.year - 1 if today >= dt.date(today.year, 2, 1) else today.year - 2


@dataclass(frozen=True)
class Projected:
    year: int
    expected: int  # decided lines not yet booked or waived that fall due this year
    available: int  # available at the end of the year if they are all booked, nothing else


def forward_position(
    available: int, open_lines: Mapping[int, int], this_year: int
) -> list[Projected]:
    """The fund's forward position: what is available today, and per year from this one to the
    last with an open line, what would be available at the year's end if every decided line
    not yet booked or waived is booked in its year (lines of earlier years, overdue, in this
    one). A projection from plans, not ledger money: no other movement is assumed."""
    expected: dict[int, int] = {}
    for year, amount in open_lines.items():
        expected[max(year, this_year)] = expected.get(max(year, this_year), 0) + amount
    last = max([this_year, *expected])
    rows, running = [], available
    for year in range(this_year, last + 1):
        running += expected.get(year, 0)
        rows.append(Projected(year=year, expected=expected.get(year, 0), available=running))
    return rows
