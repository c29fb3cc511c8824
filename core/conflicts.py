"""Conflicts of interest (BRIEF.md): who is in conflict with a case.

A person is in conflict with a case when they belong, on the day, to an organisation that takes
part in it: its owner, a co-owner, a partner or a benefiting organisation. Each kind of case
says which of its organisations take which part by registering *sources* at app start-up
(``register``): the applications app for sketches and applications, the projects app (next)
for the benefiting organisations of an evaluation. Everything that asks about conflicts (the
council's applicability decision, the assignment of reviewers, the visibility of cases to
council members) asks here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Membership


class Part(models.TextChoices):
    """The part an organisation takes in a case, in the order a refusal names them."""

    OWNER = "owner", gettext_lazy("the owner")
    CO_OWNER = "co_owner", gettext_lazy("a co-owner")
    PARTNER = "partner", gettext_lazy("a partner")
    BENEFITING = "benefiting", gettext_lazy("a benefiting organisation")


# The parts of the case's own organisations (they read and, as owner, write the case); a
# benefiting organisation is in conflict but reads no more of the case for that.
PARTICIPATING = frozenset({Part.OWNER, Part.CO_OWNER, Part.PARTNER})


@dataclass(frozen=True)
class Source:
    """One way a kind of case names organisations with a part.

    ``of(case)``: (organisation id, part) pairs of one loaded case (from its prefetched
    relations where the caller loaded them). ``q(organisation_ids)``: a filter on the case's
    queryset for the cases in which one of the organisations takes one of ``parts``."""

    name: str
    parts: frozenset[str]
    of: Callable[[object], Iterable[tuple[int, str]]]
    q: Callable[[frozenset[int]], Q]


_SOURCES: dict[type, list[Source]] = {}


def register(model: type, name: str, *, parts: Iterable[str], of, q) -> None:
    """Add a source of organisations with a part to a kind of case (from ``AppConfig.ready``);
    registering a name again replaces the source of that name."""
    source = Source(name=name, parts=frozenset(parts), of=of, q=q)
    sources = [s for s in _SOURCES.get(model, []) if s.name != name]
    _SOURCES[model] = [*sources, source]


def _sources(model: type) -> list[Source]:
    try:
        return _SOURCES[model]
    except KeyError:
        raise LookupError(f"No conflict sources registered for {model.__name__}.") from None


def parts_of(case) -> dict[int, str]:
    """Every organisation that takes part in the case, with its first part in ``Part``'s
    order (an owner named again as partner is the owner)."""
    order = list(Part.values)
    found: dict[int, str] = {}
    for source in _sources(type(case)):
        for organisation_id, part in source.of(case):
            if organisation_id not in found or order.index(part) < order.index(
                found[organisation_id]
            ):
                found[organisation_id] = part
    return found


def involving(model: type, organisation_ids, *, parts: Iterable[str] | None = None) -> Q:
    """A filter for the cases of ``model`` in which one of the organisations takes a part (one
    of ``parts``, or any part): for querysets that hide cases from those in conflict."""
    own = frozenset(organisation_ids)
    wanted = frozenset(parts) if parts is not None else frozenset(Part.values)
    if not own:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for source in _sources(model):
        if source.parts & wanted:
            condition |= source.q(own)
    return condition


@dataclass(frozen=True)
class Conflict:
    person_id: int
    organisation: object  # Organisation
    part: str

    def __str__(self) -> str:
        return _("member of %(organisation)s, %(part)s") % {
            "organisation": self.organisation.name,
            "part": Part(self.part).label,
        }


def conflicts(people, case, on: dt.date) -> list[Conflict]:
    """Each membership, on the day, of one of ``people`` in an organisation of the case, with
    the part the organisation takes; by organisation name."""
    parts = parts_of(case)
    if not parts:
        return []
    memberships = (
        Membership.objects.active_on(on)
        .filter(user__in=list(people), organisation_id__in=parts)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    return [Conflict(m.user_id, m.organisation, parts[m.organisation_id]) for m in memberships]


def reasons(person, case, on: dt.date) -> list[str]:
    """Why ``person`` is in conflict with the case on the day, each organisation named with
    its part ("member of Skarpnäcks stadsdelsnämnd, a co-owner"); empty when not."""
    return [str(conflict) for conflict in conflicts([person], case, on)]


def people_in_conflict(people, case, on: dt.date) -> set[int]:
    """The ids of those of ``people`` who are in conflict with the case on the day."""
    return {conflict.person_id for conflict in conflicts(people, case, on)}
