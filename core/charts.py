"""Server-side SVG charts: no JavaScript, CSP-safe, readable in greyscale, in print and in PDFs.

Build a chart where the page's data is built (a selector or page function), then include it with
``{% include "core/_chart.html" with chart=chart %}`` (add ``numbers_open=True`` to show the
table of numbers instead of folding it away: PDFs, print)::

    line_chart(
        title=indicator.name, y_label=indicator.unit,
        series=[Series(_("Reported"), [(r.date, r.value) for r in reports])],
        reference_lines=[ReferenceLine(_("Baseline"), base), ReferenceLine(_("Target"), target)],
    )
    bar_chart(
        title=_("Reclaim per year"), x_label=_("Year"), categories=["2025", "2026"],
        series=[BarSeries(_("Planned"), [250_000, 300_000]), BarSeries(_("Booked"), [9_000, None])],
        value_format=money.format_kr, tick_format=money.format_mnkr,
    )

``Chart.rows`` keeps the numbers as given (kronor stay ``int``, indicator values ``Decimal``);
floats only place things. ``value_format`` formats the table, tooltips and default description,
``tick_format`` (default ``value_format``) the y axis. Only presentation attributes (never
``style``), every text escaped, same input, same SVG. Series differ by dash and marker (bars: by
fill pattern) as well as by colour.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import pairwise

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

type Number = int | Decimal
type XValue = date | str
type Format = Callable[[Number], str]

# Contrast on white 8.0, 5.5, 5.4 and 7.6 : 1 (WCAG 1.4.11 asks 3:1).
COLOURS = ("#0b4f9c", "#b04a00", "#1d7a3a", "#6f3c99")
DASHES = ("none", "9 4", "2 4", "10 4 2 4")  # solid, dashed, dotted, dash-dot
MARKERS = ("circle", "square", "triangle", "diamond")
TRIANGLE, DIAMOND = ((0, -6), (6, 4.5), (-6, 4.5)), ((0, -6.5), (6.5, 0), (0, 6.5), (-6.5, 0))
FILLS = ("solid", "hatched", "dotted", "crossed")  # bars
INK, MUTED, GRID, WHITE = "#1a1a1a", "#4a4f55", "#d5d9de", "#ffffff"
WIDTH, PLOT_HEIGHT, FONT, PAD = 640, 240, 13, 8


@dataclass(frozen=True)
class Series:  # a line: (date or category, value) points; dates in any order
    label: str
    points: Sequence[tuple[XValue, Number]] = ()


@dataclass(frozen=True)
class ReferenceLine:  # a labelled horizontal dashed line: baseline, target
    label: str
    value: Number


@dataclass(frozen=True)
class BarSeries:  # bars: one value (or None) per category, in the order of the categories
    label: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    svg: SafeString
    columns: tuple[str, ...]  # the x column, then one per series (and reference line)
    rows: tuple[tuple, ...]  # (x, value or None, ...): the numbers exactly as given
    cells: tuple[tuple[str, ...], ...]  # the same rows as text, for the table


def default_format(value: Number) -> str:
    """``1 234,5`` in Swedish, ``1,234.5`` in English; a real minus sign, as ``format_kr``."""
    return formats.number_format(value, force_grouping=True).replace("-", "\u2212")


def x_text(x: XValue) -> str:
    return formats.date_format(x, "SHORT_DATE_FORMAT") if isinstance(x, date) else str(x)


def nice_ticks(low: Number, high: Number, intervals: int = 5) -> list[Number]:
    """Steps of 1, 2 or 5 times 10^n from <= min(low, 0) to >= max(high, 0); ints stay ints."""
    lo, hi = Decimal(min(low, 0)), Decimal(max(high, 0))
    if lo == hi:
        hi = lo + 1
    raw = (hi - lo) / intervals
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if isinstance(low, int) and isinstance(high, int):
        step = max(step, Decimal(1))  # no half kronor on a money axis
    first = (lo / step).to_integral_value(ROUND_FLOOR)
    last = (hi / step).to_integral_value(ROUND_CEILING)
    ticks = [(first + i) * step for i in range(int(last - first) + 1)]
    if step >= 1:
        return [int(tick) for tick in ticks]
    return [tick.quantize(Decimal(1).scaleb(step.adjusted())) for tick in ticks]


def _f(value: float) -> str:
    return f"{value:.1f}"


def _width(text: str) -> float:
    return len(text) * FONT * 0.6  # generous for a sans-serif; only used to make room


def _el(tag: str, content: str = "", /, **attrs) -> SafeString:
    """``<tag a="v">content</tag>``, everything escaped; ``stroke_width`` gives ``stroke-width``."""
    pairs = (
        (name.rstrip("_").replace("_", "-"), _f(v) if isinstance(v, float) else v)
        for name, v in attrs.items()
    )
    return format_html("<{}{}>{}</{}>", tag, format_html_join("", ' {}="{}"', pairs), content, tag)


def _join(parts: Sequence[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 -- every part comes from _el or format_html


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash="none"):
    return _el("line", x1=x1, y1=y1, x2=x2, y2=y2, **_stroke(colour, width, dash))


def _stroke(colour: str, width: float, dash: str = "none") -> dict:
    return {"stroke": colour, "stroke_width": width, "stroke_dasharray": dash}


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = INK) -> SafeString:
    return _el("text", text, x=x, y=y, text_anchor=anchor, fill=fill)


def _marker(index: int, x: float, y: float, tip: str = "") -> SafeString:
    paint = {"fill": COLOURS[index % 4], "stroke": WHITE, "stroke_width": 1}
    tip_html = _el("title", tip) if tip else ""
    shape = MARKERS[index % 4]
    if shape == "circle":
        return _el("circle", tip_html, cx=x, cy=y, r=5, **paint)
    if shape == "square":
        return _el("rect", tip_html, x=x - 4.5, y=y - 4.5, width=9, height=9, **paint)
    corners = TRIANGLE if shape == "triangle" else DIAMOND
    d = "M" + " L".join(f"{_f(x + dx)},{_f(y + dy)}" for dx, dy in corners) + " Z"
    return _el("path", tip_html, d=d, **paint)


def _bar_fill(chart_id: str, index: int) -> tuple[str, str]:
    """(pattern definition, fill) for bar series ``index``: solid, hatched, dotted, crossed."""
    colour, kind = COLOURS[index % 4], FILLS[index % 4]
    if kind == "solid":
        return "", colour
    shape = {
        "hatched": _el("path", d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2", **_stroke(colour, 2)),
        "dotted": _el("circle", cx=3, cy=3, r=1.6, fill=colour),
        "crossed": _el("path", d="M0,0 L6,6 M6,0 L0,6", **_stroke(colour, 1.2)),
    }[kind]
    pid = f"{chart_id}-fill{index}"
    tile = _el("rect", width=6, height=6, fill=WHITE) + shape
    pattern = _el("pattern", tile, id=pid, width=6, height=6, patternUnits="userSpaceOnUse")
    return pattern, f"url(#{pid})"


def _chart_id(*parts) -> str:
    # Deterministic, and different for different charts on one page (the title/desc ids).
    return "chart-" + hashlib.blake2s(repr(parts).encode(), digest_size=5).hexdigest()


def _frame(chart: str, title: str, desc: str, height: float, body: Sequence[str]) -> SafeString:
    head = _el("title", title, id=f"{chart}-title") + _el("desc", desc, id=f"{chart}-desc")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title {}-desc" font-size="{}">{}</svg>',
        WIDTH, _f(height), chart, chart, FONT, head + _join(body),
    )  # fmt: skip


def _empty(chart_id: str, title: str, desc: str, columns: Sequence[str]) -> Chart:
    body = [_text(WIDTH / 2, 44, gettext("No values yet."), "middle", MUTED)]
    svg = _frame(chart_id, title, desc, 72, body)
    return Chart(chart_id, title, desc, svg, tuple(columns), (), ())


def _cells(rows: tuple[tuple, ...], value_format: Format) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (x_text(x), *("–" if v is None else value_format(v) for v in values)) for x, *values in rows
    )


class _Plot:
    """Legend, y scale, gridlines (zero in ink) and axis labels, shared by both kinds of chart."""

    def __init__(self, legend: list[tuple[str, str]], values: list, ticks: Format, y_label: str):
        self.parts, x, y = [], float(PAD), float(PAD + FONT)
        for sample, label in legend:  # (sample drawn around the origin, label), wrapped
            size = 58 + _width(label)
            if x > PAD and x + size > WIDTH - PAD:
                x, y = float(PAD), y + FONT + 9
            self.parts += [_el("g", sample, transform=f"translate({_f(x)},{_f(y - 4)})")]
            self.parts += [_text(x + 40, y, label)]
            x += size
        self.ticks = nice_ticks(min(values), max(values))
        labels = [ticks(tick) for tick in self.ticks]
        self.left = PAD + max(_width(label) for label in labels) + 8
        self.right = WIDTH - PAD - 8
        self.top = y + 14 + (FONT + 10 if y_label else 4)
        self.bottom = self.top + PLOT_HEIGHT
        self.lo, self.hi = float(self.ticks[0]), float(self.ticks[-1])
        self.label_lines = 1
        if y_label:
            self.parts.append(_text(PAD, self.top - 12, y_label, fill=MUTED))
        for tick, label in zip(self.ticks, labels, strict=True):
            y = self.y(tick)
            colour, width = (INK, 1.5) if tick == 0 else (GRID, 1)
            line = _line(self.left, y, self.right, y, colour, width)
            self.parts += [line, _text(self.left - 6, y + FONT * 0.35, label, "end")]

    @property
    def height(self) -> float:
        return self.bottom + FONT + 14 + (self.label_lines - 1) * (FONT + 2)

    def y(self, value: Number) -> float:
        return self.bottom - (float(value) - self.lo) / (self.hi - self.lo) * PLOT_HEIGHT

    def x_label(self, x: float, text: str, max_width: float = math.inf) -> SafeString:
        lines = [""]
        for word in text.split():  # wrap category names that do not fit under their bars
            if lines[-1] and _width(f"{lines[-1]} {word}") > max_width:
                lines.append(word)
            else:
                lines[-1] = f"{lines[-1]} {word}".strip()
        self.label_lines = max(self.label_lines, len(lines[:3]))
        spans = [
            _el("tspan", line, x=x, dy=0 if i == 0 else FONT + 2)
            for i, line in enumerate(lines[:3])
        ]
        return _text(x, self.bottom + FONT + 8, _join(spans), "middle")


def line_chart(
    *,
    title: str,
    series: Sequence[Series],
    desc: str = "",
    reference_lines: Sequence[ReferenceLine] = (),
    y_label: str = "",
    x_label: str = "",
    value_format: Format = default_format,
    tick_format: Format | None = None,
) -> Chart:
    """Lines over time (dates, placed by date) or over categories (strings, evenly spaced)."""
    points: list[list[tuple[XValue, Number]]] = []
    for line in series:
        xs = [x for x, _ in line.points]
        if len(set(xs)) != len(xs):
            raise ValueError(f"{line.label!r} has two values for the same x")
        timed = all(isinstance(x, date) for x in xs)
        points.append(sorted(line.points, key=lambda p: p[0]) if timed else list(line.points))
    all_x = [x for line in points for x, _ in line]
    timed = all(isinstance(x, date) for x in all_x)
    xs = sorted(set(all_x)) if timed else list(dict.fromkeys(all_x))
    if not desc:
        parts = [f"{ref.label} {value_format(ref.value)}" for ref in reference_lines]
        for line, pts in zip(series, points, strict=True):
            if pts:
                x, v = pts[-1]
                latest = {"label": line.label, "value": value_format(v), "x": x_text(x)}
                parts.append(gettext("%(label)s: latest %(value)s (%(x)s)") % latest)
        desc = "; ".join(parts if all_x else [*parts, gettext("No values yet.")])
    x_column = x_label or (gettext("Date") if timed else gettext("Category"))
    columns = (x_column, *(s.label for s in series), *(r.label for r in reference_lines))
    chart_id = _chart_id("line", title, desc, series, reference_lines, y_label)
    if not all_x:
        return _empty(chart_id, title, desc, columns)

    legend = []
    for i, line in enumerate(series):
        sample = _line(0, 0, 32, 0, COLOURS[i % 4], 2.5, DASHES[i % 4]) + _marker(i, 16, 0)
        legend.append((sample, line.label))
    values = [v for line in points for _, v in line] + [r.value for r in reference_lines]
    plot = _Plot(legend, values, tick_format or value_format, y_label)
    span = (xs[-1] - xs[0]).days if timed else len(xs)
    x_ticks = _x_ticks(xs) if timed else [(x, str(x)) for x in xs]
    inset = max(14, max(_width(label) for _, label in x_ticks) / 2 - PAD - 6)  # room for labels

    def x_of(x: XValue) -> float:
        if timed:
            share = (x - xs[0]).days / span if span else 0.5
            return plot.left + inset + share * (plot.right - plot.left - 2 * inset)
        return plot.left + (plot.right - plot.left) / span * (xs.index(x) + 0.5)

    body, last_right = plot.parts, -math.inf
    for x, label in x_ticks:
        if x_of(x) - _width(label) / 2 >= last_right + 8:  # drop labels that would overlap
            body.append(plot.x_label(x_of(x), label))
            last_right = x_of(x) + _width(label) / 2
    coords_of = [[(x_of(x), plot.y(v)) for x, v in pts] for pts in points]
    taken = [p for coords in coords_of for p in _along(coords)]
    labels, halo = (
        [],
        {"fill": WHITE, "stroke": WHITE, "stroke_width": 4},
    )  # (no paint-order in PDFs)
    for ref in sorted(reference_lines, key=lambda r: r.value, reverse=True):
        y, text = plot.y(ref.value), f"{ref.label} {value_format(ref.value)}"
        body.append(_line(plot.left, y, plot.right, y, MUTED, 1.5, "6 4"))
        w = _width(text)
        # Label each line where it covers the fewest points of the data and the other labels.
        options = [(e, y + dy) for dy in (-5, FONT + 3) for e in (True, False)]
        x0 = {True: plot.right - 4 - w, False: plot.left + 4}
        end, base = min(options, key=lambda o: _count_in(taken, x0[o[0]], o[1] - FONT, w))
        taken += _along([(x0[end], base - FONT / 2), (x0[end] + w, base - FONT / 2)])
        anchor = {"x": plot.right - 4, "text_anchor": "end"} if end else {"x": plot.left + 4}
        labels += [
            _el("text", text, y=base, **anchor, **halo),
            _el("text", text, y=base, fill=INK, **anchor),
        ]
    for i, (line, pts, coords) in enumerate(zip(series, points, coords_of, strict=True)):
        if len(coords) > 1:
            d = "M" + " L".join(f"{_f(x)},{_f(y)}" for x, y in coords)
            paint = _stroke(COLOURS[i % 4], 2.5, DASHES[i % 4])
            body.append(_el("path", d=d, fill="none", stroke_linejoin="round", **paint))
        for (x, v), (px, py) in zip(pts, coords, strict=True):
            body.append(_marker(i, px, py, f"{line.label}, {x_text(x)}: {value_format(v)}"))
    by_x = [dict(pts) for pts in points]
    rows = tuple((x, *(d.get(x) for d in by_x), *(r.value for r in reference_lines)) for x in xs)
    svg = _frame(chart_id, title, desc, plot.height, body + labels)
    return Chart(chart_id, title, desc, svg, columns, rows, _cells(rows, value_format))


def _along(line: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points of a polyline and more every few pixels between them."""
    out = list(line)
    for (x0, y0), (x1, y1) in pairwise(line):
        n = math.ceil(math.hypot(x1 - x0, y1 - y0) / 6)
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n)]
    return out


