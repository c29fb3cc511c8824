"""The planned period of an application: it starts no earlier than the call's year (the year it
was published) and spans at most the fund's longest project (``Fund.max_project_years``) in
calendar years. Every page that lays out one field per year (the budget, the council's
recommendation, the proposal, the board's decision) can then trust the period to be short."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError


def first_year(call) -> int:
    """The earliest year a project of the call may start: the year the call was published
    (every application's call has been; a draft call's sketch deadline otherwise)."""
    if call.published_at is not None:
        return timezone.localdate(call.published_at).year
    return call.idea_sketch_deadline.year


def period_refusal(call, start: dt.date | None, end: dt.date | None) -> DomainError | None:
    """Why the planned period ``start``-``end`` is refused for an application of ``call``, or
    None (either end may still be empty in a draft)."""
    if start and end and end < start:
        return DomainError(
            _("The planned end comes before the planned start."), field="planned_end"
        )
    if start and start.year < first_year(call):
        return DomainError(
            _("The project can start in %(year)s, the call's year, at the earliest.")
            % {"year": first_year(call)},
            field="planned_start",
        )
    longest = call.fund.max_project_years
    if start and end and end.year - start.year + 1 > longest:
        return DomainError(
            ngettext(
                "The planned period may span at most %(years)s calendar year (the fund's "
                "longest project); %(start)s–%(end)s spans %(span)s.",
                "The planned period may span at most %(years)s calendar years (the fund's "
                "longest project); %(start)s–%(end)s spans %(span)s.",
                longest,
            )
            % {
                "years": longest,
                "start": start.year,
                "end": end.year,
                "span": end.year - start.year + 1,
            },
            field="planned_end",
        )
    return None
