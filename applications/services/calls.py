"""Calls: create, edit, publish, mark decided, cancel; guidance documents."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Call, CallDocument, CallState
from core.errors import DomainError
from core.events import event_record, register_actions
from core.files import check_upload
from core.models import Fund

ALLOWED_TRANSITIONS = {
    CallState.DRAFT: {CallState.PUBLISHED, CallState.CANCELLED},
    CallState.PUBLISHED: {CallState.DECIDED, CallState.CANCELLED},
    CallState.DECIDED: set(),
    CallState.CANCELLED: set(),
}
EDITABLE_STATES = {CallState.DRAFT, CallState.PUBLISHED}
FIELDS = (
    "fund",
    "title",
    "description",
    "idea_sketch_deadline",
    "application_deadline",
    "indicative_budget",
    "decision_route",
)

register_actions(
    {
        "call.created": gettext_lazy("Call created as a draft"),
        "call.updated": gettext_lazy("Call details changed: %(fields)s"),
        "call.published": gettext_lazy("Call published"),
        "call.decided": gettext_lazy("Call marked decided"),
        "call.cancelled": gettext_lazy("Call cancelled"),
        "call.document_added": gettext_lazy("Guidance document %(title)s added"),
        "call.document_withdrawn": gettext_lazy("Guidance document %(title)s withdrawn"),
    }
)


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


def _lock(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("fund").get(pk=call.pk)


def _transition(call: Call, to: str) -> str:
    if to not in ALLOWED_TRANSITIONS[CallState(call.state)]:
        raise DomainError(
            _("A call that is %(state)s cannot become %(to)s.")
            % {
                "state": call.get_state_display().lower(),
                "to": CallState(to).label.lower(),
            },
            code="transition",
        )
    return call.state


@transaction.atomic
def call_create(*, actor, **fields) -> Call:
    _check_fields(fields)
    call = Call.objects.create(
        **{name: fields[name] for name in FIELDS}, created_by=actor, state=CallState.DRAFT
    )
    event_record(actor=actor, action="call.created", target=call, to_state=call.state)
    return call


@transaction.atomic
def call_update(*, actor, call: Call, **fields) -> Call:
    """A draft can change freely. A published call keeps its fund, and its deadlines can only
    move later (applicants may already be working to them). Decided or cancelled: no change."""
    call = _lock(call)
    if call.state not in EDITABLE_STATES:
        raise DomainError(
            _("A call that is %(state)s can no longer be changed.")
            % {"state": call.get_state_display().lower()},
            code="not_editable",
        )
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
    changed = [name for name in FIELDS if getattr(call, name) != fields[name]]
    if not changed:
        return call
    for name in changed:
        setattr(call, name, fields[name])
    call.save(update_fields=changed)
    labels = ", ".join(str(Call._meta.get_field(name).verbose_name) for name in changed)
    event_record(actor=actor, action="call.updated", target=call, data={"fields": labels})
    return call


@transaction.atomic
def call_publish(*, actor, call: Call, at: dt.datetime | None = None) -> Call:
    call = _lock(call)
    from_state = _transition(call, CallState.PUBLISHED)
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
    call = _lock(call)
    from_state = _transition(call, CallState.DECIDED)
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
    call = _lock(call)
    from_state = _transition(call, CallState.CANCELLED)
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
    call = _lock(call)
    if call.state not in EDITABLE_STATES:
        raise DomainError(
            _("A call that is %(state)s can no longer be changed.")
            % {"state": call.get_state_display().lower()},
            code="not_editable",
        )
    checked = check_upload(uploaded)
    document = CallDocument(
        call=call,
        title=(title or "").strip() or checked.name,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    document.file.save(checked.name, uploaded, save=False)
    document.save()
    event_record(
        actor=actor, action="call.document_added", target=call, data={"title": document.title}
    )
    return document


@transaction.atomic
def call_document_withdraw(*, actor, document: CallDocument) -> CallDocument:
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
