"""core.charts: well-formed, CSP-safe, escaped, greyscale-readable SVG whose numbers are also a
table, exactly as given. No database needed."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from core.charts import (
    BarSeries,
    ReferenceLine,
    Series,
    bar_chart,
    default_format,
    line_chart,
    nice_ticks,
)
from core.money import format_kr, format_mnkr

SVG = "{http://www.w3.org/2000/svg}"
INK = "#1a1a1a"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def parse(chart):
    return ET.fromstring(str(chart.svg))  # noqa: S314 -- our own output; raises if malformed


def local(element) -> str:
    return element.tag.removeprefix(SVG)


def texts(root) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def with_tip(root, prefix: str) -> list:
    """Markers and bars of one series: their tooltip starts with the series' label."""
    return [
        el
        for el in root.iter()
        if (tip := el.find(f"{SVG}title")) is not None
        and tip.text.startswith(prefix)
        and el is not root
    ]


def centre_x(el) -> float:
    if local(el) == "circle":
        return float(el.get("cx"))
    if local(el) == "rect":
        return float(el.get("x")) + float(el.get("width")) / 2
    return float(re.match(r"M([\d.]+),", el.get("d")).group(1))


def indicator_chart(**kw):
    reported = [
        (date(2018, 8, 31), Decimal("52")),
        (date(2017, 2, 28), Decimal("44.50")),
        (date(2018, 2, 28), Decimal("49")),
        (date(2017, 8, 31), Decimal("47.25")),
    ]
    return line_chart(
        title=kw.pop("title", "Andel elever med godkända betyg"),
        series=[Series("Rapporterat", reported)],
        reference_lines=[ReferenceLine("Utgångsvärde", Decimal(40)), ReferenceLine("Mål", 60)],
        y_label="Procent",
        **kw,
    )


def test_svg_is_well_formed_with_title_and_desc_that_label_it():
    chart = indicator_chart(desc="Utgångsvärde 40, mål 60; senast 52")
    root = parse(chart)
    assert local(root) == "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
    title, desc = root[0], root[1]
    assert (local(title), title.text) == ("title", "Andel elever med godkända betyg")
    assert (local(desc), desc.text) == ("desc", "Utgångsvärde 40, mål 60; senast 52")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert (chart.title, chart.desc) == (title.text, desc.text)


def test_default_desc_summarises_references_and_the_latest_value():
    chart = indicator_chart()
    assert chart.desc == "Utgångsvärde 40; Mål 60; " + gettext(
        "%(label)s: latest %(value)s (%(x)s)"
    ) % {"label": "Rapporterat", "value": "52", "x": "2018-08-31"}


@pytest.mark.parametrize(
    "make",
    [
        indicator_chart,
        lambda: line_chart(title="Tom", series=[]),
        lambda: bar_chart(
            title="Återföring",
            categories=["2024", "2025"],
            series=[BarSeries("Planerat", [1, 2]), BarSeries("Bokfört", [1, None])],
            stacked=True,
        ),
    ],
)
def test_no_style_and_no_script_anywhere(make):
    chart = make()
    for element in parse(chart).iter():
        assert local(element) not in {"style", "script", "foreignObject"}
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert "<style" not in str(chart.svg)
    assert "<script" not in str(chart.svg)


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & "quotes"'
    chart = line_chart(
        title=evil,
        desc=evil,
        series=[Series(evil, [(date(2020, 1, 1), 1)])],
        reference_lines=[ReferenceLine(evil, 2)],
        y_label=evil,
    )
    root = parse(chart)
    assert not [el for el in root.iter() if local(el) == "script"]
    assert root[0].text == evil
    assert root[1].text == evil
    assert evil in texts(root)  # legend and y label, as text
    assert f"{evil} 2" in texts(root)  # the reference line's label
    bars = bar_chart(title="x", categories=[evil], series=[BarSeries(evil, [3])])
    assert not [el for el in parse(bars).iter() if local(el) == "script"]
    assert "<script>" not in str(chart.svg) + str(bars.svg)


def test_points_are_ordered_by_date_and_placed_by_date():
    root = parse(indicator_chart())
    markers = with_tip(root, "Rapporterat, ")
    dates = [tip.find(f"{SVG}title").text.split(", ")[1].split(":")[0] for tip in markers]
    assert dates == ["2017-02-28", "2017-08-31", "2018-02-28", "2018-08-31"]
    xs = [centre_x(marker) for marker in markers]
    assert xs == sorted(xs)
    assert len(set(xs)) == 4
    # Placed by date: the gaps are in proportion to the days between the dates.
    days = [184, 181, 184]
    gaps = [b - a for a, b in pairwise(xs)]
    for gap, day_count in zip(gaps, days, strict=True):
        assert gap / gaps[0] == pytest.approx(day_count / days[0], abs=0.01)
    path = next(el for el in root.iter(f"{SVG}path") if el.get("fill") == "none")
    path_xs = [float(x) for x in re.findall(r"[ML]([\d.]+),", path.get("d"))]
    assert path_xs == pytest.approx(xs, abs=0.1)


