"""Role questions, answered in one place and called first in every view.

A role counts on a day when its assignment is in force that day (inclusive dates, not
withdrawn) and the person is active. The answers are cached on the user object for the day
asked. A logged-in request's user comes with its standing today (roles, organisations, the
delegation it acts under, and the yes/no questions apps register), loaded in the same query as
the person (``with_standing``, by ``core.backends.PersonBackend``): the menu and the role
questions of a page then ask the database nothing more.

Object access (``get_<thing>_for(user, pk, write=False)``) returns the object, or raises
``Http404`` when it is missing or not the user's to see (the same answer, so that the existence
of other people's cases is not revealed), or ``PermissionDenied`` when the user may see it but
not change it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from core import prepared
from core.models import Delegation, Fund, Membership, Organisation, Role, RoleAssignment, User

# Roles whose holders may read every non-draft record. (The people register is narrower:
# fund administrators and auditors, see can_read_users.)
READ_ALL_ROLES = frozenset({Role.FUND_ADMIN, Role.CITY_DIRECTOR, Role.AUDITOR})


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def is_person(user) -> bool:
    """An active, logged-in person."""
    return _is_person(user)


def _is_person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- The standing: what the role questions ask, loaded with the person ----------------------

# Yes/no questions about a person that apps ask on every page (the menu), as expressions on
# the user's row (``OuterRef("pk")``), registered at start-up (``AppConfig.ready``).
_FLAGS: dict[str, Callable[[dt.date], object]] = {}


def register_standing_flag(name: str, expression: Callable[[dt.date], object]) -> None:
    """A question answered with the person's standing, read back with ``standing_flag``:
    ``expression(day)`` is the annotation for the day the standing is loaded for (never today
    taken inside it: the query is compiled once per process, and a day is a parameter)."""
    _FLAGS[name] = expression


def _joined(queryset, column) -> Subquery:
    """One comma-separated text of ``column`` over a per-user queryset (NULL when empty)."""
    return Subquery(
        queryset.filter(user_id=OuterRef("pk"))
        .order_by()
        .values("user_id")
        .annotate(joined=StringAgg(column, Value(",")))
        .values("joined")
    )


def with_standing(users, day: dt.date):
    """``users`` annotated with their standing on ``day``: roles, organisation ids, whether
    a delegation names them delegate that day (whether it counts, ``active_delegation_for``
    asks only then: a rare case, and a query PostgreSQL takes longer to plan), and the
    registered flags. ``remember_standing`` puts it where the role questions look, so loading
    a person with it costs one query instead of one per kind."""
    delegated = Delegation.objects.active_on(day).filter(delegate_id=OuterRef("pk"))
    return users.annotate(
        standing_roles=_joined(RoleAssignment.objects.active_on(day), "role"),
        standing_organisations=_joined(
            Membership.objects.active_on(day), Cast("organisation_id", CharField())
        ),
        standing_delegated=Exists(delegated),
        **{f"standing_flag_{name}": expression(day) for name, expression in _FLAGS.items()},
    )


# Compiling the standing's subqueries costs the ORM more time than PostgreSQL takes to run
# them, on every request; so the query is compiled once per process and database vendor, with
# stand-in values for the person and the day, which each request replaces.
_STAND_IN_PK = -7_654_321
_STAND_IN_DAY = dt.date(1901, 2, 3)
_COMPILED: dict[str, tuple[str, tuple, list[str], list[str]]] = {}


def person_with_standing(pk, day: dt.date) -> User | None:
    """The person with this pk (any, active or not) loaded with their standing on ``day``
    (``with_standing``, ``remember_standing`` done), in one query; None if there is none."""
    vendor = connection.vendor
    if vendor not in _COMPILED:
        users = with_standing(User.objects.filter(pk=_STAND_IN_PK), _STAND_IN_DAY).order_by()
        fields = [field.attname for field in User._meta.concrete_fields]
        _COMPILED[vendor] = (
            *users.query.sql_with_params(),
            fields,
            list(users.query.annotation_select),
        )
    sql, stand_ins, fields, annotations = _COMPILED[vendor]
    # A backend may have adapted the dates already (SQLite's are ISO strings).
    days = {_STAND_IN_DAY: day, _STAND_IN_DAY.isoformat(): day.isoformat()}
    params = [
        pk
        if value == _STAND_IN_PK and not isinstance(value, bool)
        else days.get(value, value)
        if isinstance(value, (dt.date, str))
        else value
        for value in stand_ins
    ]
    # A plain cursor and ``from_db`` (as the ORM builds a row): a raw queryset spent more time
    # mapping its columns than PostgreSQL took to answer.
    row = prepared.fetch_one(sql, params)
    if row is None:
        return None
    user = User.from_db(connection.alias, fields, row[: len(fields)])
    for name, value in zip(annotations, row[len(fields) :], strict=True):
        setattr(user, name, value)
    remember_standing(user, day)
    return user


def _memo(user) -> dict:
    """The answers kept on the user object (set as an attribute, so that it reaches the person
    through the lazy ``request.user`` too)."""
    try:
        return user.fondadmin_memo
    except AttributeError:
        user.fondadmin_memo = {}
        return user.fondadmin_memo


def remember_standing(user, day: dt.date) -> None:
    """Put a user's standing annotations (``with_standing``) where the role questions look."""
    memo = _memo(user)
    memo.setdefault("roles", {})[day] = frozenset(
        filter(None, (user.standing_roles or "").split(","))
    )
    memo.setdefault("organisation_ids", {})[day] = frozenset(
        int(pk) for pk in (user.standing_organisations or "").split(",") if pk
    )
    if not user.standing_delegated:
        memo.setdefault("delegation", {})[day] = None  # no delegation names them today
    memo["flags"] = {name: bool(getattr(user, f"standing_flag_{name}")) for name in _FLAGS}


