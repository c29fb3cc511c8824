"""Where a case's pages are: each app tells core at start-up how to find the page of its
stage of a case (the idea sketch, the application, the project...) from the case's
registration numbers, so that core's register and every case page can link to the others
without importing the apps above core.

``register(stage, title, order, rows, url_name)``: ``rows(registration_ids)`` is the queryset
of the stage's objects among those numbers (each with a ``registration_id``), ``url_name`` the
name of the page of one (its one argument the object's key). Every stage's rows are read
together, in one query (``UNION ALL``).

Likewise a fund's page links to the pages other apps keep about the fund (the reclaim rules):
``register_fund_page(name, title, order, url, visible)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, QuerySet, Value
from django.urls import reverse


@dataclass(frozen=True)
class Stage:
    name: str
    title: object  # lazy text: "Idea sketch", "Application", "Project"
    order: int  # later stages of a case have higher numbers
    rows: Callable[[list[int]], QuerySet]
    url_name: str


@dataclass(frozen=True)
class Link:
    stage: str
    title: str
    url: str


_STAGES: dict[str, Stage] = {}


def register(stage: str, title, *, order: int, rows, url_name: str) -> None:
    _STAGES[stage] = Stage(stage, title, order, rows, url_name)


def _found(stages: list[Stage], ids: list[int]) -> list[tuple[str, int, int]]:
    """(stage, pk, registration_id) of every stage's objects among the numbers: one query."""
    parts = [
        stage.rows(ids)
        .order_by()
        .annotate(link_stage=Value(stage.name, output_field=CharField()))
        .values_list("link_stage", "pk", "registration_id")
        for stage in stages
    ]
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True).order_by())


def _links(stages: list[Stage], ids: list[int]) -> dict[int, list[Link]]:
    by_name = {stage.name: stage for stage in stages}
    found: dict[int, list[Link]] = {pk: [] for pk in ids}
    for name, pk, registration in sorted(
        _found(stages, ids), key=lambda row: (by_name[row[0]].order, row[1])
    ):
        stage = by_name[name]
        found[registration].append(Link(name, str(stage.title), reverse(stage.url_name, args=[pk])))
    return found


def links_for(registration_ids: Iterable[int]) -> dict[int, list[Link]]:
    """Every stage's page of each case, earliest stage first (one query)."""
    ids = sorted({pk for pk in registration_ids if pk is not None})
    if not ids:
        return {}
    return _links(sorted(_STAGES.values(), key=lambda s: s.order), ids)


def later_stages(registration_id: int | None, after: str) -> list[Link]:
    """The pages of the case's stages after the stage ``after`` (a project's reclaim plan), in
    one query."""
    if registration_id is None or after not in _STAGES:
        return []
    order = _STAGES[after].order
    later = sorted((s for s in _STAGES.values() if s.order > order), key=lambda s: s.order)
    if not later:
        return []
    return _links(later, [registration_id])[registration_id]


def stages_of(registration_id: int | None) -> list[Link]:
    """The pages of one case, earliest stage first."""
    if registration_id is None:
        return []
    return links_for([registration_id])[registration_id]


@dataclass(frozen=True)
class FundPage:
    name: str
    title: object
    order: int
    url: Callable[[object], str]
    visible: Callable[[object], bool]


_FUND_PAGES: dict[str, FundPage] = {}


def register_fund_page(name: str, title, *, order: int, url, visible) -> None:
    _FUND_PAGES[name] = FundPage(name, title, order, url, visible)


def fund_pages_for(user, fund) -> list[Link]:
    """The other apps' pages about the fund that the person may read, in their order."""
    return [
        Link(page.name, str(page.title), page.url(fund))
        for page in sorted(_FUND_PAGES.values(), key=lambda p: p.order)
        if page.visible(user)
    ]