def test_higher_values_are_drawn_higher():
    root = parse(indicator_chart())
    ys = [float(marker.get("cy")) for marker in with_tip(root, "Rapporterat, ")]
    assert ys == sorted(ys, reverse=True)  # 44.50 < 47.25 < 49 < 52, and y grows downwards


def _step(ticks):
    return {b - a for a, b in pairwise(ticks)}


def _is_nice(step) -> bool:
    digits = Decimal(step).normalize().as_tuple().digits
    return digits in {(1,), (2,), (5,)}


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 60, [0, 20, 40, 60]),
        (0, 52, [0, 20, 40, 60]),
        (Decimal("40"), Decimal("52"), [0, 20, 40, 60]),
        (0, 300_000_000, [0, 100_000_000, 200_000_000, 300_000_000]),
        (-400_000, 3_000_000, [-1_000_000, 0, 1_000_000, 2_000_000, 3_000_000]),
        (0, 0, [0, 1]),
        (0, 2, [0, 1, 2]),
        (Decimal("0"), Decimal("0.7"), [Decimal(x) for x in ("0.0", "0.2", "0.4", "0.6", "0.8")]),
        (-5, -1, [-5, -4, -3, -2, -1, 0]),
    ],
)
def test_ticks_are_nice_and_cover_the_values(low, high, expected):
    ticks = nice_ticks(low, high)
    assert ticks == expected
    assert all(isinstance(tick, int) for tick in ticks) == isinstance(expected[0], int)


@given(
    low=st.integers(-(10**12), 10**12),
    high=st.integers(-(10**12), 10**12),
)
def test_ticks_are_one_two_or_five_times_a_power_of_ten(low, high):
    low, high = min(low, high), max(low, high)
    ticks = nice_ticks(low, high)
    assert ticks[0] <= min(low, 0)
    assert ticks[-1] >= max(high, 0)
    assert 0 in ticks
    (step,) = _step(ticks)
    assert _is_nice(step)
    assert 2 <= len(ticks) <= 12


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
)
def test_decimal_ticks_are_nice_too(a, b):
    ticks = nice_ticks(min(a, b), max(a, b))
    assert ticks[0] <= min(a, b, 0)
    assert ticks[-1] >= max(a, b, 0)
    (step,) = _step(ticks)
    assert _is_nice(step)


def test_y_axis_shows_the_ticks_formatted_with_a_zero_line():
    root = parse(indicator_chart())
    assert {"0", "20", "40", "60"} <= set(texts(root))
    zero_lines = [el for el in root.iter(f"{SVG}line") if el.get("stroke") == INK]
    assert len(zero_lines) == 1


def test_reference_lines_are_dashed_and_labelled_with_their_value():
    root = parse(indicator_chart())
    assert {"Utgångsvärde 40", "Mål 60"} <= set(texts(root))
    dashed = [
        el
        for el in root.iter(f"{SVG}line")
        if el.get("stroke-dasharray") not in (None, "none") and el.get("x1") != "0"
    ]
    assert len(dashed) == 2
    assert dashed[0].get("y1") == dashed[0].get("y2")
    assert float(dashed[0].get("y1")) < float(dashed[1].get("y1"))  # 60 above 40


def test_four_series_differ_by_dash_and_by_marker_shape():
    series = [
        Series(f"Serie {i}", [(date(2020, m, 1), Decimal(m * i)) for m in (1, 4, 7)])
        for i in range(1, 5)
    ]
    root = parse(line_chart(title="Fyra", series=series))
    lines = [el for el in root.iter(f"{SVG}path") if el.get("fill") == "none"]
    assert len({el.get("stroke-dasharray") for el in lines}) == 4
    shapes = set()
    for i in range(1, 5):
        markers = with_tip(root, f"Serie {i}, ")
        assert len(markers) == 3
        kinds = {(local(m), m.get("d", "")[:1] and len(m.get("d").split("L"))) for m in markers}
        assert len(kinds) == 1  # the same shape within a series
        shapes |= kinds
    assert len(shapes) == 4  # circle, square, triangle (3 corners), diamond (4 corners)
    # The legend repeats both: a dashed sample line and a marker for every series.
    samples = [el for el in root.iter(f"{SVG}g") if el.get("transform", "").startswith("transl")]
    assert len(samples) == 4
    assert len({s.find(f"{SVG}line").get("stroke-dasharray") for s in samples}) == 4


