"""Which organisations take which part in idea sketches and applications, told to
``core.conflicts`` at start-up: the lead owner, the co-owners and partners, and (for
applications) the organisations named in the benefits-realisation plan."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from applications.models import (
    Application,
    ApplicationParticipant,
    IdeaSketch,
    SavingsRow,
    SketchParticipant,
)
from core import conflicts
from core.conflicts import Part


def _owner(case):
    return [(case.owner_id, Part.OWNER)]


def _participants(case):
    # A participant's role is "co_owner" or "partner", the parts of the same names.
    return [(p.organisation_id, p.role) for p in case.participants.all()]


def _benefiting(application):
    return [(row.organisation_id, Part.BENEFITING) for row in application.savings.all()]


def _rows(model, case_field: str):
    def q(own):
        return Q(
            Exists(model.objects.filter(**{case_field: OuterRef("pk")}, organisation_id__in=own))
        )

    return q


def register() -> None:
    participants = {Part.CO_OWNER, Part.PARTNER}
    for model, participant_model, case_field in (
        (IdeaSketch, SketchParticipant, "sketch"),
        (Application, ApplicationParticipant, "application"),
    ):
        conflicts.register(
            model, "owner", parts={Part.OWNER}, of=_owner, q=lambda own: Q(owner_id__in=own)
        )
        conflicts.register(
            model,
            "participants",
            parts=participants,
            of=_participants,
            q=_rows(participant_model, case_field),
        )
    conflicts.register(
        Application,
        "benefits_plan",
        parts={Part.BENEFITING},
        of=_benefiting,
        q=_rows(SavingsRow, "application"),
    )