def standing_flag(user, name: str, ask: Callable[[], bool]) -> bool:
    """A registered flag's answer: from the standing when the person was loaded with it,
    otherwise ``ask()`` (once per user object)."""
    if not _is_person(user):
        return False
    flags = _memo(user).setdefault("flags", {})
    if name not in flags:
        flags[name] = bool(ask())
    return flags[name]


def active_roles(user, on: dt.date | None = None) -> frozenset[str]:
    """The roles the user holds on the day (today by default)."""
    if not _is_person(user):
        return frozenset()
    day = _today(on)
    cache = _memo(user).setdefault("roles", {})
    if day not in cache:
        cache[day] = frozenset(
            RoleAssignment.objects.active_on(day)
            .filter(user_id=user.pk)
            .values_list("role", flat=True)
        )
    return cache[day]


def has_role(user, role: str, on: dt.date | None = None) -> bool:
    return role in active_roles(user, on)


def has_any_role(user, roles, on: dt.date | None = None) -> bool:
    return bool(active_roles(user, on) & set(roles))


def organisations_of(user, on: dt.date | None = None) -> list[Organisation]:
    """The organisations the user belongs to on the day, by name."""
    if not _is_person(user):
        return []
    day = _today(on)
    cache = _memo(user).setdefault("organisations", {})
    if day not in cache:
        cache[day] = [
            m.organisation
            for m in Membership.objects.active_on(day)
            .filter(user_id=user.pk)
            .select_related("organisation")
            .order_by("organisation__name")
        ]
    return cache[day]


def organisation_ids_of(user, on: dt.date | None = None) -> frozenset[int]:
    """The ids of the organisations the user belongs to on the day (from the standing when
    the person was loaded with it)."""
    if not _is_person(user):
        return frozenset()
    day = _today(on)
    cache = _memo(user).setdefault("organisation_ids", {})
    if day not in cache:
        cache[day] = frozenset(org.pk for org in organisations_of(user, day))
    return cache[day]


def applicant_organisations(user, on: dt.date | None = None) -> list[Organisation]:
    """Organisations the user may write cases for: applicant role, a membership, and an
    organisation that can own cases (a non-profit partner never can)."""
    if not has_role(user, Role.APPLICANT, on):
        return []
    return [org for org in organisations_of(user, on) if org.can_own_cases]


