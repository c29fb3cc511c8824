"""What waits for a person: the items each app contributes to the start page.

Each app exposes ``selectors.attention_for(user) -> list[Attention]``; ``fondadmin.start``
composes them by role. Later issues add items; the start page itself does not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Window

# The start page groups items under the role they concern; "delegate" is the city director's
# delegate acting during a delegation.
DELEGATE = "delegate"


@dataclass(frozen=True)
class Attention:
    role: str
    title: str
    url: str = ""
    detail: str = ""
    count: int | None = None
    # "action": something to do; "info": something to know.
    kind: str = "action"


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


def first_and_count(queryset, n: int) -> tuple[list, int]:
    """The first ``n`` rows of an ordered queryset and how many rows it has in all, from one
    query (a window count, worked out before the limit): a start page shows a few and counts
    the rest, however many there are."""
    rows = list(queryset.annotate(attention_total=Window(Count("pk")))[:n])
    return rows, (rows[0].attention_total if rows else 0)