def test_bar_series_differ_by_fill_pattern():
    chart = bar_chart(
        title="Fyra",
        categories=["a", "b"],
        series=[BarSeries(f"S{i}", [i, i + 1]) for i in range(4)],
    )
    root = parse(chart)
    fills = [{bar.get("fill") for bar in with_tip(root, f"S{i}, ")} for i in range(4)]
    assert all(len(fill) == 1 for fill in fills)
    assert len(set.union(*fills)) == 4
    patterns = {el.get("id") for el in root.iter(f"{SVG}pattern")}
    assert {f.pop() for f in fills[1:]} == {f"url(#{pid})" for pid in patterns}


def test_rows_keep_the_numbers_exactly_as_given():
    chart = indicator_chart()
    assert chart.columns == ("Datum", "Rapporterat", "Utgångsvärde", "Mål")
    assert chart.rows == (
        (date(2017, 2, 28), Decimal("44.50"), Decimal(40), 60),
        (date(2017, 8, 31), Decimal("47.25"), Decimal(40), 60),
        (date(2018, 2, 28), Decimal("49"), Decimal(40), 60),
        (date(2018, 8, 31), Decimal("52"), Decimal(40), 60),
    )
    assert str(chart.rows[0][1]) == "44.50"  # not 44.5, not a float
    assert type(chart.rows[0][3]) is int
    assert chart.cells[0] == ("2017-02-28", "44,50", "40", "60")


def test_money_stays_int_in_rows_and_is_formatted_in_kronor():
    chart = bar_chart(
        title="Återföring",
        x_label="År",
        categories=["2024", "2025"],
        series=[BarSeries("Planerat", [1_234_567, 2_000_000]), BarSeries("Bokfört", [-5, None])],
        value_format=format_kr,
        tick_format=format_mnkr,
    )
    assert chart.rows == (("2024", 1_234_567, -5), ("2025", 2_000_000, None))
    assert all(type(v) is int for row in chart.rows for v in row[1:] if v is not None)
    assert chart.cells == (
        ("2024", "1\xa0234\xa0567\xa0kr", "\u22125\xa0kr"),
        ("2025", "2\xa0000\xa0000\xa0kr", "–"),
    )
    assert "2,0\xa0mnkr" in texts(parse(chart))


def test_series_gaps_show_as_dashes_in_the_table():
    chart = line_chart(
        title="Två",
        series=[
            Series("A", [(date(2020, 1, 1), 1), (date(2020, 6, 1), 2)]),
            Series("B", [(date(2020, 6, 1), 3)]),
        ],
    )
    assert chart.rows == ((date(2020, 1, 1), 1, None), (date(2020, 6, 1), 2, 3))
    assert chart.cells[0] == ("2020-01-01", "1", "–")


@pytest.mark.parametrize(
    "make",
    [
        lambda: line_chart(title="Tom", series=[]),
        lambda: line_chart(
            title="Tom", series=[Series("A", [])], reference_lines=[ReferenceLine("M", 6)]
        ),
        lambda: bar_chart(title="Tom", categories=[], series=[]),
        lambda: bar_chart(title="Tom", categories=["2024"], series=[BarSeries("A", [None])]),
    ],
)
def test_no_values_gives_a_message_and_an_empty_table(make):
    chart = make()
    root = parse(chart)
    assert texts(root) == [gettext("No values yet.")]
    assert chart.rows == ()
    assert chart.cells == ()
    assert root[0].text == "Tom"
    assert gettext("No values yet.") in chart.desc


def test_empty_line_chart_still_names_its_reference_values():
    chart = line_chart(
        title="Tom", series=[Series("A", [])], reference_lines=[ReferenceLine("M", 6)]
    )
    assert chart.desc.startswith("M 6; ")


def test_a_single_point_is_a_marker_in_the_middle():
    chart = line_chart(title="En", series=[Series("A", [(date(2019, 5, 1), Decimal("7.5"))])])
    root = parse(chart)
    (marker,) = with_tip(root, "A, ")
    assert not [el for el in root.iter(f"{SVG}path") if el.get("fill") == "none"]
    width = float(root.get("viewBox").split()[2])
    assert float(marker.get("cx")) == pytest.approx(width / 2, abs=30)
    assert {"0", "2", "4", "6", "8"} <= set(texts(root))
    assert chart.rows == ((date(2019, 5, 1), Decimal("7.5")),)
    assert "2019-05-01" in texts(root)


def test_negative_values_get_ticks_below_zero_and_a_zero_line():
    chart = line_chart(
        title="Neg",
        series=[Series("A", [(date(2020, 1, 1), -30), (date(2021, 1, 1), 45)])],
    )
    root = parse(chart)
    assert "\u221220" in texts(root)  # a real minus sign
    (zero,) = [el for el in root.iter(f"{SVG}line") if el.get("stroke") == INK]
    y_zero = float(zero.get("y1"))
    low, high = (float(m.get("cy")) for m in with_tip(root, "A, "))
    assert low > y_zero > high


