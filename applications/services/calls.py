"""Calls: create, edit, publish, mark decided, cancel; guidance documents."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import CALL_FIELDS, Call, CallDocument, CallState
from applications.services.locks import call_lock
from applications.states import CALL
from core.errors import DomainError
from core.events import event_record
from core.files import store_upload
from core.models import Fund


def _check_fields(fields: dict) -> None:
    if not (fields.get("title") or "").strip():
        raise DomainError(_("Give the call a title."), field="title")
    sketch, application = fields["idea_sketch_deadline"], fields["application_deadline"]
    if sketch >= application:
        raise DomainError(
            _(
                "The last day for applications must come after the last day for idea sketches: "
                "the council decides on the sketches in between."
            ),
            field="application_deadline",
        )
    budget = fields.get("indicative_budget")
    if budget is None or budget < 0:
        raise DomainError(
            _("Give the indicative budget in whole kronor."), field="indicative_budget"
        )
    fund: Fund = fields["fund"]
    if sketch < fund.started_on:
        raise DomainError(
            _("The fund starts %(date)s; the call's deadlines cannot be before that.")
            % {"date": fund.started_on.isoformat()},
            field="idea_sketch_deadline",
        )


@transaction.atomic
def call_create(*, actor, **fields) -> Call:
    _check_fields(fields)
    call = Call.objects.create(
        **{name: fields[name] for name in CALL_FIELDS}, created_by=actor, state=CallState.DRAFT
    )
    event_record(actor=actor, action="call.created", target=call, to_state=call.state)
    return call


@transaction.atomic
def call_update(*, actor, call: Call, **fields) -> Call:
    """A draft can change freely. A published call keeps its fund, and its deadlines can only
    move later (applicants may already be working to them). Decided or cancelled: no change."""
    call = call_lock(call)
    CALL.check_editable(call)
    _check_fields(fields)
    if call.state == CallState.PUBLISHED:
        if fields["fund"].pk != call.fund_id:
            raise DomainError(_("A published call cannot move to another fund."), field="fund")
        for name in ("idea_sketch_deadline", "application_deadline"):
            if fields[name] < getattr(call, name):
                raise DomainError(
                    _("A published call's deadline can be extended but not brought forward."),
                    field=name,
                )
    changed = [name for name in CALL_FIELDS if getattr(call, name) != fields[name]]
    if not changed:
        return call
    for name in changed:
        setattr(call, name, fields[name])
    call.save(update_fields=changed)
    # Stored as names and shown as labels, so the log reads in the viewer's language.
    labels = [f"applications.Call.{name}" for name in changed]
    event_record(actor=actor, action="call.updated", target=call, data={"changed": labels})
    return call


@transaction.atomic
def call_publish(*, actor, call: Call, at: dt.datetime | None = None) -> Call:
    call = call_lock(call)
    from_state = CALL.check(call, CallState.PUBLISHED)
    at = at or timezone.now()
    today = timezone.localdate(at)
    if call.idea_sketch_deadline < today:
        raise DomainError(
            _(
                "The last day for idea sketches (%(date)s) has passed. Move the deadlines "
                "before publishing."
            )
            % {"date": call.idea_sketch_deadline.isoformat()},
            code="deadline_passed",
        )
    call.state = CallState.PUBLISHED
    call.published_at = at
    call.save(update_fields=["state", "published_at"])
    event_record(
        actor=actor,
        action="call.published",
        target=call,
        from_state=from_state,
        to_state=call.state,
    )
    return call


@transaction.atomic
def call_decide(*, actor, call: Call, at: dt.datetime | None = None) -> Call:
    """Mark the round as decided (the board's decisions are recorded per application)."""
    call = call_lock(call)
    from_state = CALL.check(call, CallState.DECIDED)
    at = at or timezone.now()
    today = timezone.localdate(at)
    if call.application_deadline >= today:
        raise DomainError(
            _("The call is open for applications until %(date)s; it can be marked decided after.")
            % {"date": call.application_deadline.isoformat()},
            code="still_open",
        )
    call.state = CallState.DECIDED
    call.decided_at = at
    call.save(update_fields=["state", "decided_at"])
    event_record(
        actor=actor, action="call.decided", target=call, from_state=from_state, to_state=call.state
    )
    return call


@transaction.atomic
def call_cancel(*, actor, call: Call, reason: str) -> Call:
    call = call_lock(call)
    from_state = CALL.check(call, CallState.CANCELLED)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for cancelling the call."), field="reason")
    call.state = CallState.CANCELLED
    call.cancelled_at = timezone.now()
    call.cancel_reason = reason.strip()
    call.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    event_record(
        actor=actor,
        action="call.cancelled",
        target=call,
        from_state=from_state,
        to_state=call.state,
        comment=call.cancel_reason,
    )
    return call


@transaction.atomic
def call_document_add(*, actor, call: Call, title: str, uploaded) -> CallDocument:
    call = call_lock(call)
    CALL.check_editable(call)
    document = store_upload(CallDocument(call=call), uploaded, title=title, by=actor)
    event_record(
        actor=actor, action="call.document_added", target=call, data={"title": document.title}
    )
    return document


@transaction.atomic
def call_document_withdraw(*, actor, document: CallDocument) -> CallDocument:
    CALL.check_editable(call_lock(document.call))
    document = CallDocument.objects.select_for_update().get(pk=document.pk)
    if document.withdrawn_at is None:
        document.withdrawn_at = timezone.now()
        document.save(update_fields=["withdrawn_at"])
        event_record(
            actor=actor,
            action="call.document_withdrawn",
            target=document.call,
            data={"title": document.title},
        )
    return document
