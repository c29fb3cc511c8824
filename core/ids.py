"""Ids taken from a request, read one way: in a path, a query parameter or a form."""

from __future__ import annotations

import re

from django.http import Http404

# Ids are positive and fit a 64-bit signed integer (PostgreSQL's bigint, SQLite's INTEGER).
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}", re.ASCII)


def parse_id(value) -> int | None:
    """An id taken from a request (a path, a query parameter, a form): ASCII digits only, in
    range, or None. (``str.isdigit`` and ``int`` also take "²", "①" and other scripts' digits.)"""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value)
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value) -> int:
    """``parse_id``, or 404 for a bad id (a query parameter or a posted value)."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


class IdConverter:
    """The ``<id:pk>`` path converter: an id as ``parse_id`` reads it; anything else is 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


class YearConverter:
    """The ``<year:year>`` path converter: a calendar year of four digits (the years of plans
    are stored as small integers, which a longer number would overflow); anything else is
    404."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"
