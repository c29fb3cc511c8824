"""The load test's own logic (bench/load.py, bench/browser.py, bench/load_stats.py): percentiles
and the summary, reading forms and links as a browser does, and who the simulated people are. No
server, no timing."""

from __future__ import annotations

import pytest

from bench.browser import Form, Page, Unexpected
from bench.load import cast
from bench.load_stats import Sample, percentile, summarise, table

PAGE = """
<a href="/applications/12/">Tidigt stöd <span>00012</span></a>
<a href="/calls/3/">Lasttestets utlysning (volym)</a>
<a href="/calls/1/">Volymutlysning 001</a>
<a href="/sketches/new/?call=3">Skriv en idéskiss</a>
<div id="report-status" hx-get="/reports/7/status/?seen=a&amp;heard=b"></div>
<form method="post" action="/reviews/5/score/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="idempotency_key" value="0f1e">
  <input type="radio" name="met_1" value="yes"><input type="radio" name="met_1" value="no">
  <input type="radio" name="suggested_outcome" value="grant" checked>
  <input type="radio" name="suggested_outcome" value="reject">
  <input type="checkbox" name="agree">
  <select name="owner"><option value="">---</option><option value="4">SDN 04</option></select>
  <select name="fund"><option value="1">A</option><option value="2" selected>B</option></select>
  <select name="partners" multiple><option value="8">Förening</option></select>
  <textarea name="comment">Första raden
andra &amp; sista</textarea>
  <input type="text" name="title" value="">
  <input type="file" name="upload"><button type="submit" name="go" value="1">Skicka</button>
</form>
<form><input name="q" value="stöd"></form>
"""


@pytest.fixture
def page():
    return Page("http://127.0.0.1:8290/reviews/5/score/?x=1", PAGE)


def test_a_form_sends_what_a_browser_sends(page):
    form = page.form(r"/score/$")
    assert form.action == "http://127.0.0.1:8290/reviews/5/score/"
    assert form.method == "post"
    assert form.fields == {
        "csrfmiddlewaretoken": ["tok"],
        "idempotency_key": ["0f1e"],
        "suggested_outcome": ["grant"],  # the checked radio button only
        "owner": [""],  # a select without a selected option sends its first
        "fund": ["2"],
        "comment": ["Första raden\nandra & sista"],
        "title": [""],
    }  # no unchecked box, no empty multiple select, no file or button
    assert form.choices == {
        "met_1": ["yes", "no"],
        "suggested_outcome": ["grant", "reject"],
        "agree": ["on"],
        "owner": ["", "4"],
        "fund": ["1", "2"],
        "partners": ["8"],
    }


def test_a_form_without_action_posts_to_its_page(page):
    assert page.forms[1].action == "http://127.0.0.1:8290/reviews/5/score/?x=1"
    assert page.forms[1].method == "get"


def test_form_data_keeps_the_hidden_fields_and_sets_the_rest(page):
    data = page.form(r"/score/$").data(suggested_outcome="reject", partners=["8", "9"])
    assert ("csrfmiddlewaretoken", "tok") in data
    assert ("idempotency_key", "0f1e") in data
    assert ("suggested_outcome", "reject") in data
    assert ("suggested_outcome", "grant") not in data
    assert [v for k, v in data if k == "partners"] == ["8", "9"]


def test_a_missing_form_is_an_unexpected_page(page):
    with pytest.raises(Unexpected, match="no form posting to"):
        page.form(r"/declare/$")


def test_links_are_found_by_path_and_text(page):
    assert page.link(r"/applications/\d+/") == "http://127.0.0.1:8290/applications/12/"
    assert page.link(r"/calls/\d+/", "Lasttestets") == "http://127.0.0.1:8290/calls/3/"
    assert page.link(r"/calls/\d+/", "Volymutlysning") == "http://127.0.0.1:8290/calls/1/"
    assert page.link(r"/sketches/new/\?call=\d+") == "http://127.0.0.1:8290/sketches/new/?call=3"
    assert page.link(r"/projects/\d+/") is None
    assert ("http://127.0.0.1:8290/applications/12/", "Tidigt stöd 00012") in page.links


def test_polling_addresses_are_read_from_hx_get(page):
    assert page.polls == ["http://127.0.0.1:8290/reports/7/status/?seen=a&heard=b"]


@pytest.mark.parametrize(
    ("p", "expected"),
    [(50, 5), (95, 10), (99, 10), (10, 1), (11, 2), (0, 1), (100, 10)],
)
def test_percentile_is_the_nearest_rank(p, expected):
    assert percentile([7, 3, 1, 10, 2, 9, 4, 6, 8, 5], p) == expected


def test_percentile_of_one_value_and_of_none():
    assert percentile([42.0], 95) == 42.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_the_summary_has_each_action_in_order_of_first_use_and_overall():
    samples = [Sample("start page", ms) for ms in range(1, 101)]
    samples += [Sample("log in", 500.0), Sample("log in", 700.0, error="log in: HTTP 500")]
    rows = summarise([samples[0], samples[-2], *samples[1:-2], samples[-1]])
    assert [r["action"] for r in rows] == [
        "start page",
        "log in",
        "overall, logins left out",
        "overall",
    ]
    start, login, browsing, overall = rows
    assert (start["count"], start["errors"], start["p50"], start["p95"], start["p99"]) == (
        100,
        0,
        50,
        95,
        99,
    )
    assert (login["count"], login["errors"], login["p50"], login["max"]) == (2, 1, 500, 700)
    assert {k: browsing[k] for k in ("count", "errors", "p95", "max")} == {
        "count": 100,
        "errors": 0,
        "p95": 95,
        "max": 100,
    }
    assert (overall["count"], overall["errors"], overall["p99"], overall["max"]) == (
        102,
        1,
        500,
        700,
    )
    text = table(rows)
    assert "| start page | 100 | 0 | 50 | 95 | 99 | 100 |" in text
    assert "| **overall, logins left out** | 100 | 0 |" in text
    assert "| **overall** | 102 | 1 |" in text


def test_a_run_of_logins_only_has_no_row_without_them():
    rows = summarise([Sample("log in (form)", 80.0), Sample("log in", 600.0)])
    assert [r["action"] for r in rows] == ["log in (form)", "log in", "overall"]


PEOPLE = {
    "applicant": ["a1@x", "a2@x", "a3@x"],
    "council": ["c1@x", "c2@x"],
    "admin": ["f1@x"],
}


def test_the_cast_takes_each_council_member_once_and_applicants_in_turn():
    who = cast(PEOPLE, 9, 2, 2)
    assert who == [
        ("council", "c1@x"),
        ("council", "c2@x"),
        ("admin", "f1@x"),
        ("admin", "f1@x"),
        ("applicant", "a1@x"),
        ("applicant", "a2@x"),
        ("applicant", "a3@x"),
        ("applicant", "a1@x"),
        ("applicant", "a2@x"),
    ]


def test_the_cast_refuses_more_council_members_than_there_are():
    with pytest.raises(SystemExit, match="only 2 council members"):
        cast(PEOPLE, 10, 3, 1)


def test_the_cast_needs_a_fund_administrator():
    with pytest.raises(SystemExit, match="no fund administrator"):
        cast({**PEOPLE, "admin": []}, 5, 1, 1)


def test_form_is_a_plain_value():
    form = Form("http://h/x/", "post", {"a": ["1"]})
    assert form.data(b="2") == [("a", "1"), ("b", "2")]
