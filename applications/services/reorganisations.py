"""After a reorganisation (core's decision that an organisation is replaced), its open idea
sketches and applications pass to a successor (the city director's choice, made with the
reclaim lines: ``reclaim.services.reorganisation_handle``)."""

from __future__ import annotations

from django.db import transaction

from applications.selectors.cases import open_cases_of
from applications.services.locks import application_lock, sketch_lock
from core.cases import hand_over
from core.models import Organisation


@transaction.atomic
def cases_hand_over(
    *, actor, organisation: Organisation, successor: Organisation, reason: str
) -> int:
    """The successor takes over the organisation's part in each of its open cases. Returns
    how many cases changed."""
    sketches, applications = open_cases_of(organisation.pk)
    locked = [sketch_lock(s) for s in sketches] + [application_lock(a) for a in applications]
    return sum(
        hand_over(case, case.participants, organisation, successor, actor=actor, reason=reason)
        for case in locked
    )
