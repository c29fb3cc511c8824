"""Idea sketches: draft, edit, submit, withdraw; council meetings and applicability decisions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notices
from applications.models import (
    SKETCH_FIELDS,
    ApplicabilityDecision,
    ApplicabilityOutcome,
    Call,
    ConflictKind,
    CouncilMeeting,
    DecisionConflict,
    IdeaSketch,
    SketchState,
)
from applications.selectors.cases import missing_on_submit, problems_text
from applications.selectors.council import council_members
from applications.services.locks import sketch_lock
from applications.services.participants import check_participants, set_participants
from applications.states import (
    OUTCOME_STATE,
    SKETCH,
    awaits_council,
    can_be_taken_up,
    sketch_submit_refusal,
)
from core import conflicts
from core.errors import DomainError
from core.events import event_record
from core.models import Fund, Organisation, User
from core.notices import notify, notify_fund_administrators
from core.services.registration import registration_number_allocate, registration_number_describe

S = SketchState


def _clean_fields(fields: dict) -> dict:
    cleaned = {name: fields.get(name) for name in SKETCH_FIELDS}
    for name in SKETCH_FIELDS:
        if isinstance(cleaned[name], str):
            cleaned[name] = cleaned[name].strip()
        elif cleaned[name] is None and name not in ("estimated_amount", "estimated_years"):
            cleaned[name] = ""
    if not cleaned["title"]:
        raise DomainError(_("Give the idea sketch a title."), field="title")
    if cleaned["estimated_amount"] is not None and cleaned["estimated_amount"] < 0:
        raise DomainError(_("Give the amount in whole kronor."), field="estimated_amount")
    return cleaned


@transaction.atomic
def idea_sketch_create(
    *,
    actor: User,
    call: Call,
    owner: Organisation,
    co_owners=(),
    partners=(),
    previous: IdeaSketch | None = None,
    today: dt.date | None = None,
    **fields,
) -> IdeaSketch:
    """A draft in an open call. ``previous``: a sketch judged not applicable that this one
    takes up again (shown with its reason)."""
    day = today or timezone.localdate()
    if not call.sketches_open(day):
        raise DomainError(
            _("The call %(title)s is not open for idea sketches.") % {"title": call.title},
            code="call_closed",
        )
    check_participants(owner, co_owners, partners, day)
    if previous is not None and not can_be_taken_up(previous):
        raise DomainError(
            _("Only a sketch judged not applicable can be taken up in a new sketch."),
            code="previous",
        )
    sketch = IdeaSketch.objects.create(
        call=call, owner=owner, previous=previous, created_by=actor, **_clean_fields(fields)
    )
    set_participants(sketch, co_owners, partners)
    event_record(actor=actor, action="sketch.created", target=sketch, to_state=sketch.state)
    return sketch


@transaction.atomic
def idea_sketch_update(
    *, actor: User, sketch: IdeaSketch, co_owners=(), partners=(), **fields
) -> IdeaSketch:
    sketch = sketch_lock(sketch)
    SKETCH.check_editable(sketch)
    check_participants(sketch.owner, co_owners, partners, timezone.localdate())
    cleaned = _clean_fields(fields)
    changed = [name for name in SKETCH_FIELDS if getattr(sketch, name) != cleaned[name]]
    for name in changed:
        setattr(sketch, name, cleaned[name])
    if changed:
        sketch.save(update_fields=changed)
    labels = [f"applications.IdeaSketch.{name}" for name in changed]
    if set_participants(sketch, co_owners, partners):
        labels.append("applications.SketchParticipant")
    if labels:
        event_record(actor=actor, action="sketch.updated", target=sketch, data={"changed": labels})
    return sketch


@transaction.atomic
def idea_sketch_submit(*, actor: User, sketch: IdeaSketch, at: dt.datetime | None = None):
    """Submit a draft while the call is open, or a sketch returned for completion (also after
    the deadline). The first submission gives the case its registration number."""
    sketch = sketch_lock(sketch)
    at = at or timezone.now()
    refusal = sketch_submit_refusal(sketch, timezone.localdate(at))
    if refusal is not None:
        raise refusal
    missing = missing_on_submit(sketch)
    if missing:
        raise DomainError(problems_text(missing), code="incomplete")
    from_state = sketch.state
    if sketch.registration_id is None:
        sketch.registration = registration_number_allocate(
            fund=sketch.call.fund,
            counterpart=sketch.owner,
            subject=sketch.title,
            case=sketch,
            at=at,
        )
    else:
        registration_number_describe(
            number=sketch.registration, subject=sketch.title, counterpart=sketch.owner
        )
    sketch.state = S.SUBMITTED
    sketch.submitted_at = at
    sketch.submitted_by = actor
    sketch.save(update_fields=["registration", "state", "submitted_at", "submitted_by"])
    number = str(sketch.registration)
    event_record(
        actor=actor,
        action="sketch.submitted",
        target=sketch,
        from_state=from_state,
        to_state=sketch.state,
        data={"number": number},
    )
    url = notices.sketch_url(sketch)
    notify("sketch_receipt", case=sketch, url=url, people=[actor])
    notify_fund_administrators("sketch_submitted", case=sketch, url=url)
    return sketch


@transaction.atomic
def idea_sketch_withdraw(*, actor: User, sketch: IdeaSketch, reason: str = "") -> IdeaSketch:
    sketch = sketch_lock(sketch)
    from_state = SKETCH.check(sketch, S.WITHDRAWN)
    sketch.state = S.WITHDRAWN
    sketch.withdrawn_at = timezone.now()
    sketch.save(update_fields=["state", "withdrawn_at"])
    event_record(
        actor=actor,
        action="sketch.withdrawn",
        target=sketch,
        from_state=from_state,
        to_state=sketch.state,
        comment=(reason or "").strip(),
    )
    if sketch.registration_id:
        notify_fund_administrators("sketch_withdrawn", case=sketch, url=notices.sketch_url(sketch))
    return sketch


# --- The council ------------------------------------------------------------------------------


@transaction.atomic
def council_meeting_create(
    *, actor: User, fund: Fund, held_on: dt.date, members, note: str = "", today=None
) -> CouncilMeeting:
    day = today or timezone.localdate()
    if held_on > day:
        raise DomainError(
            _("A meeting is recorded once it has been held; %(date)s is in the future.")
            % {"date": held_on.isoformat()},
            field="held_on",
        )
    if held_on < fund.started_on:
        raise DomainError(
            _("The fund starts %(date)s; a meeting cannot be before that.")
            % {"date": fund.started_on.isoformat()},
            field="held_on",
        )
    members = list(members)
    if not members:
        raise DomainError(_("Choose the members who were present."), field="members")
    eligible = set(council_members(held_on).values_list("pk", flat=True))
    outsiders = [m.full_name for m in members if m.pk not in eligible]
    if outsiders:
        raise DomainError(
            _("Not a council member on %(date)s: %(names)s.")
            % {"date": held_on.isoformat(), "names": ", ".join(outsiders)},
            field="members",
        )
    meeting = CouncilMeeting.objects.create(
        fund=fund, held_on=held_on, note=(note or "").strip(), created_by=actor
    )
    meeting.members_present.set(members)
    event_record(
        actor=actor,
        action="council_meeting.created",
        target=meeting,
        data={"date": held_on.isoformat()},
    )
    return meeting


OUTCOME_NOTICE = {
    ApplicabilityOutcome.APPLICABLE: "sketch_applicable",
    ApplicabilityOutcome.NOT_APPLICABLE: "sketch_not_applicable",
    ApplicabilityOutcome.RETURNED: "sketch_returned",
}


@transaction.atomic
def applicability_decide(
    *,
    actor: User,
    sketch: IdeaSketch,
    meeting: CouncilMeeting,
    outcome: str,
    reason: str,
    declared_conflicts: dict | None = None,
) -> ApplicabilityDecision:
    """Record the council's decision on a submitted sketch. Members present who belong to one
    of the case's organisations, and those who declared a conflict (``{member: text}``), take
    no part; at least one member must remain."""
    sketch = sketch_lock(sketch)
    if not awaits_council(sketch):
        raise DomainError(
            _(
                "The sketch is %(state)s: there is no submission waiting for a decision. "
                "(Has someone else just recorded it?)"
            )
            % {"state": sketch.get_state_display().lower()},
            code="transition",
        )
    if outcome not in OUTCOME_STATE:
        raise DomainError(_("Choose the council's decision."), field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason: the applicant sees it with the decision."), field="reason"
        )
    if meeting.fund_id != sketch.call.fund_id:
        raise DomainError(_("The meeting belongs to another fund."), field="meeting")
    if meeting.held_on < timezone.localdate(sketch.submitted_at):
        raise DomainError(
            _("The meeting (%(date)s) was held before the sketch was submitted.")
            % {"date": meeting.held_on.isoformat()},
            field="meeting",
        )
    present = list(meeting.members_present.all())
    declared = {
        member.pk: (text or "").strip() for member, text in (declared_conflicts or {}).items()
    }
    strangers = set(declared) - {m.pk for m in present}
    if strangers:
        raise DomainError(
            _("Only members present at the meeting can declare a conflict."),
            field="declared_conflicts",
        )
    by_organisation = conflicts.people_in_conflict(present, sketch, meeting.held_on)
    taking_part = [m for m in present if m.pk not in by_organisation and m.pk not in declared]
    if not taking_part:
        raise DomainError(
            _("Every member present is in conflict: the council cannot decide at this meeting."),
            code="no_quorum",
        )
    decision = ApplicabilityDecision.objects.create(
        sketch=sketch, meeting=meeting, outcome=outcome, reason=reason, recorded_by=actor
    )
    decision.taking_part.set(taking_part)
    for member in present:
        if member.pk in by_organisation:
            DecisionConflict.objects.create(
                decision=decision, member=member, kind=ConflictKind.ORGANISATION
            )
        elif member.pk in declared:
            DecisionConflict.objects.create(
                decision=decision,
                member=member,
                kind=ConflictKind.DECLARED,
                text=declared[member.pk][:300],
            )
    from_state = SKETCH.check(sketch, OUTCOME_STATE[outcome])
    sketch.state = OUTCOME_STATE[outcome]
    sketch.decided_at = timezone.now()
    sketch.save(update_fields=["state", "decided_at"])
    event_record(
        actor=actor,
        action="sketch.decided",
        target=sketch,
        from_state=from_state,
        to_state=sketch.state,
        comment=reason,
        data={
            "meeting": meeting.held_on.isoformat(),
            "outcome": outcome,
        },
    )
    notify(
        OUTCOME_NOTICE[outcome],
        case=sketch,
        url=notices.sketch_url(sketch),
        people=[sketch.submitted_by],
        emails=[sketch.contact_email],
        comment=reason,
    )
    return decision
