"""The rules on who holds a role or a membership when, shared by the actions on people
(``users.py``) and on roles and memberships (``roles.py``): periods start today or later and
end only earlier; at least one active fund administrator on every future day; one city
director at a time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record
from core.models import Role, RoleAssignment, User


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def check_new_period(valid_from: dt.date, valid_until: dt.date | None, today: dt.date) -> None:
    """A new role or membership runs from today or later: what the system records is what was
    decided in it, so a start in the past would rewrite who held what on earlier days."""
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The end date cannot be before the start date."), field="valid_until")
    if valid_from < today:
        raise DomainError(
            _("The start cannot be in the past. The earliest start is today, %(date)s.")
            % {"date": iso(today)},
            field="valid_from",
        )


def user_lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def first_uncovered_day(start: dt.date, end: dt.date | None, periods) -> dt.date | None:
    """The first day in [start, end] (end None: for ever) that no period covers, or None."""
    cursor = start
    for valid_from, valid_until in sorted(periods):
        if valid_until is not None and valid_until < cursor:
            continue
        if valid_from > cursor:
            break
        if valid_until is None:
            return None
        cursor = valid_until + dt.timedelta(days=1)
        if end is not None and cursor > end:
            return None
    if end is not None and cursor > end:
        return None
    return cursor


def fund_admin_gap(
    start: dt.date, end: dt.date | None, *, without_assignments=(), without_user=None
) -> dt.date | None:
    """The first day from ``start`` to ``end`` on which no other active person would be fund
    administrator once the change is made (call under the role's advisory lock)."""
    others = RoleAssignment.objects.current_or_future(start).filter(
        role=Role.FUND_ADMIN, user__is_active=True
    )
    others = others.exclude(pk__in=[a.pk for a in without_assignments])
    if without_user is not None:
        others = others.exclude(user_id=without_user.pk)
    periods = others.values_list("valid_from", "valid_until")
    return first_uncovered_day(start, end, periods)


def last_fund_admin_refusal(day: dt.date) -> DomainError:
    return DomainError(
        _(
            "There must always be at least one active fund administrator, and on %(date)s "
            "nobody else would be. Give the role to someone else first."
        )
        % {"date": iso(day)}
    )


def refuse_second_city_director(user: User, start: dt.date, end: dt.date | None) -> None:
    """The city has one city director: refuse a period that overlaps another active holder's."""
    others = (
        RoleAssignment.objects.current_or_future(start)
        .filter(role=Role.CITY_DIRECTOR, user__is_active=True)
        .exclude(user=user)
        .select_related("user")
    )
    for other in others:
        if other.overlaps(start, end):
            raise DomainError(
                _(
                    "The city has one city director: %(name)s holds the role from %(start)s "
                    "until %(end)s. End that role first."
                )
                % {
                    "name": other.user.full_name,
                    "start": iso(other.valid_from),
                    "end": iso(other.valid_until),
                }
            )


def check_period_end(period, valid_until: dt.date, day: dt.date) -> None:
    if period.withdrawn_at is not None:
        raise DomainError(_("This has been withdrawn and cannot be changed."))
    if period.valid_until is not None and period.valid_until < day:
        raise DomainError(_("This ended on %(date)s.") % {"date": iso(period.valid_until)})
    if valid_until < period.valid_from:
        raise DomainError(
            _("The end date cannot be before the start date (%(date)s).")
            % {"date": iso(period.valid_from)},
            field="valid_until",
        )
    if valid_until < day:
        raise DomainError(
            _("The end date cannot be in the past. The earliest is today, %(date)s.")
            % {"date": iso(day)},
            field="valid_until",
        )
    if period.valid_until is not None and valid_until > period.valid_until:
        raise DomainError(
            _(
                "This already ends on %(date)s; an end date can only be brought forward. To "
                "continue after that day, give it again from the day after."
            )
            % {"date": iso(period.valid_until)},
            field="valid_until",
        )


def period_withdraw(period, *, actor, day: dt.date, not_begun_message, action: str, data: dict):
    """Withdraw a role or membership that has not begun: it never comes into force."""
    if period.withdrawn_at is not None:
        raise DomainError(_("This has already been withdrawn."))
    if period.valid_from <= day:
        raise DomainError(not_begun_message % {"date": iso(period.valid_from)})
    period.withdrawn_at = timezone.now()
    period.save(update_fields=["withdrawn_at"])
    event_record(actor=actor, action=action, target=period.user, data=data)
    return period
