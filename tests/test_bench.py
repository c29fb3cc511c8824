"""``make bench``'s pieces without timing anything: the baseline page (``fondadmin/baseline.py``)
exists only on the bench's server and draws exactly the measured page's rows and cells with its
filters and no query of its own; the bench reads page shapes, wrk's and bench_report's output
and the targets correctly (``bench/city.py``, ``bench/harness.py``)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bench.city import (
    APPLICATION_LIST,
    Page,
    baseline_path,
    parse_report,
    table_shape,
    verdict,
)
from bench.harness import cookie_jar, parse_wrk
from fondadmin import urls
from fondadmin.baseline import filters_of, in_memory, matching, table

URL = "/bench/baseline/"


@pytest.fixture
def person_client(client, fund_admin):
    client.force_login(fund_admin)
    return client


@pytest.fixture
def mounted(settings):
    """The URLs as the bench's server has them (FONDADMIN_BENCH_BASELINE=1)."""
    before = settings.BENCH_BASELINE
    settings.BENCH_BASELINE = True
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.BENCH_BASELINE = before
    importlib.reload(urls)
    clear_url_caches()


def _shape(rows: int, cells: int, headers: int) -> dict[str, int]:
    return {"rows": rows, "cells": cells, "headers": headers}


# --- The baseline page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_the_benchs_setting_there_is_no_baseline_page(person_client, settings):
    assert settings.BENCH_BASELINE is False
    response = person_client.get(f"{URL}?bench_rows=3&bench_cells=6&bench_headers=0")
    assert response.status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("bench_baseline")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "cells", "headers", "query"),
    [
        (0, 0, 0, ""),
        (1, 1, 0, ""),
        (3, 2, 9, ""),
        (51, 350, 7, "state=submitted"),
        (61, 438, 0, "q=St%C3%B6D&call=17&page=2"),
    ],
)
def test_with_it_the_page_draws_the_rows_and_cells_asked_for(
    person_client, mounted, rows, cells, headers, query
):
    path = baseline_path(f"/applications/?{query}" if query else "/", _shape(rows, cells, headers))
    response = person_client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert table_shape(html) == _shape(rows, cells, headers)
    assert 'class="site-nav__list"' in html  # the base template, with the person's menu
    assert reverse("bench_baseline") == URL


@pytest.mark.django_db
def test_it_asks_no_query_of_its_own(person_client, mounted):
    """The same queries as a trivial page for the same person: the session and the person,
    which the middleware asks on every page."""
    path = baseline_path("/applications/?state=submitted", _shape(51, 350, 7))
    captured = {}
    for url in ("/privacy/", path):
        person_client.get(url)  # the session's renewal and per-process caches
        with CaptureQueriesContext(connection) as context:
            assert person_client.get(url).status_code == 200
        # The statements, without their literals (the session's expiry is compared with now).
        captured[url] = [re.sub(r"'[^']*'", "?", q["sql"]) for q in context.captured_queries]
    assert captured[path] == captured["/privacy/"]


@pytest.mark.django_db
def test_it_answers_only_a_logged_in_person(client, mounted):
    response = client.get(f"{URL}?bench_rows=1&bench_cells=1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "bench_rows=-1&bench_cells=0",
            "Kontrollera att detta värde är större än eller lika med 0",
        ),
        ("bench_rows=x&bench_cells=0", "Fyll i ett heltal."),
        ("bench_cells=3", "Detta fält måste fyllas i."),
        ("bench_rows=5001&bench_cells=0", "mindre än eller lika med 5000"),
    ],
)
def test_a_shape_it_cannot_draw_is_refused_in_swedish(person_client, mounted, query, message):
    response = person_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert table_shape(response.content.decode())["rows"] == 0


# --- The list in memory ----------------------------------------------------------------------


def test_the_filters_are_the_pages_parameters_but_the_shape_and_page_number():
    query = QueryDict("state=submitted&q=&page=3&bench_rows=5&call=7&call=8")
    assert filters_of(query) == {"state": "submitted", "call": "8"}


