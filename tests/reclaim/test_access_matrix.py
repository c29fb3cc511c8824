"""The access matrix of the reclaim app's pages: every URL as every subject, with real objects
(``tests/matrix.py``). A fund's reclaim rules are read by everyone with an account; only fund
administrators record a change (an empty form comes back with its errors). A project's plan is
read by whoever reads the project (a benefiting organisation its own lines); fund
administrators draft and send, the city director and the delegate decide. The world's plan is
being drafted, so deciding it is refused on the page (200)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.matrix import (
    LOGGED_IN_200,
    ONLY_ADMIN,
    POST_ONLY,
    PROJECT_READ,
    PROJECT_READ_REDIRECT,
    RECLAIM_DECIDE,
    RECLAIM_MANAGE,
    RECLAIM_MANAGE_REDIRECT,
    Row,
    check_row,
    codes,
)

# Those who may book (fund administrators) or waive (the city director, the delegate) find no
# such line (404); the others are refused first (403), as on the plan's other action pages.
NO_LINE_BOOK = codes("302 403 404 403 403 403 403 403 404 404 403 403 403 403 404 302")
NO_LINE_WAIVE = codes("302 403 404 403 403 403 403 403 404 403 404 404 403 403 404 302")


def policy(suffix=""):
    return lambda w: f"/reclaim/policies/{w.fund.pk}/{suffix}"


def plan(suffix=""):
    return lambda w: f"/reclaim/projects/{w.project.pk}/{suffix}"


def version(suffix=""):
    return lambda w: f"/reclaim/projects/{w.project.pk}/versions/{w.reclaim_version.pk}/{suffix}"


def line(suffix=""):
    def path(w):
        first = w.reclaim_version.lines.order_by("pk").first()
        return (
            f"/reclaim/projects/{w.project.pk}/lines/{first.organisation_id}/{first.year}/{suffix}"
        )

    return path


def reorganisation():
    return lambda w: f"/reclaim/reorganisations/{w.reorganisation.pk}/"


# Reclaim's start page: those who read everything, and the people of organisations (what
# their organisation owes); a fund's overview and the reorganisations: only the former.
YEAR = timezone.localdate().year
NO_PLAN_IN_FORCE = codes("302 403 404 403 403 403 403 403 404 404 403 403 403 403 404 302")
RECLAIM_HOME = codes("302 200 200 200 200 200 200 200 404 200 200 200 404 200 404 302")
READS_ALL = codes("302 404 404 404 404 404 404 404 404 200 200 200 404 200 404 302")
RECLAIM_COMMENT = codes("302 403 404 200 403 403 403 403 404 200 403 403 403 403 404 302")
REORGANISATIONS = codes("302 404 404 404 404 404 404 404 404 200 200 200 404 404 404 302")
HAND_OVER = codes("302 404 404 404 404 404 404 404 404 403 200 200 404 404 404 302")


ROWS = [
    Row("reclaim:policy", "GET", policy(), LOGGED_IN_200),
    Row("reclaim:policy_edit", "GET", policy("edit/"), ONLY_ADMIN),
    Row("reclaim:policy_edit", "POST", policy("edit/"), ONLY_ADMIN),
    Row("reclaim:plan", "GET", plan(), PROJECT_READ),
    # The plan exists: drafting again opens it.
    Row("reclaim:plan_draft", "GET", plan("draft/"), RECLAIM_MANAGE),
    Row("reclaim:plan_draft", "POST", plan("draft/"), RECLAIM_MANAGE_REDIRECT),
    # A version is being drafted: adjusting opens it.
    Row("reclaim:plan_adjust", "GET", plan("adjust/"), RECLAIM_MANAGE),
    Row("reclaim:plan_adjust", "POST", plan("adjust/"), RECLAIM_MANAGE_REDIRECT),
    # An empty grid saves a plan without lines.
    Row("reclaim:version_edit", "GET", version("edit/"), RECLAIM_MANAGE),
    Row("reclaim:version_edit", "POST", version("edit/"), RECLAIM_MANAGE_REDIRECT),
    # Within the cap: nothing to fit (refused on the page); the draft is sent.
    Row("reclaim:version_fit", "GET", version("fit/"), RECLAIM_MANAGE),
    Row("reclaim:version_fit", "POST", version("fit/"), RECLAIM_MANAGE),
    Row("reclaim:version_submit", "GET", version("submit/"), RECLAIM_MANAGE),
    Row("reclaim:version_submit", "POST", version("submit/"), RECLAIM_MANAGE_REDIRECT),
    # Being drafted: deciding is refused; sending back needs a message.
    Row("reclaim:version_decide", "GET", version("decide/"), RECLAIM_DECIDE),
    Row("reclaim:version_decide", "POST", version("decide/"), RECLAIM_DECIDE),
    Row("reclaim:version_return", "GET", version("return/"), RECLAIM_DECIDE),
    Row("reclaim:version_return", "POST", version("return/"), RECLAIM_DECIDE),
    # The city director exempts the project: the empty form comes back (a reason is needed).
    Row("reclaim:plan_exempt", "GET", plan("exempt/"), RECLAIM_DECIDE),
    Row("reclaim:plan_exempt", "POST", plan("exempt/"), RECLAIM_DECIDE),
    # No version is in force yet: the final adjustment's empty form and the close are
    # refused on the page.
    Row("reclaim:budget_adjustment", "GET", plan("budget/"), RECLAIM_MANAGE),
    Row("reclaim:budget_adjustment", "POST", plan("budget/"), RECLAIM_MANAGE),
    Row("reclaim:plan_close", "GET", plan("close/"), RECLAIM_MANAGE),
    Row("reclaim:plan_close", "POST", plan("close/"), RECLAIM_MANAGE),
    # No version is in force yet: a line of the draft has no installment page (the browser
    # sees these pages in tests/browser/test_reclaim_plan_journey.py).
    Row("reclaim:installment_book", "GET", line("book/"), NO_LINE_BOOK, html=False),
    Row("reclaim:installment_book", "POST", line("book/"), NO_LINE_BOOK),
    Row("reclaim:installment_waive", "GET", line("waive/"), NO_LINE_WAIVE, html=False),
    Row("reclaim:installment_waive", "POST", line("waive/"), NO_LINE_WAIVE),
    # No version is in force yet: the follow-up page has no plan to follow (404 for those who
    # may record it; the others are refused first).
    Row("reclaim:follow_up", "GET", plan(f"follow-up/{YEAR}/"), NO_PLAN_IN_FORCE, html=False),
    Row("reclaim:follow_up", "POST", plan(f"follow-up/{YEAR}/"), NO_PLAN_IN_FORCE),
    Row("reclaim:home", "GET", lambda w: "/reclaim/", RECLAIM_HOME),
    Row("reclaim:fund", "GET", lambda w: f"/reclaim/funds/{w.fund.pk}/", READS_ALL),
    Row("reclaim:plan_comment", "GET", plan("comments/"), POST_ONLY, html=False),
    # An empty comment comes back on the form (the line organisations' people, fund
    # administrators); the project's other readers may not comment (403).
    Row("reclaim:plan_comment", "POST", plan("comments/"), RECLAIM_COMMENT),
    Row(
        "reclaim:plan_comment_withdraw",
        "POST",
        lambda w: f"/reclaim/projects/{w.project.pk}/comments/{w.reclaim_comment.pk}/withdraw/",
        PROJECT_READ_REDIRECT,
    ),
    Row("reclaim:reorganisations", "GET", lambda w: "/reclaim/reorganisations/", REORGANISATIONS),
    Row("reclaim:reorganisation", "GET", reorganisation(), REORGANISATIONS),
    # Only the city director and the delegate hand over (the empty form comes back).
    Row("reclaim:reorganisation", "POST", reorganisation(), HAND_OVER),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)
