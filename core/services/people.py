"""Managing people: invitations, details, activation, roles and memberships.

Every function is one business action: it checks the rules, writes, logs one event and queues
its e-mail after commit. The caller has checked access (``core.access``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import event_record
from core.locks import advisory_lock
from core.models import Invitation, Membership, Organisation, Role, RoleAssignment, User
from core.services.mail import email_queue, email_render


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def _check_period(valid_from: dt.date, valid_until: dt.date | None, today: dt.date) -> None:
    """A new role or membership runs from today or later: what the system records is what was
    decided in it, so a start in the past would rewrite who held what on earlier days."""
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The end date cannot be before the start date."), field="valid_until")
    if valid_from < today:
        raise DomainError(
            _("The start cannot be in the past. The earliest start is today, %(date)s.")
            % {"date": _iso(today)},
            field="valid_from",
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock_user(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


# --- Fund administrators must never run out --------------------------------------------------


def _first_uncovered_day(start: dt.date, end: dt.date | None, periods) -> dt.date | None:
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


def _fund_admin_gap(
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
    return _first_uncovered_day(start, end, periods)


def _refuse_last_fund_admin(day: dt.date) -> DomainError:
    return DomainError(
        _(
            "There must always be at least one active fund administrator, and on %(date)s "
            "nobody else would be. Give the role to someone else first."
        )
        % {"date": _iso(day)}
    )


# --- Invitations -----------------------------------------------------------------------------


def _invitation_create(*, actor, user: User) -> tuple[Invitation, str]:
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    link = settings.SITE_URL + reverse("invitation_accept", args=[token])
    subject, body = email_render(
        "invitation",
        {
            "user": user,
            "actor": actor,
            "link": link,
            "expires_at": invitation.expires_at,
        },
        language=user.language,
    )
    email_queue(kind="invitation", to=[user.email], subject=subject, body=body, secrets=[link])
    return invitation, token


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    language: str = "sv",
    organisation: Organisation | None = None,
    title: str = "",
    roles: list[str] | tuple[str, ...] = (),
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    today: dt.date | None = None,
) -> Invitation:
    """Create a person with their first membership and roles, and e-mail them a link to choose
    a password. Nothing is stored unless all of it can be."""
    day = _today(today)
    email = email.strip().lower()
    _check_period(valid_from, valid_until, day)
    if Role.APPLICANT in roles and organisation is None:
        raise DomainError(
            _("An applicant acts for an organisation: choose which one."), field="organisation"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("There is already a user with the e-mail address %(email)s.") % {"email": email},
            field="email",
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, full_name=full_name, language=language)
    except IntegrityError as clash:  # the same address invited at the same moment
        raise DomainError(
            _("There is already a user with the e-mail address %(email)s.") % {"email": email},
            field="email",
        ) from clash
    event_record(actor=actor, action="user.invited", target=user, data={"email": email})
    if organisation is not None:
        membership_add(
            actor=actor,
            user=user,
            organisation=organisation,
            title=title,
            valid_from=valid_from,
            valid_until=valid_until,
            today=day,
        )
    for role in roles:
        role_assign(
            actor=actor,
            user=user,
            role=role,
            valid_from=valid_from,
            valid_until=valid_until,
            today=day,
        )
    invitation, _token = _invitation_create(actor=actor, user=user)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, user: User) -> Invitation:
    user = _lock_user(user)
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    if user.has_usable_password():
        raise DomainError(
            _("%(name)s has already accepted the invitation. Send a password reset instead.")
            % {"name": user.full_name}
        )
    invitation, _token = _invitation_create(actor=actor, user=user)
    event_record(actor=actor, action="user.invitation_resent", target=user)
    return invitation


def invitation_check(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a link stands for, or a DomainError that says why it cannot be used."""
    invitations = Invitation.objects.select_related("user")
    if for_update:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=_token_hash(token)).first()
    if invitation is None:
        raise DomainError(
            _("The invitation link is not valid. Check that you copied the whole link."),
            code="invalid",
        )
    if invitation.accepted_at is not None:
        raise DomainError(
            _(
                "This invitation has already been used. Log in with your e-mail address and "
                "the password you chose, or reset your password if you have forgotten it."
            ),
            code="used",
        )
    if invitation.revoked_at is not None:
        raise DomainError(
            _(
                "This invitation has been replaced by a newer one. Use the link in the latest "
                "e-mail."
            ),
            code="replaced",
        )
    if invitation.expires_at <= timezone.now():
        raise DomainError(
            _("This invitation expired on %(date)s. Ask a fund administrator to send a new one.")
            % {"date": timezone.localtime(invitation.expires_at).date().isoformat()},
            code="expired",
        )
    if not invitation.user.is_active:
        raise DomainError(_("The account has been deactivated."), code="inactive")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited person's password. The invitation row is locked, so a link clicked
    twice at once is used once; the second use is refused with the reason."""
    invitation = invitation_check(token, for_update=True)
    user = _lock_user(invitation.user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    event_record(actor=user, action="user.invitation_accepted", target=user)
    return user


# --- Details, activation, passwords -----------------------------------------------------------


@transaction.atomic
def user_update(
    *, actor: User, user: User, full_name: str, email: str, language: str, is_staff: bool
) -> User:
    user = _lock_user(user)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise DomainError(
            _("There is already a user with the e-mail address %(email)s.") % {"email": email},
            field="email",
        )
    changed = {
        name: value
        for name, value in {
            "full_name": full_name,
            "email": email,
            "language": language,
            "is_staff": is_staff,
        }.items()
        if getattr(user, name) != value
    }
    if not changed:
        return user
    old_email = user.email
    for name, value in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    event_record(actor=actor, action="user.updated", target=user, data={"fields": sorted(changed)})
    if "email" in changed and user.is_active:
        if user.has_usable_password():
            # Tell the old address, so that a change nobody asked for does not go unnoticed.
            subject, body = email_render(
                "email_changed",
                {"user": user, "actor": actor, "old_email": old_email},
                language=user.language,
            )
            email_queue(kind="email_changed", to=[old_email], subject=subject, body=body)
        elif Invitation.objects.filter(
            user=user, accepted_at__isnull=True, revoked_at__isnull=True
        ).exists():
            # An invitation sent to the old (perhaps mistyped) address must stop working.
            _invitation_create(actor=actor, user=user)
            event_record(actor=actor, action="user.invitation_resent", target=user)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str, today: dt.date | None = None) -> User:
    """Deactivate a person: they can no longer log in; everything they did stays on record."""
    day = _today(today)
    advisory_lock("role:fund_admin")
    user = _lock_user(user)
    if not reason.strip():
        raise DomainError(_("Give a reason for deactivating."), field="reason")
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate yourself."))
    if not user.is_active:
        raise DomainError(_("%(name)s is already deactivated.") % {"name": user.full_name})
    for held in RoleAssignment.objects.current_or_future(day).filter(
        user=user, role=Role.FUND_ADMIN
    ):
        gap = _fund_admin_gap(max(held.valid_from, day), held.valid_until, without_user=user)
        if gap is not None:
            raise _refuse_last_fund_admin(gap)
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    event_record(
        actor=actor,
        action="user.deactivated",
        target=user,
        from_state="active",
        to_state="inactive",
        comment=reason.strip(),
    )
    return user


def _refuse_second_city_director(user: User, start: dt.date, end: dt.date | None) -> None:
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
                    "start": _iso(other.valid_from),
                    "end": _iso(other.valid_until),
                }
            )


@transaction.atomic
def user_reactivate(
    *, actor: User, user: User, reason: str = "", today: dt.date | None = None
) -> User:
    day = _today(today)
    advisory_lock(f"role:{Role.CITY_DIRECTOR}")
    user = _lock_user(user)
    if user.is_active:
        raise DomainError(_("%(name)s is already active.") % {"name": user.full_name})
    for held in RoleAssignment.objects.current_or_future(day).filter(
        user=user, role=Role.CITY_DIRECTOR
    ):
        _refuse_second_city_director(user, max(held.valid_from, day), held.valid_until)
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    event_record(
        actor=actor,
        action="user.reactivated",
        target=user,
        from_state="inactive",
        to_state="active",
        comment=reason.strip(),
    )
    return user


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])


@transaction.atomic
def password_reset_send(*, user: User, actor: User | None = None) -> None:
    """E-mail the person a one-day link to choose a new password (asked for by themselves on
    the login page, or by a fund administrator)."""
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    link = password_reset_link(user)
    subject, body = email_render(
        "password_reset", {"user": user, "actor": actor, "link": link}, language=user.language
    )
    email_queue(kind="password_reset", to=[user.email], subject=subject, body=body, secrets=[link])
    if actor is not None:
        event_record(actor=actor, action="user.password_reset_sent", target=user)


# --- Roles ---------------------------------------------------------------------------------------


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
    day = _today(today)
    if role not in Role.values:
        raise DomainError(_("Choose one of the roles in the list."), field="role")
    _check_period(valid_from, valid_until, day)
    advisory_lock(f"role:{role}")
    user = _lock_user(user)
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
                    "start": _iso(existing.valid_from),
                    "end": _iso(existing.valid_until),
                }
            )
    if role == Role.CITY_DIRECTOR:
        _refuse_second_city_director(user, valid_from, valid_until)
    assignment = RoleAssignment.objects.create(
        user=user, role=role, valid_from=valid_from, valid_until=valid_until, created_by=actor
    )
    event_record(
        actor=actor,
        action="role.assigned",
        target=user,
        data={"role": role, "valid_from": _iso(valid_from), "valid_until": _iso(valid_until)},
    )
    return assignment


def _period_end_check(period, valid_until: dt.date, day: dt.date) -> None:
    if period.withdrawn_at is not None:
        raise DomainError(_("This has been withdrawn and cannot be changed."))
    if period.valid_until is not None and period.valid_until < day:
        raise DomainError(_("This ended on %(date)s.") % {"date": _iso(period.valid_until)})
    if valid_until < period.valid_from:
        raise DomainError(
            _("The end date cannot be before the start date (%(date)s).")
            % {"date": _iso(period.valid_from)},
            field="valid_until",
        )
    if valid_until < day:
        raise DomainError(
            _("The end date cannot be in the past. The earliest is today, %(date)s.")
            % {"date": _iso(day)},
            field="valid_until",
        )
    if period.valid_until is not None and valid_until > period.valid_until:
        raise DomainError(
            _(
                "This already ends on %(date)s; an end date can only be brought forward. To "
                "continue after that day, give it again from the day after."
            )
            % {"date": _iso(period.valid_until)},
            field="valid_until",
        )


@transaction.atomic
def role_end(
    *,
    actor: User,
    assignment: RoleAssignment,
    valid_until: dt.date,
    today: dt.date | None = None,
) -> RoleAssignment:
    """End a role on a date (inclusive): the person holds it until the end of that day."""
    day = _today(today)
    advisory_lock(f"role:{assignment.role}")
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    _period_end_check(assignment, valid_until, day)
    if assignment.role == Role.FUND_ADMIN and assignment.user.is_active:
        gap = _fund_admin_gap(
            valid_until + dt.timedelta(days=1),
            assignment.valid_until,
            without_assignments=[assignment],
        )
        if gap is not None:
            raise _refuse_last_fund_admin(gap)
    assignment.valid_until = valid_until
    assignment.save(update_fields=["valid_until"])
    event_record(
        actor=actor,
        action="role.ended",
        target=assignment.user,
        data={"role": assignment.role, "valid_until": _iso(valid_until)},
    )
    return assignment


def _withdraw(period, *, actor, day: dt.date, not_begun_message, action: str, data: dict):
    """Withdraw a role or membership that has not begun: it never comes into force."""
    if period.withdrawn_at is not None:
        raise DomainError(_("This has already been withdrawn."))
    if period.valid_from <= day:
        raise DomainError(not_begun_message % {"date": _iso(period.valid_from)})
    period.withdrawn_at = timezone.now()
    period.save(update_fields=["withdrawn_at"])
    event_record(actor=actor, action=action, target=period.user, data=data)
    return period


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
        gap = _fund_admin_gap(
            assignment.valid_from, assignment.valid_until, without_assignments=[assignment]
        )
        if gap is not None and assignment.valid_from > _today(today):
            raise _refuse_last_fund_admin(gap)
    return _withdraw(
        assignment,
        actor=actor,
        day=_today(today),
        not_begun_message=_("The role began on %(date)s and can only be ended, not withdrawn."),
        action="role.withdrawn",
        data={"role": assignment.role},
    )


# --- Memberships ---------------------------------------------------------------------------


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
    day = _today(today)
    _check_period(valid_from, valid_until, day)
    user = _lock_user(user)
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    if organisation.active_until is not None and organisation.active_until < valid_from:
        raise DomainError(
            _("%(organisation)s ceased on %(date)s.")
            % {"organisation": organisation.name, "date": _iso(organisation.active_until)},
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
                    "start": _iso(membership.valid_from),
                    "end": _iso(membership.valid_until),
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
        data={"organisation": organisation.name, "valid_from": _iso(valid_from)},
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, valid_until: dt.date, today: dt.date | None = None
) -> Membership:
    day = _today(today)
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    _period_end_check(membership, valid_until, day)
    membership.valid_until = valid_until
    membership.save(update_fields=["valid_until"])
    event_record(
        actor=actor,
        action="membership.ended",
        target=membership.user,
        data={"organisation": membership.organisation.name, "valid_until": _iso(valid_until)},
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
    return _withdraw(
        membership,
        actor=actor,
        day=_today(today),
        not_begun_message=_(
            "The membership began on %(date)s and can only be ended, not withdrawn."
        ),
        action="membership.withdrawn",
        data={"organisation": membership.organisation.name},
    )