def test_the_filters_keep_exactly_half_of_the_list_in_memory():
    filters = {"state": "submitted", "q": "Stöd"}
    records = in_memory(20, filters)
    kept = matching(records, filters)
    assert len(kept) == 10
    assert all(record["state"] == "submitted" for record in kept)
    assert matching(records, {"state": "submitted", "q": "stÖd"}) == kept  # ignoring case
    assert matching(records, {"state": "draft", "q": "Stöd"}) == []
    assert matching(in_memory(6, {}), {}) == in_memory(6, {})


def test_the_table_spreads_headers_then_cells_over_the_rows():
    made = table(in_memory(4, {}), 4, 9, 2)
    assert [len(row) for row in made] == [3, 3, 3, 2]
    assert [header for row in made for header, _text in row] == [True, True] + [False] * 9
    assert table(in_memory(4, {}), 0, 5, 0) == []
    assert table(in_memory(10, {}), 3, 0, 0) == [[], [], []]


# --- Reading pages and tools' output ----------------------------------------------------------


def test_a_pages_shape_counts_rows_and_cells_not_table_parts():
    html = (
        '<table><thead><tr><th scope="col">A</th><th>B</th></tr></thead>'
        '<tbody><tr class="x"><td>1</td><td class="n">2</td></tr>\n<tr>'
        "<td>3</td><th>4</th></tr></tbody><track></table><TR><TD>5</TD></TR>"
    )
    assert table_shape(html) == _shape(4, 4, 3)


def test_the_baseline_path_carries_the_pages_filters_and_shape():
    shape = _shape(51, 350, 7)
    assert baseline_path("/applications/?state=submitted&q=st%C3%B6d", shape) == (
        "/bench/baseline/?state=submitted&q=st%C3%B6d&bench_rows=51&bench_cells=350&bench_headers=7"
    )
    assert baseline_path("/register/", shape) == (
        "/bench/baseline/?bench_rows=51&bench_cells=350&bench_headers=7"
    )


WRK = """Running 5s test @ http://127.0.0.1:8191/applications/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.93ms    4.02ms  50.11ms   80.00%
    Req/Sec    91.40     10.31   111.00     70.00%
  Latency Distribution
     50%   21.05ms
     75%   23.50ms
     90%   26.71ms
     99%    1.02s
  913 requests in 5.01s, 21.61MB read
Requests/sec:    182.30
Transfer/sec:      4.31MB
"""


def test_wrks_median_p99_and_requests_per_second():
    assert parse_wrk(WRK) == {"p50_ms": 21.05, "p99_ms": 1020.0, "rps": 182.3}
    assert parse_wrk(WRK.replace("21.05ms", "870.00us"))["p50_ms"] == pytest.approx(0.87)


def test_wrk_errors_or_no_distribution_stop_the_bench():
    with pytest.raises(RuntimeError, match="errors"):
        parse_wrk(WRK + "  Non-2xx or 3xx responses: 913\n")
    with pytest.raises(RuntimeError, match="no latency"):
        parse_wrk(WRK.replace("     99%    1.02s\n", ""))


def test_the_report_commands_time_and_memory():
    line = (
        "Volymfonden (volym): 32,226 ledger entries; report 102 pages, 2310 kB, render 20.61 s "
        "(wall 20.70 s; loading WeasyPrint before it 1.21 s), peak RSS 486 MB; /x/y.pdf\n"
    )
    assert parse_report(line) == {"seconds": 20.61, "peak_mb": 486.0}
    with pytest.raises(RuntimeError):
        parse_report("CommandError: No fund here.")


def test_a_session_cookie_becomes_a_jar():
    assert cookie_jar("csrftoken=a=b; sessionid=x") == {"csrftoken": "a=b", "sessionid": "x"}
    assert cookie_jar(None) == {}


# --- The targets ---------------------------------------------------------------------------------


def _page(label: str, **at: tuple[float, int]) -> Page:
    """A measured page: at each volume (``v1=(ratio, queries)``) its ratio and queries."""
    page = Page(label, "x@example.org", "/")
    for volume, (ratio, queries) in at.items():
        page.results[int(volume[1:])] = {
            "ratio": ratio,
            "queries": queries,
            "baseline_queries": 2,
            "trivial_queries": 2,
        }
    return page


