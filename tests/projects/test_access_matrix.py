"""The access matrix of the projects app's pages: every URL as every subject, with real
objects. The subjects, the world and the rules of a row: ``tests/matrix.py``."""

from __future__ import annotations

import pytest

from tests.matrix import (
    PROJECT_LIST,
    PROJECT_READ,
    Row,
    check_row,
)

ROWS = [
    # --- projects
    Row("projects:list", "GET", lambda w: "/projects/", PROJECT_LIST),
    Row("projects:detail", "GET", lambda w: f"/projects/{w.project.pk}/", PROJECT_READ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(client, row):
    check_row(client, row)