@dataclass(frozen=True)
class CityDirectorCapacity:
    """In what capacity a person takes the city director's decisions on a day."""

    principal: User
    delegation: Delegation | None

    @property
    def on_delegation(self) -> bool:
        return self.delegation is not None


def active_delegation_for(user, on: dt.date | None = None) -> Delegation | None:
    """The delegation that makes this user the city director's delegate on the day."""
    if not _is_person(user):
        return None
    day = _today(on)
    cache = _memo(user).setdefault("delegation", {})
    if day not in cache:
        # A delegation counts only while the one who gave it is city director (a former
        # director's delegation may still be on record for the same days).
        cache[day] = next(
            (
                delegation
                for delegation in Delegation.objects.active_on(day)
                .filter(delegate_id=user.pk, delegator__is_active=True)
                .select_related("delegator")
                .order_by("-valid_from", "-pk")
                if has_role(delegation.delegator, Role.CITY_DIRECTOR, day)
            ),
            None,
        )
    return cache[day]


def city_director_capacity(user, on: dt.date | None = None) -> CityDirectorCapacity | None:
    """The city director acts in their own right; a named delegate acts "på delegation"
    during the delegation's period. Anyone else: None."""
    if has_role(user, Role.CITY_DIRECTOR, on):
        return CityDirectorCapacity(principal=user, delegation=None)
    delegation = active_delegation_for(user, on)
    if delegation:
        return CityDirectorCapacity(principal=delegation.delegator, delegation=delegation)
    return None


# --- Questions the views ask ------------------------------------------------------------------


def can_manage_users(user) -> bool:
    return has_role(user, Role.FUND_ADMIN)


def can_read_users(user) -> bool:
    return has_any_role(user, {Role.FUND_ADMIN, Role.AUDITOR})


def can_manage_delegations(user) -> bool:
    """Only the city director names a delegate (a delegate cannot delegate further)."""
    return has_role(user, Role.CITY_DIRECTOR)


def can_read_delegations(user) -> bool:
    return has_any_role(user, READ_ALL_ROLES) or active_delegation_for(user) is not None


def get_user_for(viewer, pk: int, *, write: bool = False) -> User:
    """A person's record for the user-management pages."""
    if not can_read_users(viewer):
        raise Http404
    try:
        person = User.objects.get(pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_manage_users(viewer):
        raise PermissionDenied
    return person


def get_delegation_for(viewer, pk: int, *, write: bool = False) -> Delegation:
    if not can_read_delegations(viewer):
        raise Http404
    try:
        delegation = Delegation.objects.select_related("delegator", "delegate").get(pk=pk)
    except Delegation.DoesNotExist as missing:
        raise Http404 from missing
    if write and not (can_manage_delegations(viewer) and delegation.delegator_id == viewer.pk):
        raise PermissionDenied
    return delegation


# --- Organisations, funds, the ledger and the register ----------------------------------------


def reads_everything(user) -> bool:
    """Fund administrators, the city director (and the delegate during a delegation) and
    auditors: every non-draft record, every score, the whole ledger."""
    return has_any_role(user, READ_ALL_ROLES) or active_delegation_for(user) is not None


def can_read_funds(user) -> bool:
    """The whole ledger. (An organisation sees the entries about its own projects on those
    projects' pages.)"""
    return reads_everything(user)


def can_manage_funds(user) -> bool:
    return has_role(user, Role.FUND_ADMIN)


def can_read_register(user) -> bool:
    return can_read_funds(user)


def can_manage_organisations(user) -> bool:
    return has_role(user, Role.FUND_ADMIN)


def get_fund_for(viewer, pk: int, *, write: bool = False) -> Fund:
    if not can_read_funds(viewer):
        raise Http404
    try:
        fund = Fund.objects.get(pk=pk)
    except Fund.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_manage_funds(viewer):
        raise PermissionDenied
    return fund


def get_organisation_for(viewer, pk: int, *, write: bool = False) -> Organisation:
    """Organisations are no secret: every person with an account may read them."""
    if not _is_person(viewer):
        raise Http404
    try:
        organisation = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_manage_organisations(viewer):
        raise PermissionDenied
    return organisation
