"""Writes of the projects app."""

from __future__ import annotations

from django.db import transaction

from applications.models import BoardDecision
from core.events import event_record, recording_time
from projects.models import Project


@transaction.atomic
def project_create_from_grant(*, actor, decision: BoardDecision) -> Project:
    """The project of a recorded grant (once: a second call returns the same project)."""
    existing = Project.objects.filter(board_decision=decision).first()
    if existing is not None:
        return existing
    application = decision.application
    project = Project.objects.create(
        application=application,
        board_decision=decision,
        registration=application.registration,
        owner=application.owner,
        title=application.title,
        granted_amount=decision.amount,
        starts_on=application.planned_start,
        ends_on=application.planned_end,
        created_at=recording_time(),
    )
    event_record(
        actor=actor,
        action="project.created",
        target=project,
        data={"reference": decision.reference},
    )
    return project
