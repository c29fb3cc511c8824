"""After a reorganisation (core's decision that an organisation is replaced), its open
projects pass to a successor (the city director's choice, made with the reclaim lines:
``reclaim.services.reorganisation_handle``). The budget's recipients and the benefits plan
are the project's versions: they change by a change request."""

from __future__ import annotations

from django.db import transaction

from core.cases import hand_over
from core.models import Organisation
from projects.selectors.pages import open_projects_of
from projects.services.locks import project_lock


@transaction.atomic
def projects_hand_over(
    *, actor, organisation: Organisation, successor: Organisation, reason: str
) -> int:
    """The successor takes over the organisation's part in each of its open projects.
    Returns how many projects changed."""
    return sum(
        hand_over(
            project_lock(project),
            project.participants,
            organisation,
            successor,
            actor=actor,
            reason=reason,
        )
        for project in open_projects_of(organisation.pk)
    )
