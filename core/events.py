"""The activity log: one ``Event`` per business action, and how each action reads.

Each app registers its actions' texts with ``register_actions``; the texts are formatted with
the event's data when shown, so the log reads in the viewer's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import EntryKind, Event, Role

_ACTIONS: dict[str, object] = {}


def choice_label(choices, *, lower: bool = False) -> Callable[[str], str]:
    """How a stored choice (a role, a state, an outcome) reads: its label, or the value itself
    when it is not (or no longer) one of the choices."""

    def label(value: str) -> str:
        if value not in choices.values:
            return value
        text = str(choices(value).label)
        return text.lower() if lower else text

    return label


_VALUE_LABELS: dict[str, Callable[[str], str]] = {
    "role": choice_label(Role),
    "kind": choice_label(EntryKind),
}


def register_actions(texts: Mapping[str, object]) -> None:
    """Register display texts (lazy format strings with %(key)s placeholders) for actions."""
    _ACTIONS.update(texts)


def _changed_labels(value) -> str:
    """``["app.Model.field", "app.Model"]`` read as field labels, or a table's plural name,
    in the reader's language; a semicolon between them, as a label may hold a comma."""
    labels = []
    for item in value if isinstance(value, list) else [value]:
        parts = str(item).split(".")
        try:
            model = apps.get_model(parts[0], parts[1])
            label = (
                model._meta.get_field(parts[2]).verbose_name
                if len(parts) > 2
                else model._meta.verbose_name_plural
            )
        except (LookupError, FieldDoesNotExist, IndexError, ValueError):
            label = item
        labels.append(str(label))
    return "; ".join(labels)


_VALUE_LABELS["changed"] = _changed_labels


def register_value_labels(labels: Mapping[str, Callable[[str], str]]) -> None:
    """Register how a stored value (a state, an outcome) reads in the log, by data key."""
    _VALUE_LABELS.update(labels)


class _Data(dict):
    def __missing__(self, key):
        return "–"


def describe(event: Event) -> str:
    text = _ACTIONS.get(event.action)
    if text is None:
        return event.action
    data = _Data(
        {key: _VALUE_LABELS.get(key, str)(value) for key, value in (event.data or {}).items()}
    )
    return str(text) % data


def activity_log(target, limit: int = 100) -> list[tuple[Event, str]]:
    """The newest events of ``target`` with how each reads: the log a page shows."""
    return [(event, describe(event)) for event in Event.objects.for_target(target)[:limit]]


_RECORDED_AT: ContextVar[dt.datetime | None] = ContextVar("recorded_at", default=None)


@contextmanager
def recorded_at(moment: dt.datetime) -> Iterator[None]:
    """Record what is written inside (events, ledger entries, projects) as made at ``moment``.
    Only for loading history (the demo's 2016-2019 cases, made by the services as they were
    then); an action taken now is always recorded now."""
    token = _RECORDED_AT.set(moment)
    try:
        yield
    finally:
        _RECORDED_AT.reset(token)


def recording_time() -> dt.datetime:
    """When something written now is recorded: now, or the moment ``recorded_at`` gives."""
    return _RECORDED_AT.get() or timezone.now()


def recording_day() -> dt.date:
    """The day of ``recording_time``: today, or the day ``recorded_at`` gives."""
    return timezone.localdate(recording_time())


def recorded_by(actor):
    """The person to record as having acted: None for the system (no actor, or anonymous)."""
    return actor if actor is not None and actor.is_authenticated else None


def event_record(
    *,
    actor,
    action: str,
    target,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> Event:
    if action not in _ACTIONS:
        raise ValueError(f"Unregistered action {action!r}: call register_actions first.")
    return Event.objects.create(
        created_at=recording_time(),
        actor=recorded_by(actor),
        action=action,
        target=target,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


register_actions(
    {
        "user.invited": _("Invited as %(email)s"),
        "user.invitation_resent": _("Invitation sent again"),
        "user.invitation_accepted": _("Accepted the invitation and chose a password"),
        "user.updated": _("Details changed"),
        "user.deactivated": _("Deactivated"),
        "user.reactivated": _("Reactivated"),
        "user.password_reset_sent": _("Password reset e-mail sent"),
        "role.assigned": _("Role %(role)s from %(valid_from)s until %(valid_until)s"),
        "role.ended": _("Role %(role)s ends %(valid_until)s"),
        "role.withdrawn": _("Role %(role)s withdrawn before it began"),
        "membership.added": _("Member of %(organisation)s from %(valid_from)s"),
        "membership.ended": _("Membership of %(organisation)s ends %(valid_until)s"),
        "membership.withdrawn": _("Membership of %(organisation)s withdrawn before it began"),
        "delegation.created": _("Delegate %(delegate)s from %(valid_from)s until %(valid_until)s"),
        "delegation.ended": _("Delegation to %(delegate)s ended"),
        "organisation.created": _("Organisation %(name)s created"),
        "organisation.updated": _("Organisation details changed (%(before)s → %(name)s)"),
        "organisation.reorganised": _(
            "Reorganisation: %(organisation)s is replaced from %(effective_from)s by "
            "%(successors)s (%(reference)s)"
        ),
        "case.handed_over": _(
            "After the reorganisation %(successor)s takes over the part of %(organisation)s"
        ),
        "fund.created": _("Fund %(name)s created"),
        "fund.updated": _("Fund details changed"),
        "ledger.recorded": _("%(kind)s of %(amount)s with value date %(value_date)s"),
        "ledger.reversed": _("Reversal of a %(kind)s of %(amount)s from %(value_date)s"),
    }
)
