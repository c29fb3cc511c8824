"""The organisations of a case: its lead owner, co-owners and partners (sketches and
applications alike)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from applications.models import ParticipantRole
from core.errors import DomainError
from core.models import Organisation


def check_participants(owner: Organisation, co_owners, partners, day: dt.date) -> None:
    if not owner.can_own_cases:
        raise DomainError(
            _("%(name)s is a non-profit partner and cannot own a case. Name it as a partner.")
            % {"name": owner.name},
            field="owner",
        )
    if not owner.is_active_on(day):
        raise DomainError(
            _("%(name)s is no longer active and cannot own a new case.") % {"name": owner.name},
            field="owner",
        )
    for organisation in co_owners:
        if not organisation.can_own_cases:
            raise DomainError(
                _("%(name)s is a non-profit partner and cannot be a co-owner.")
                % {"name": organisation.name},
                field="co_owners",
            )
    named = [*co_owners, *partners]
    if owner in named:
        raise DomainError(
            _("The lead owner is named again as co-owner or partner. Name it only once."),
            field="co_owners" if owner in co_owners else "partners",
        )
    if len({o.pk for o in named}) != len(named):
        raise DomainError(
            _("An organisation is named both as co-owner and partner. Choose one."),
            field="partners",
        )
    for organisation in named:
        if not organisation.is_active_on(day):
            raise DomainError(
                _("%(name)s is no longer active.") % {"name": organisation.name},
                field="co_owners" if organisation in co_owners else "partners",
            )


def set_participants(case, co_owners, partners) -> bool:
    """Make a sketch's or an application's co-owners and partners exactly these. Returns
    whether anything changed. (Participant rows of a case are replaced, not edited: their
    history keeps the earlier ones.)"""
    wanted = {o.pk: ParticipantRole.CO_OWNER for o in co_owners}
    wanted.update({o.pk: ParticipantRole.PARTNER for o in partners})
    current = {p.organisation_id: p for p in case.participants.all()}
    changed = False
    for organisation_id, participant in current.items():
        if wanted.get(organisation_id) != participant.role:
            participant.delete()
            changed = True
    for organisation_id, role in wanted.items():
        if organisation_id not in current or current[organisation_id].role != role:
            case.participants.create(organisation_id=organisation_id, role=role)
            changed = True
    return changed
