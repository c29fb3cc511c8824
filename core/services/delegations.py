"""The city director's delegations: who decides in the director's place, and when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.errors import DomainError
from core.events import event_record
from core.locks import advisory_lock
from core.models import Delegation, Role, User
from core.services.mail import email_queue, email_render


@transaction.atomic
def delegation_create(
    *,
    actor: User,
    delegate: User,
    valid_from: dt.date,
    valid_until: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> Delegation:
    """Name a delegate for a period. Periods of one director's delegations never overlap, so
    on any day at most one person acts "på delegation"."""
    day = today or timezone.localdate()
    if valid_until < valid_from:
        raise DomainError(_("The end date cannot be before the start date."), field="valid_until")
    if valid_from < day:
        raise DomainError(
            _("A delegation cannot start in the past. The earliest start is today, %(date)s.")
            % {"date": day.isoformat()},
            field="valid_from",
        )
    if delegate.pk == actor.pk:
        raise DomainError(_("You cannot name yourself as your delegate."), field="delegate")
    if not delegate.is_active:
        raise DomainError(_("The chosen person is deactivated."), field="delegate")
    if not access.has_role(actor, Role.CITY_DIRECTOR, valid_from):
        raise DomainError(
            _("You are not city director on %(date)s, so you cannot delegate from that day.")
            % {"date": valid_from.isoformat()},
            field="valid_from",
        )
    advisory_lock(f"delegation:{actor.pk}")
    for existing in Delegation.objects.current_or_future(day).filter(delegator=actor):
        if existing.valid_from <= valid_until and valid_from <= existing.valid_until:
            raise DomainError(
                _(
                    "%(name)s is already your delegate from %(start)s until %(end)s. End that "
                    "delegation first, or choose a period that does not overlap."
                )
                % {
                    "name": existing.delegate.full_name,
                    "start": existing.valid_from.isoformat(),
                    "end": existing.valid_until.isoformat(),
                }
            )
    delegation = Delegation.objects.create(
        delegator=actor,
        delegate=delegate,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip(),
    )
    event_record(
        actor=actor,
        action="delegation.created",
        target=delegation,
        comment=delegation.note,
        data={
            "delegate": delegate.full_name,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    subject, body = email_render(
        "delegation_created", {"delegation": delegation}, language=delegate.language
    )
    email_queue(kind="delegation_created", to=[delegate.email], subject=subject, body=body)
    return delegation


@transaction.atomic
def delegation_end(
    *, actor: User, delegation: Delegation, reason: str, today: dt.date | None = None
) -> Delegation:
    """End a delegation now (or cancel one that has not begun). From today the delegate no
    longer acts for the city director."""
    day = today or timezone.localdate()
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if not reason.strip():
        raise DomainError(_("Give a reason for ending the delegation."), field="reason")
    if delegation.ended_at is not None:
        raise DomainError(_("The delegation has already been ended."))
    if delegation.valid_until < day:
        raise DomainError(
            _("The delegation ran out on %(date)s.") % {"date": delegation.valid_until.isoformat()}
        )
    delegation.ended_at = timezone.now()
    delegation.ended_by = actor
    delegation.end_reason = reason.strip()
    delegation.save(update_fields=["ended_at", "ended_by", "end_reason"])
    event_record(
        actor=actor,
        action="delegation.ended",
        target=delegation,
        comment=delegation.end_reason,
        data={"delegate": delegation.delegate.full_name},
    )
    subject, body = email_render(
        "delegation_ended", {"delegation": delegation}, language=delegation.delegate.language
    )
    email_queue(kind="delegation_ended", to=[delegation.delegate.email], subject=subject, body=body)
    return delegation