def test_bar_chart_with_two_series_and_six_years():
    years = [str(year) for year in range(2020, 2026)]
    planned = [1_000_000, 2_500_000, 3_000_000, 3_000_000, 2_000_000, 1_500_000]
    booked = [900_000, 2_600_000, -400_000, None, None, None]
    chart = bar_chart(
        title="Återföring per år",
        categories=years,
        series=[BarSeries("Planerat", planned), BarSeries("Bokfört", booked)],
        value_format=format_kr,
    )
    root = parse(chart)
    planned_bars, booked_bars = with_tip(root, "Planerat, "), with_tip(root, "Bokfört, ")
    assert (len(planned_bars), len(booked_bars)) == (6, 3)
    assert [centre_x(bar) for bar in planned_bars] == sorted(centre_x(b) for b in planned_bars)
    for p, b in zip(planned_bars, booked_bars, strict=False):  # side by side, booked right
        assert centre_x(p) < centre_x(b)
    (zero,) = [el for el in root.iter(f"{SVG}line") if el.get("stroke") == INK]
    y_zero = float(zero.get("y1"))
    heights = [float(bar.get("height")) for bar in planned_bars]
    assert heights[1] / heights[0] == pytest.approx(2.5, rel=0.01)
    assert float(planned_bars[0].get("y")) + heights[0] == pytest.approx(y_zero, abs=0.1)
    assert float(booked_bars[2].get("y")) == pytest.approx(y_zero, abs=0.1)  # hangs down
    assert set(years) <= set(texts(root))
    assert chart.rows[2] == ("2022", 3_000_000, -400_000)
    assert chart.columns == (gettext("Category"), "Planerat", "Bokfört")


def test_stacked_bars_sit_on_each_other():
    chart = bar_chart(
        title="Per status",
        categories=["Beviljat"],
        series=[BarSeries("A", [10]), BarSeries("B", [20])],
        stacked=True,
    )
    root = parse(chart)
    (a,), (b,) = with_tip(root, "A, "), with_tip(root, "B, ")
    assert float(b.get("y")) + float(b.get("height")) == pytest.approx(float(a.get("y")), abs=0.1)
    assert centre_x(a) == pytest.approx(centre_x(b))
    assert "30" in texts(root)  # the axis reaches the total


def test_long_dates_get_year_ticks_and_keep_every_point():
    points = [(date(2015 + i // 4, 1 + 3 * (i % 4), 10), 100 - i) for i in range(20)]
    root = parse(line_chart(title="Fonden", series=[Series("Disponibelt", points)]))
    assert {"2016", "2017", "2018", "2019"} <= set(texts(root))
    assert len(with_tip(root, "Disponibelt, ")) == 20


def test_same_input_same_svg_and_different_charts_different_ids():
    assert indicator_chart().svg == indicator_chart().svg
    other = indicator_chart(title="Annan indikator")
    assert other.id != indicator_chart().id
    assert other.id in str(other.svg)


def test_refuses_two_values_for_one_date_and_ragged_bars():
    with pytest.raises(ValueError, match="same x"):
        line_chart(title="x", series=[Series("A", [(date(2020, 1, 1), 1), (date(2020, 1, 1), 2)])])
    with pytest.raises(ValueError, match="per category"):
        bar_chart(title="x", categories=["a", "b"], series=[BarSeries("A", [1])])


def test_default_format_is_swedish_and_english_on_request():
    assert default_format(Decimal("1234.5")) == "1\xa0234,5"
    assert default_format(-3) == "\u22123"
    with translation.override("en"):
        assert default_format(Decimal("1234.5")) == "1,234.5"


def test_the_include_renders_the_figure_and_the_same_numbers_as_a_table():
    chart = indicator_chart()
    html = render_to_string("core/_chart.html", {"chart": chart})
    assert html.count("<figure") == 1
    assert "<figcaption" in html
    assert str(chart.svg) in html  # not escaped a second time
    assert "<details" in html
    assert "<summary>" in html
    assert "<caption" in html
    assert html.count('<th scope="col"') == 4
    assert html.count('<th scope="row"') == 4
    assert '<td class="text-end">44,50</td>' in html
    assert "2018-08-31" in html
    open_html = render_to_string("core/_chart.html", {"chart": chart, "numbers_open": True})
    assert "<details" not in open_html
    assert "<table" in open_html


def test_the_include_has_no_table_when_there_are_no_values():
    html = render_to_string("core/_chart.html", {"chart": line_chart(title="Tom", series=[])})
    assert "<table" not in html
    assert "<details" not in html
    assert gettext("No values yet.") in html
