"""The access matrix of the reports app: every URL as every subject, with real objects
(``tests/matrix.py``). The fund-wide reports are asked for by those who read everything (fund
administrators, the city director, the delegate, auditors); an investment report by everyone who
sees the whole project (not a benefiting organisation, which reads its summary); every person
has a list of their own reports. A report is its requester's own:
the city director's report is "not found" for everyone else, the delegate and auditors
included. The world's report is done: trying it again is refused on its page (a redirect with
the reason)."""

from __future__ import annotations

import pytest

from tests.matrix import (
    LOGGED_IN_200,
    POST_ONLY,
    PROJECT_FULL_REDIRECT,
    Row,
    check_row,
    codes,
)

READS_ALL = codes("302 404 404 404 404 404 404 404 404 200 200 200 404 200 404 302")
OWN_REPORT = codes("302 404 404 404 404 404 404 404 404 404 200 404 404 404 404 302")
OWN_REPORT_POST = codes("302 404 404 404 404 404 404 404 404 404 302 404 404 404 404 302")


def job(suffix=""):
    return lambda w: f"/reports/{w.report_job.pk}/{suffix}"


# The world's plan version is not decided yet: its decision is no document for anyone (the
# decided version's readers are tested in test_reclaim_decision.py).
NOT_DECIDED = codes("302 404 404 404 404 404 404 404 404 404 404 404 404 404 404 302")


def reclaim_decision(w) -> str:
    return f"/reports/reclaim-decision/{w.project.pk}/{w.reclaim_version.pk}/"


# Proposals: those who read everything, and the board secretary once it is sent.
PROPOSAL_DOCUMENT = codes("302 404 404 404 404 404 404 404 404 302 302 302 302 302 404 302")
DRAFT_PROPOSAL_DOCUMENT = codes("302 404 404 404 404 404 404 404 404 302 302 302 404 302 404 302")


def board_proposal(name):
    return lambda w: f"/reports/board-proposal/{getattr(w, name).pk}/"


def investment(w) -> str:
    return f"/reports/investment/{w.project.pk}/"


ROWS = [
    Row("reports:list", "GET", lambda w: "/reports/", LOGGED_IN_200),
    # An empty form comes back with its errors; only those who may ask for a portfolio post.
    Row("reports:list", "POST", lambda w: "/reports/", READS_ALL),
    Row("reports:investment", "GET", investment, POST_ONLY, html=False),
    Row("reports:investment", "POST", investment, PROJECT_FULL_REDIRECT),
    Row("reports:reclaim_decision", "GET", reclaim_decision, POST_ONLY, html=False),
    Row("reports:reclaim_decision", "POST", reclaim_decision, NOT_DECIDED),
    Row("reports:board_proposal", "GET", board_proposal("proposal"), POST_ONLY, html=False),
    Row("reports:board_proposal", "POST", board_proposal("proposal"), PROPOSAL_DOCUMENT),
    Row(
        "reports:board_proposal",
        "POST",
        board_proposal("draft_proposal"),
        DRAFT_PROPOSAL_DOCUMENT,
    ),
    Row("reports:detail", "GET", job(), OWN_REPORT),
    Row("reports:status", "GET", job("status/"), OWN_REPORT, html=False),
    Row("reports:download", "GET", job("download/"), OWN_REPORT, html=False),
    Row("reports:retry", "GET", job("retry/"), POST_ONLY, html=False),
    Row("reports:retry", "POST", job("retry/"), OWN_REPORT_POST),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)