def test_the_targets_ok_when_every_page_keeps_them():
    listed = [
        _page(APPLICATION_LIST, v1=(1.5, 10), v100=(2.0, 10)),
        _page("case", v1=(1, 15), v100=(1.9, 15)),
    ]
    reports = {"portfolio": {"seconds": 9.5}, "investment": {"seconds": 1.0}}
    lines = verdict([1, 100], listed, reports, 100)
    assert len(lines) == 7
    assert all(line.startswith("ok:") for line in lines)


def test_the_targets_missed_name_the_pages_that_miss_them():
    listed = [
        _page(APPLICATION_LIST, v1=(1.5, 10), v100=(2.01, 11)),
        _page("case", v1=(1, 16), v100=(1.9, 16)),
    ]
    listed[1].results[100]["baseline_queries"] = 3
    reports = {"portfolio": {"seconds": 20.6}, "investment": {"seconds": 0.8}}
    lines = verdict([1, 100], listed, reports, 100)
    missed = [line for line in lines if line.startswith("MISSED")]
    assert missed == [
        f"MISSED: every page within 2× its baseline at 100× (not: {APPLICATION_LIST} 2.01×)",
        f"MISSED: queries per page equal at 1× and 100× (not: {APPLICATION_LIST})",
        "MISSED: queries ≤ 15 a page, ≤ 10 on the application list (not: "
        f"{APPLICATION_LIST} 11 at 100×, case 16 at 1×, case 16 at 100×)",
        "MISSED: the baseline asks no query of its own (as many as /privacy/) (not: case at 100×)",
        "MISSED: the portfolio report in 20.60 s (≤ 10 s)",
    ]


def test_reports_measured_below_100_times_say_so():
    listed = [_page("case", v5=(1, 3))]
    reports = {"portfolio": {"seconds": 1.0}, "investment": {"seconds": 0.5}}
    lines = verdict([5], listed, reports, 5)
    assert lines[-1] == (
        "ok: the investment report in 0.50 s (≤ 1 s) (measured at 5×, the target is at 100×)"
    )


def test_the_volume_bench_holds_the_list_and_case_page_to_their_rates_at_3000_and_10000():
    from bench.volume import ANONYMOUS, TRIVIAL
    from bench.volume import Page as VolumePage
    from bench.volume import verdict as volume_verdict

    def run(rates: dict[str, float]) -> list[VolumePage]:
        listed = []
        for label in (ANONYMOUS, TRIVIAL, "admin: application list", "admin: case page"):
            page = VolumePage(label, None, "/")
            page.result = {
                "single_p50_ms": 2.0,
                "rps": rates.get(label, 500.0),
                "queries": 9,
                "page_sql_ms": 0.3,
            }
            listed.append(page)
        return listed

    lines = volume_verdict(
        {
            1000: run({}),
            3000: run({"admin: application list": 210, "admin: case page": 330}),
            10000: run({"admin: application list": 199, "admin: case page": 320}),
        }
    )
    rates = [line for line in lines if "req/s" in line and "trivial" not in line]
    assert rates == [
        "ok: admin: application list 210 req/s at 3,000 (≥ 200, wrk -t2 -c4)",
        "ok: admin: case page 330 req/s at 3,000 (≥ 320, wrk -t2 -c4)",
        "MISSED: admin: application list 199 req/s at 10,000 (≥ 200, wrk -t2 -c4)",
        "ok: admin: case page 320 req/s at 10,000 (≥ 320, wrk -t2 -c4)",
    ]


@pytest.mark.django_db
def test_the_benchs_query_count_explains_the_pages_queries_but_not_the_prepared_ones():
    """bench/pages.py times each SELECT with EXPLAIN ANALYZE: the prepared statements (the
    session, the person) are logged with placeholders and left out, not a failed run."""
    from bench.pages import measure
    from core.models import Role
    from tests import factories

    person = factories.person(Role.FUND_ADMIN)
    [privacy, users] = measure(person.email, ["/privacy/", "/users/"])
    assert (privacy["status"], users["status"]) == (200, 200)
    assert privacy["queries"] >= 2  # the session and the person, prepared
    assert users["queries"] > privacy["queries"]
    assert users["page_sql_ms"] is not None
