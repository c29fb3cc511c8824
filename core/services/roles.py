"""Roles and memberships: given for a period, ended on a date, or withdrawn before they begin.

Every function is one business action: it checks the rules, writes and logs one event. The
caller has checked access (``core.access``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record
from core.locks import advisory_lock
from core.models import Membership, Organisation, Role, RoleAssignment, User
from core.services.role_rules import (
    check_new_period,
    check_period_end,
    fund_admin_gap,
    iso,
    last_fund_admin_refusal,
    period_withdraw,
    refuse_second_city_director,
    today_or,
    user_lock,
)


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
) -> RoleAssignment:
    day = today_or(today)
    if role not in Role.values:
        raise DomainError(_("Choose one of the roles in the list."), field="role")
    check_new_period(valid_from, valid_until, day)
    advisory_lock(f"role:{role}")
    user = user_lock(user)
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    same = RoleAssignment.objects.current_or_future(valid_from).filter(user=user, role=role)
    for existing in same:
        if existing.overlaps(valid_from, valid_until):
            raise DomainError(
                _("%(name)s already holds the role %(role)s from %(start)s until %(end)s.")
                % {
                    "name": user.full_name,
                    "role": Role(role).label,
                    "start": iso(existing.valid_from),
                    "end": iso(existing.valid_until),
                }
            )
    if role == Role.CITY_DIRECTOR:
        refuse_second_city_director(user, valid_from, valid_until)
    assignment = RoleAssignment.objects.create(
        user=user, role=role, valid_from=valid_from, valid_until=valid_until, created_by=actor
    )
    event_record(
        actor=actor,
        action="role.assigned",
        target=user,
        data={"role": role, "valid_from": iso(valid_from), "valid_until": iso(valid_until)},
    )
    return assignment


@transaction.atomic
def role_end(
    *,
    actor: User,
    assignment: RoleAssignment,
    valid_until: dt.date,
    today: dt.date | None = None,
) -> RoleAssignment:
    """End a role on a date (inclusive): the person holds it until the end of that day."""
    day = today_or(today)
    advisory_lock(f"role:{assignment.role}")
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    check_period_end(assignment, valid_until, day)
    if assignment.role == Role.FUND_ADMIN and assignment.user.is_active:
        gap = fund_admin_gap(
            valid_until + dt.timedelta(days=1),
            assignment.valid_until,
            without_assignments=[assignment],
        )
        if gap is not None:
            raise last_fund_admin_refusal(gap)
    assignment.valid_until = valid_until
    assignment.save(update_fields=["valid_until"])
    event_record(
        actor=actor,
        action="role.ended",
        target=assignment.user,
        data={"role": assignment.role, "valid_until": iso(valid_until)},
    )
    return assignment


@transaction.atomic
def role_withdraw(
    *, actor: User, assignment: RoleAssignment, today: dt.date | None = None
) -> RoleAssignment:
    """Withdraw a role that has not begun (given by mistake)."""
    advisory_lock(f"role:{assignment.role}")
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if (
        assignment.role == Role.FUND_ADMIN
        and assignment.withdrawn_at is None
        and assignment.user.is_active
    ):
        gap = fund_admin_gap(
            assignment.valid_from, assignment.valid_until, without_assignments=[assignment]
        )
        if gap is not None and assignment.valid_from > today_or(today):
            raise last_fund_admin_refusal(gap)
    return period_withdraw(
        assignment,
        actor=actor,
        day=today_or(today),
        not_begun_message=_("The role began on %(date)s and can only be ended, not withdrawn."),
        action="role.withdrawn",
        data={"role": assignment.role},
    )


@transaction.atomic
def membership_add(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    title: str = "",
    today: dt.date | None = None,
) -> Membership:
    day = today_or(today)
    check_new_period(valid_from, valid_until, day)
    user = user_lock(user)
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    if organisation.active_until is not None and organisation.active_until < valid_from:
        raise DomainError(
            _("%(organisation)s ceased on %(date)s.")
            % {"organisation": organisation.name, "date": iso(organisation.active_until)},
            field="organisation",
        )
    existing = Membership.objects.current_or_future(valid_from).filter(
        user=user, organisation=organisation
    )
    for membership in existing:
        if membership.overlaps(valid_from, valid_until):
            raise DomainError(
                _("%(name)s is already a member of %(organisation)s from %(start)s until %(end)s.")
                % {
                    "name": user.full_name,
                    "organisation": organisation.name,
                    "start": iso(membership.valid_from),
                    "end": iso(membership.valid_until),
                },
                field="organisation",
            )
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        title=title,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    event_record(
        actor=actor,
        action="membership.added",
        target=user,
        data={"organisation": organisation.name, "valid_from": iso(valid_from)},
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, valid_until: dt.date, today: dt.date | None = None
) -> Membership:
    day = today_or(today)
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    check_period_end(membership, valid_until, day)
    membership.valid_until = valid_until
    membership.save(update_fields=["valid_until"])
    event_record(
        actor=actor,
        action="membership.ended",
        target=membership.user,
        data={"organisation": membership.organisation.name, "valid_until": iso(valid_until)},
    )
    return membership


@transaction.atomic
def membership_withdraw(
    *, actor: User, membership: Membership, today: dt.date | None = None
) -> Membership:
    """Withdraw a membership that has not begun (added by mistake)."""
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    return period_withdraw(
        membership,
        actor=actor,
        day=today_or(today),
        not_begun_message=_(
            "The membership began on %(date)s and can only be ended, not withdrawn."
        ),
        action="membership.withdrawn",
        data={"organisation": membership.organisation.name},
    )
