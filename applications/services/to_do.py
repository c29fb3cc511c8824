"""The reviewers' open tasks: ``ReviewAssignment.to_do`` kept equal to its rule
(``AssignmentQuerySet.owing``). Every service that changes what the rule reads (an
application's state or current version, an assignment's removal, a score or a statement)
calls ``review_tasks_sync`` for the application, inside its own transaction."""

from __future__ import annotations

from applications.models import ReviewAssignment


def review_tasks_sync(application) -> None:
    """Set ``to_do`` on the application's assignments from the rule (two small updates; a
    derived field, so no history is written for it)."""
    assignments = ReviewAssignment.objects.filter(application_id=application.pk)
    owing = assignments.owing().values("pk")
    assignments.filter(to_do=True).exclude(pk__in=owing).update(to_do=False)
    assignments.filter(to_do=False, pk__in=owing).update(to_do=True)
