"""The load test's figures (``bench/load.py``): each request's time and error, the nearest-rank
percentiles per action and overall, and the table printed."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Sample:
    action: str
    ms: float
    error: str = ""


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of them at or below."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


LOGIN_ACTIONS = ("log in (form)", "log in")
AFTER_LOGIN = "overall, logins left out"


def summarise(samples: list[Sample]) -> list[dict]:
    """Per action (in order of first use), overall without the logins (they queue while people
    arrive, before the measured time) and overall: count, errors, p50, p95, p99 and max."""
    actions: dict[str, list[Sample]] = {}
    for sample in samples:
        actions.setdefault(sample.action, []).append(sample)
    browsing = [s for s in samples if s.action not in LOGIN_ACTIONS]
    rows = []
    totals = [(AFTER_LOGIN, browsing), ("overall", samples)]
    for action, group in [*actions.items(), *((name, g) for name, g in totals if g)]:
        times = [s.ms for s in group]
        rows.append(
            {
                "action": action,
                "count": len(group),
                "errors": sum(1 for s in group if s.error),
                **{f"p{p}": percentile(times, p) for p in (50, 95, 99)},
                "max": max(times),
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| action | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        name = f"**{r['action']}**" if r["action"] in ("overall", AFTER_LOGIN) else r["action"]
        lines.append(
            f"| {name} | {r['count']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['max']:.0f} |"
        )
    return "\n".join(lines)
