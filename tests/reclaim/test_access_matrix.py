"""The access matrix of the reclaim app's pages: every URL as every subject, with real objects
(``tests/matrix.py``). A fund's reclaim rules are read by everyone with an account; only fund
administrators record a change (an empty form comes back with its errors)."""

from __future__ import annotations

import pytest

from tests.matrix import LOGGED_IN_200, ONLY_ADMIN, Row, check_row


def policy(suffix=""):
    return lambda w: f"/reclaim/policies/{w.fund.pk}/{suffix}"


ROWS = [
    Row("reclaim:policy", "GET", policy(), LOGGED_IN_200),
    Row("reclaim:policy_edit", "GET", policy("edit/"), ONLY_ADMIN),
    Row("reclaim:policy_edit", "POST", policy("edit/"), ONLY_ADMIN),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)
