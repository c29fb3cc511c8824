"""Organisations and reorganisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record, recorded_by
from core.models import Organisation, OrganisationKind, Reorganisation, ReorganisationShare
from core.signals import reorganisation_recorded


def _check_unique_name(name: str, exclude_pk: int | None = None) -> None:
    clash = Organisation.objects.filter(name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(_("There is already an organisation with that name."), field="name")


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    short_name: str,
    kind: str,
    active_from: dt.date,
    active_until: dt.date | None = None,
) -> Organisation:
    _check_unique_name(name)
    if active_until and active_until < active_from:
        raise DomainError(
            _("The last active day cannot be before the first."), field="active_until"
        )
    organisation = Organisation.objects.create(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        active_from=active_from,
        active_until=active_until,
    )
    event_record(
        actor=actor,
        action="organisation.created",
        target=organisation,
        data={"name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, name: str, short_name: str, kind: str
) -> Organisation:
    """Name and kind. The active period changes only by a reorganisation (or is set at
    creation), so that a period that cases depend on never moves silently."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _check_unique_name(name, exclude_pk=organisation.pk)
    if kind != organisation.kind and OrganisationKind.NONPROFIT in (kind, organisation.kind):
        raise DomainError(
            _(
                "A non-profit partner cannot become a city organisation or the reverse; "
                "create a new organisation instead."
            ),
            field="kind",
        )
    before = {"name": organisation.name, "kind": organisation.kind}
    organisation.name, organisation.short_name, organisation.kind = (
        name.strip(),
        short_name.strip(),
        kind,
    )
    organisation.save(update_fields=["name", "short_name", "kind"])
    event_record(
        actor=actor,
        action="organisation.updated",
        target=organisation,
        data={"before": before["name"], "name": organisation.name},
    )
    return organisation


@transaction.atomic
def reorganisation_record(
    *,
    actor,
    organisation: Organisation,
    effective_from: dt.date,
    decided_on: dt.date,
    decision_reference: str,
    shares: list[tuple[Organisation, Decimal]],
    description: str = "",
) -> Reorganisation:
    """Record that ``organisation`` is replaced from ``effective_from`` by the successors in
    ``shares`` (percentages summing to exactly 100). Its last active day becomes the day
    before. The apps that own open cases, projects and reclaim lines move them on
    ``core.signals.reorganisation_recorded``, sent before this returns."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Reorganisation.objects.filter(organisation=organisation).exists():
        raise DomainError(_("A reorganisation of this organisation is already recorded."))
    if organisation.kind == OrganisationKind.NONPROFIT:
        raise DomainError(
            _("Non-profit partners are not reorganised by the city; end their period instead.")
        )
    if not decision_reference.strip():
        raise DomainError(_("Name the decision."), field="decision_reference")
    if decided_on > effective_from:
        raise DomainError(
            _("The decision must be made on or before the day the successors take over."),
            field="decided_on",
        )
    if effective_from <= organisation.active_from:
        raise DomainError(
            _("The successors must take over after the organisation began (%(date)s).")
            % {"date": organisation.active_from.isoformat()},
            field="effective_from",
        )
    if organisation.active_until and effective_from > organisation.active_until + dt.timedelta(
        days=1
    ):
        raise DomainError(
            _("The organisation was active only until %(date)s.")
            % {"date": organisation.active_until.isoformat()},
            field="effective_from",
        )
    if not shares:
        raise DomainError(_("Name at least one successor."), field="shares")
    successors = [successor for successor, _percent in shares]
    if len({s.pk for s in successors}) != len(successors):
        raise DomainError(_("Name each successor once."), field="shares")
    if organisation.pk in {s.pk for s in successors}:
        raise DomainError(_("An organisation cannot succeed itself."), field="shares")
    for successor, percent in shares:
        if percent is None or percent <= 0 or percent > 100:
            raise DomainError(
                _("Each share must be more than 0 and at most 100 %."), field="shares"
            )
        if successor.kind == OrganisationKind.NONPROFIT:
            raise DomainError(
                _("%(name)s is a non-profit partner and cannot take over a city organisation.")
                % {"name": successor.name},
                field="shares",
            )
        if not successor.is_active_on(effective_from):
            raise DomainError(
                _("%(name)s is not active on %(date)s.")
                % {"name": successor.name, "date": effective_from.isoformat()},
                field="shares",
            )
    total = sum((Decimal(percent) for _successor, percent in shares), Decimal(0))
    if total != 100:
        raise DomainError(
            _("The shares must sum to exactly 100 %%; they sum to %(total)s %%.")
            % {"total": f"{total.normalize():f}".replace(".", ",")},
            field="shares",
        )
    reorganisation = Reorganisation.objects.create(
        organisation=organisation,
        effective_from=effective_from,
        decided_on=decided_on,
        decision_reference=decision_reference.strip(),
        description=description.strip(),
        recorded_by=recorded_by(actor),
    )
    for successor, percent in shares:
        ReorganisationShare.objects.create(
            reorganisation=reorganisation, successor=successor, percent=percent
        )
    organisation.active_until = effective_from - dt.timedelta(days=1)
    organisation.save(update_fields=["active_until"])
    names = ", ".join(f"{s.name} {str(p).replace('.', ',')} %" for s, p in shares)
    for target in [organisation, *successors]:
        event_record(
            actor=actor,
            action="organisation.reorganised",
            target=target,
            comment=reorganisation.description,
            data={
                "organisation": organisation.name,
                "successors": names,
                "effective_from": effective_from.isoformat(),
                "reference": reorganisation.decision_reference,
            },
        )
    reorganisation_recorded.send(sender=Reorganisation, reorganisation=reorganisation, actor=actor)
    return reorganisation
