"""Where a case's pages are: each app tells core at start-up how to find the page of its
stage of a case (the idea sketch, the application, the project...) from the case's
registration numbers, so that core's register and every case page can link to the others
without importing the apps above core.

``register(stage, title, order, resolve)``: ``resolve(registration_ids)`` returns
``{registration_id: url}`` for the stage's objects among those numbers, in one query.

Likewise a fund's page links to the pages other apps keep about the fund (the reclaim rules):
``register_fund_page(name, title, order, url, visible)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str
    title: object  # lazy text: "Idea sketch", "Application", "Project"
    order: int  # later stages of a case have higher numbers
    resolve: Callable[[list[int]], dict[int, str]]


@dataclass(frozen=True)
class Link:
    stage: str
    title: str
    url: str


_STAGES: dict[str, Stage] = {}


def register(stage: str, title, *, order: int, resolve) -> None:
    _STAGES[stage] = Stage(stage, title, order, resolve)


def links_for(registration_ids: Iterable[int]) -> dict[int, list[Link]]:
    """Every stage's page of each case, earliest stage first (one query per stage)."""
    ids = sorted({pk for pk in registration_ids if pk is not None})
    found: dict[int, list[Link]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for stage in sorted(_STAGES.values(), key=lambda s: s.order):
        for pk, url in stage.resolve(ids).items():
            found[pk].append(Link(stage.name, str(stage.title), url))
    return found


def later_stages(registration_id: int | None, after: str) -> list[Link]:
    """The pages of the case's stages after the stage ``after`` (a project's reclaim plan),
    one query per later stage."""
    if registration_id is None or after not in _STAGES:
        return []
    order = _STAGES[after].order
    found = []
    for stage in sorted(_STAGES.values(), key=lambda s: s.order):
        if stage.order > order:
            url = stage.resolve([registration_id]).get(registration_id)
            if url is not None:
                found.append(Link(stage.name, str(stage.title), url))
    return found


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
