"""After a reorganisation (core's decision that an organisation is replaced), its open
projects pass to a successor (the city director's choice, made with the reclaim lines:
``reclaim.services.reorganisation_handle``). The budget's recipients and the benefits plan
are the project's versions: they change by a change request."""

from __future__ import annotations

from django.db import transaction

from core.cases import hand_over
from core.events import event_record
from core.models import Organisation
from projects.selectors.pages import open_projects_of
from projects.services.locks import project_lock


@transaction.atomic
def projects_hand_over(
    *, actor, organisation: Organisation, successor: Organisation, reason: str
) -> int:
    """The successor takes over the organisation's part in each of its open projects.
    Returns how many projects changed."""
    moved = 0
    for project in open_projects_of(organisation.pk):
        project = project_lock(project)
        if hand_over(project, project.participants, organisation.pk, successor.pk):
            moved += 1
            event_record(
                actor=actor,
                action="case.handed_over",
                target=project,
                comment=reason,
                data={"organisation": organisation.name, "successor": successor.name},
            )
    return moved
