"""Reads of the council: its members, its meetings and what a meeting decides."""

from __future__ import annotations

import datetime as dt

from applications.models import CouncilMeeting, IdeaSketch
from applications.models.sketches import split_participants
from applications.states import AWAITING_COUNCIL
from core import conflicts
from core.models import Role
from core.selectors import people_with_role


def council_members(on: dt.date):
    """The people who hold the council member's role on the day."""
    return people_with_role(Role.COUNCIL_MEMBER, on)


def sketches_awaiting_council(sketches=None, *, fund=None):
    """Sketches (of ``sketches``, all by default; of one fund) that wait for the council's
    applicability decision (``states.awaits_council``, as a query)."""
    sketches = (sketches if sketches is not None else IdeaSketch.objects.all()).filter(
        state__in=AWAITING_COUNCIL
    )
    return sketches.filter(call__fund=fund) if fund is not None else sketches


def meeting_page(meeting: CouncilMeeting) -> dict:
    return {
        "meeting": meeting,
        "members": meeting.members_present.order_by("full_name"),
        "waiting": sketches_awaiting_council(fund=meeting.fund)
        .select_related("call", "owner", "registration")
        .order_by("submitted_at", "pk"),
        "decisions": meeting.applicability_decisions.select_related(
            "sketch__registration", "sketch__owner"
        ).prefetch_related("conflicts__member"),
    }


def decision_members(meeting: CouncilMeeting, sketch: IdeaSketch) -> tuple[list, list]:
    """The members present at the meeting, split into those in conflict with the sketch (who
    take no part) and those free to decide, each by name."""
    members = list(meeting.members_present.order_by("full_name"))
    in_conflict = conflicts.people_in_conflict(members, sketch, meeting.held_on)
    return (
        [m for m in members if m.pk in in_conflict],
        [m for m in members if m.pk not in in_conflict],
    )


def decision_page(meeting: CouncilMeeting, sketch: IdeaSketch) -> dict:
    conflicted, free = decision_members(meeting, sketch)
    return {
        "meeting": meeting,
        "sketch": sketch,
        "conflicted": conflicted,
        "free_members": free,
        **split_participants(sketch.participants.select_related("organisation")),
    }
