"""What waits for a person: the items each app contributes to the start page.

Each app exposes ``selectors.attention_for(user) -> list[Attention]``; ``fondadmin.start``
composes them by role. Later issues add items; the start page itself does not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, QuerySet, Window

# The start page groups items under the role they concern; "delegate" is the city director's
# delegate acting during a delegation.
DELEGATE = "delegate"
# People who lead or evaluate a project (an assignment in a project, not a system role).
PROJECT_WORK = "project_work"


@dataclass(frozen=True)
class Attention:
    role: str
    title: str
    url: str = ""
    detail: str = ""
    count: int | None = None
    # "action": something to do; "waiting": the person's case is with someone else, and what
    # comes next; "info": something to know; "link": a page to go to.
    kind: str = "action"


# A start page lists this many items of one kind; the rest are counted.
FIRST_ROWS = 5


def first_rows(queryset: QuerySet, shown: int = FIRST_ROWS) -> tuple[list, int]:
    """The first ``shown`` rows of ``queryset`` (ordered) and how many rows it has in all, read
    in one query (a window count), so a start page never loads every row."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:shown])
    return rows, (rows[0].rows_in_all if rows else 0)


def counts(*querysets: QuerySet) -> list[int]:
    """Each queryset's ``count()``, all in one query (one scalar subquery each), so a start
    page that says how many of six things wait asks the database once, not six times. The
    querysets keep their rules (their selectors); only the counting is shared."""
    if not querysets:
        return []
    parts, params = [], []
    for queryset in querysets:
        sql, more = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 (Django's SQL)
        params.extend(more)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def counted(role: str, count: int, title, *, url: str = "", detail: str = "", kind: str = "action"):
    """A start-page item that says how many things wait (``title``: an ``ngettext_lazy`` text
    with a ``%(count)s`` placeholder, chosen by the count), or no item when none do."""
    if not count:
        return []
    return [
        Attention(
            role=role,
            title=title % {"count": count},
            url=url,
            detail=detail,
            count=count,
            kind=kind,
        )
    ]