def _count_in(points: list[tuple[float, float]], x: float, top: float, width: float) -> int:
    return sum(
        x - 8 <= px <= x + width + 8 and top - 6 <= py <= top + FONT + 8 for px, py in points
    )


def _x_ticks(xs: list[date]) -> list[tuple[date, str]]:
    """Every date when there are few, else years (or months) with at most six labels."""
    first, last = xs[0], xs[-1]
    if len(xs) <= 6:
        return [(x, x_text(x)) for x in xs]
    if last.year - first.year >= 2:
        years = range(first.year + (first > date(first.year, 1, 1)), last.year + 1)
        return [(date(y, 1, 1), str(y)) for y in years[:: math.ceil(len(years) / 6)]]
    months = [date(y, m, 1) for y in range(first.year, last.year + 1) for m in range(1, 13)]
    months = [m for m in months if first <= m <= last]
    return [(m, formats.date_format(m, "M Y")) for m in months[:: math.ceil(len(months) / 6) or 1]]


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[BarSeries],
    desc: str = "",
    y_label: str = "",
    x_label: str = "",
    value_format: Format = default_format,
    tick_format: Format | None = None,
    stacked: bool = False,
) -> Chart:
    """Grouped (or stacked) bars per category, e.g. planned vs booked per year."""
    if any(len(bars.values) != len(categories) for bars in series):
        raise ValueError("every bar series needs one value (or None) per category")
    columns = (x_label or gettext("Category"), *(s.label for s in series))
    if not desc:
        parts = []
        for bars in series:
            known = [(v, c) for c, v in zip(categories, bars.values, strict=True) if v is not None]
            if known:
                value, category = max(known, key=lambda vc: vc[0])
                highest = {"label": bars.label, "value": value_format(value), "x": category}
                parts.append(gettext("%(label)s: highest %(value)s (%(x)s)") % highest)
        desc = "; ".join(parts) or gettext("No values yet.")
    chart_id = _chart_id("bar", title, desc, tuple(categories), series, stacked, y_label)
    if all(v is None for bars in series for v in bars.values):
        return _empty(chart_id, title, desc, columns)

    defs, paints, legend = [], [], []
    for i, bars in enumerate(series):
        pattern, fill = _bar_fill(chart_id, i)
        defs.append(pattern)
        paints.append({"fill": fill, "stroke": COLOURS[i % 4], "stroke_width": 1.5})
        legend.append((_el("rect", x=8, y=-7, width=16, height=14, **paints[i]), bars.label))
    by_category = zip(*(s.values for s in series), strict=True)
    columns_of_values = [[v or 0 for v in column] for column in by_category]
    if stacked:
        values = [sum(v for v in c if v > 0) for c in columns_of_values]
        values += [sum(v for v in c if v < 0) for c in columns_of_values]
    else:
        values = [v for c in columns_of_values for v in c]
    plot = _Plot(legend, values, tick_format or value_format, y_label)
    band = (plot.right - plot.left) / len(categories)
    width = band * 0.6 if stacked else band * 0.8 / len(series)
    body = [_el("defs", _join(defs)), *plot.parts]
    for c, category in enumerate(categories):
        start = plot.left + band * c + (band * 0.2 if stacked else band * 0.1)
        body.append(plot.x_label(plot.left + band * (c + 0.5), category, band - 4))
        up = down = 0
        for i, bars in enumerate(series):
            value = bars.values[c]
            if value is None:
                continue
            base = (up if value >= 0 else down) if stacked else 0
            up, down = (up + max(value, 0), down + min(value, 0)) if stacked else (0, 0)
            y0, y1 = plot.y(base), plot.y(base + value)
            tip = _el("title", f"{bars.label}, {category}: {value_format(value)}")
            x = start if stacked else start + i * width
            box = {"x": x, "y": min(y0, y1), "width": width, "height": abs(y1 - y0)}
            body.append(_el("rect", tip, **box, **paints[i]))
    rows = tuple((c, *(bars.values[i] for bars in series)) for i, c in enumerate(categories))
    svg = _frame(chart_id, title, desc, plot.height, body)
    return Chart(chart_id, title, desc, svg, columns, rows, _cells(rows, value_format))
