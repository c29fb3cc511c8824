"""People: invitations, details, deactivation and reactivation, password resets.

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
from core.models import Invitation, Organisation, OutboundEmail, Role, RoleAssignment, User
from core.services.mail import email_queue, email_render
from core.services.role_rules import (
    check_new_period,
    fund_admin_gap,
    last_fund_admin_refusal,
    refuse_second_city_director,
    today_or,
    user_lock,
)
from core.services.roles import membership_add, role_assign


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_create(*, actor, user: User) -> tuple[Invitation, str]:
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=token_hash(token),
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
    day = today_or(today)
    email = email.strip().lower()
    check_new_period(valid_from, valid_until, day)
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
    user = user_lock(user)
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
    invitation = invitations.filter(token_hash=token_hash(token)).first()
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
    user = user_lock(invitation.user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    event_record(actor=user, action="user.invitation_accepted", target=user)
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, full_name: str, email: str, language: str, is_staff: bool
) -> User:
    user = user_lock(user)
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
    day = today_or(today)
    advisory_lock("role:fund_admin")
    user = user_lock(user)
    if not reason.strip():
        raise DomainError(_("Give a reason for deactivating."), field="reason")
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate yourself."))
    if not user.is_active:
        raise DomainError(_("%(name)s is already deactivated.") % {"name": user.full_name})
    for held in RoleAssignment.objects.current_or_future(day).filter(
        user=user, role=Role.FUND_ADMIN
    ):
        gap = fund_admin_gap(max(held.valid_from, day), held.valid_until, without_user=user)
        if gap is not None:
            raise last_fund_admin_refusal(gap)
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


@transaction.atomic
def user_reactivate(
    *, actor: User, user: User, reason: str = "", today: dt.date | None = None
) -> User:
    day = today_or(today)
    advisory_lock(f"role:{Role.CITY_DIRECTOR}")
    user = user_lock(user)
    if user.is_active:
        raise DomainError(_("%(name)s is already active.") % {"name": user.full_name})
    for held in RoleAssignment.objects.current_or_future(day).filter(
        user=user, role=Role.CITY_DIRECTOR
    ):
        refuse_second_city_director(user, max(held.valid_from, day), held.valid_until)
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


# Links a person may ask for on the login page in one hour. The page answers the same whether
# or not a link went out (or the account exists), so the cap tells nothing, and a stranger
# cannot fill someone's inbox with resets.
PASSWORD_RESETS_PER_HOUR = 3


def _resets_sent_last_hour(user: User) -> int:
    # ``to`` is a JSON list; filtered here, not in SQL, as SQLite (the demo) cannot.
    since = timezone.now() - dt.timedelta(hours=1)
    sent = OutboundEmail.objects.filter(kind="password_reset", created_at__gte=since)
    return sum(user.email in to for to in sent.values_list("to", flat=True))


@transaction.atomic
def password_reset_send(*, user: User, actor: User | None = None) -> None:
    """E-mail the person a one-day link to choose a new password (asked for by themselves on
    the login page, or by a fund administrator). Asked for by themselves, at most
    ``PASSWORD_RESETS_PER_HOUR`` links an hour: beyond that nothing is sent, silently."""
    if not user.is_active:
        raise DomainError(_("The user is deactivated. Reactivate them first."))
    if actor is None and _resets_sent_last_hour(user) >= PASSWORD_RESETS_PER_HOUR:
        return
    link = password_reset_link(user)
    subject, body = email_render(
        "password_reset", {"user": user, "actor": actor, "link": link}, language=user.language
    )
    email_queue(kind="password_reset", to=[user.email], subject=subject, body=body, secrets=[link])
    if actor is not None:
        event_record(actor=actor, action="user.password_reset_sent", target=user)
