"""Which organisations take which part in a project, told to ``core.conflicts`` at start-up:
the lead owner, the co-owners and partners, the organisations of its benefits plan and the
benefiting organisations its evaluation names. The evaluation's organisations also take part in
the application the project grew from: a council member who works for one of them is in
conflict with that case too (BRIEF.md "Conflict of interest")."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from applications.models import Application
from core import conflicts
from core.conflicts import Part
from projects.models import ExpectedSaving, MeasuredSaving, Project, ProjectParticipant


def _owner(project):
    return [(project.owner_id, Part.OWNER)]


def _participants(project):
    return [(p.organisation_id, p.role) for p in project.participants.all()]


def _expected(project):
    return [
        (row.organisation_id, Part.BENEFITING)
        for row in ExpectedSaving.objects.filter(version_id=project.current_version_id)
    ]


def _measured(project):
    return [
        (row.organisation_id, Part.BENEFITING)
        for row in MeasuredSaving.objects.filter(evaluation__project=project)
    ]


def benefiting_ids(project) -> set[int]:
    """The organisations named in the project's benefits plan or its evaluation."""
    return {pk for pk, _part in _expected(project) + _measured(project)}


def _measured_of_application(application):
    return [
        (row.organisation_id, Part.BENEFITING)
        for row in MeasuredSaving.objects.filter(evaluation__project__application=application)
    ]


def register() -> None:
    conflicts.register(
        Project, "owner", parts={Part.OWNER}, of=_owner, q=lambda own: Q(owner_id__in=own)
    )
    conflicts.register(
        Project,
        "participants",
        parts={Part.CO_OWNER, Part.PARTNER},
        of=_participants,
        q=lambda own: Q(
            Exists(
                ProjectParticipant.objects.filter(project=OuterRef("pk"), organisation_id__in=own)
            )
        ),
    )
    conflicts.register(
        Project,
        "benefits_plan",
        parts={Part.BENEFITING},
        of=_expected,
        q=lambda own: Q(
            Exists(
                ExpectedSaving.objects.filter(
                    version=OuterRef("current_version"), organisation_id__in=own
                )
            )
        ),
    )
    conflicts.register(
        Project,
        "evaluation",
        parts={Part.BENEFITING},
        of=_measured,
        q=lambda own: Q(
            Exists(
                MeasuredSaving.objects.filter(
                    evaluation__project=OuterRef("pk"), organisation_id__in=own
                )
            )
        ),
    )
    conflicts.register(
        Application,
        "evaluation",
        parts={Part.BENEFITING},
        of=_measured_of_application,
        q=lambda own: Q(
            Exists(
                MeasuredSaving.objects.filter(
                    evaluation__project__application=OuterRef("pk"), organisation_id__in=own
                )
            )
        ),
    )
