"""Reads that pages and other apps use: named, with their own joins."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from core import access
from core.attention import DELEGATE, Attention, counted, counts
from core.events import activity_log
from core.models import (
    Comment,
    Delegation,
    Invitation,
    Membership,
    Reorganisation,
    ReorganisationShare,
    Role,
    RoleAssignment,
    User,
)


def people_with_role(role: str, on: dt.date | None = None) -> QuerySet[User]:
    """Active people holding the role on the day (today by default)."""
    day = on or timezone.localdate()
    return User.objects.filter(
        is_active=True,
        role_assignments__in=RoleAssignment.objects.active_on(day).filter(role=role),
    ).distinct()


def fund_administrators(on: dt.date | None = None) -> QuerySet[User]:
    return people_with_role(Role.FUND_ADMIN, on)


def city_director_and_delegates(on: dt.date | None = None) -> list[User]:
    """Who takes the city director's decisions on the day: the city director and the delegates
    whose delegation is in force."""
    day = on or timezone.localdate()
    people = list(people_with_role(Role.CITY_DIRECTOR, day))
    people += [d.delegate for d in Delegation.objects.active_on(day).select_related("delegate")]
    return people


def user_list(
    *,
    search: str = "",
    role: str = "",
    organisation_id: int | None = None,
    status: str = "",
    on: dt.date | None = None,
) -> QuerySet[User]:
    """People for the user register, with today's roles and memberships loaded."""
    day = on or timezone.localdate()
    people = User.objects.all()
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role:
        people = people.filter(
            pk__in=RoleAssignment.objects.active_on(day).filter(role=role).values("user_id")
        )
    if organisation_id:
        people = people.filter(
            pk__in=Membership.objects.active_on(day)
            .filter(organisation_id=organisation_id)
            .values("user_id")
        )
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    elif status == "invited":
        people = people.filter(
            is_active=True,
            pk__in=Invitation.objects.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).values("user_id"),
        )
    return people.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.active_on(day).order_by("role"),
            to_attr="current_roles",
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.active_on(day)
            .select_related("organisation")
            .order_by("organisation__name"),
            to_attr="current_memberships",
        ),
    ).order_by("full_name", "email")


def user_detail(user: User) -> dict:
    """Everything the person page shows about one person, in a fixed number of queries."""
    return {
        "roles": list(
            RoleAssignment.objects.filter(user=user)
            .select_related("created_by")
            .order_by("withdrawn_at", "-valid_from", "role")
        ),
        "memberships": list(
            Membership.objects.filter(user=user)
            .select_related("organisation", "created_by")
            .order_by("withdrawn_at", "-valid_from")
        ),
        "invitation": Invitation.objects.filter(user=user).select_related("created_by").first(),
        "delegations": list(
            Delegation.objects.filter(Q(delegator=user) | Q(delegate=user)).select_related(
                "delegator", "delegate"
            )
        ),
    }


def organisation_page(organisation) -> dict:
    """An organisation with its reorganisation (if it was replaced), the reorganisations it
    took over from, and its log."""
    return {
        "organisation": organisation,
        "reorganisation": Reorganisation.objects.filter(organisation=organisation)
        .select_related("recorded_by")
        .prefetch_related("shares__successor")
        .first(),
        "predecessors": ReorganisationShare.objects.filter(successor=organisation)
        .select_related("reorganisation__organisation")
        .order_by("-reorganisation__effective_from"),
        "events": activity_log(organisation),
        "today": timezone.localdate(),
    }


def delegations_visible_to(user) -> QuerySet[Delegation]:
    delegations = Delegation.objects.select_related("delegator", "delegate", "ended_by")
    if access.has_any_role(user, access.READ_ALL_ROLES):
        return delegations
    return delegations.filter(delegate=user)


def attention_for(user) -> list[Attention]:
    """What the people and roles part asks of this person today."""
    items: list[Attention] = []
    day = timezone.localdate()
    roles = access.active_roles(user)
    if Role.FUND_ADMIN in roles:
        items += [
            Attention(
                role=Role.FUND_ADMIN,
                title=_("Invite a user"),
                url=reverse("users:invite"),
                kind="link",
            ),
            Attention(
                role=Role.FUND_ADMIN,
                title=_("Users and roles"),
                url=reverse("users:list"),
                kind="link",
            ),
        ]
    if Role.APPLICANT in roles and not access.applicant_organisations(user):
        items.append(
            Attention(
                role=Role.APPLICANT,
                title=_("You are not linked to an organisation that can apply"),
                detail=_(
                    "Ask a fund administrator to add you to your committee or company, then "
                    "you can write idea sketches for it."
                ),
            )
        )
    if Role.AUDITOR in roles:
        items += [
            Attention(role=Role.AUDITOR, title=title, url=reverse(name), kind="link")
            for title, name in (
                (_("Funds and the ledger"), "funds:list"),
                (_("Register"), "register"),
                (_("Users and roles"), "users:list"),
            )
        ]
    if Role.CITY_DIRECTOR in roles:
        items.append(
            Attention(
                role=Role.CITY_DIRECTOR,
                title=_("Delegations"),
                url=reverse("delegations:list"),
                kind="link",
            )
        )
    if Role.FUND_ADMIN in roles:
        now = timezone.now()
        pending = Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, user__is_active=True
        )
        expired, waiting = counts(
            pending.filter(expires_at__lte=now), pending.filter(expires_at__gt=now)
        )
        items += counted(
            Role.FUND_ADMIN,
            expired,
            ngettext_lazy(
                "%(count)d invitation has expired without being accepted",
                "%(count)d invitations have expired without being accepted",
                "count",
            ),
            detail=_("Send them again from the person's page."),
            url=reverse("users:list") + "?status=invited",
        )
        items += counted(
            Role.FUND_ADMIN,
            waiting,
            ngettext_lazy(
                "%(count)d invitation is waiting to be accepted",
                "%(count)d invitations are waiting to be accepted",
                "count",
            ),
            url=reverse("users:list") + "?status=invited",
            kind="info",
        )
    if Role.CITY_DIRECTOR in roles:
        current = (
            Delegation.objects.current_or_future(day)
            .filter(delegator=user)
            .select_related("delegate")
            .order_by("valid_from")
            .first()
        )
        if current is None:
            items.append(
                Attention(
                    role=Role.CITY_DIRECTOR,
                    title=_("No delegate is named"),
                    detail=_("Name a delegate who decides in your place while you are away."),
                    url=reverse("delegations:create"),
                    kind="info",
                )
            )
        else:
            items.append(
                Attention(
                    role=Role.CITY_DIRECTOR,
                    title=_("%(name)s is your delegate from %(start)s until %(end)s")
                    % {
                        "name": current.delegate.full_name,
                        "start": current.valid_from.isoformat(),
                        "end": current.valid_until.isoformat(),
                    },
                    url=reverse("delegations:list"),
                    kind="info",
                )
            )
    delegation = access.active_delegation_for(user)
    if delegation is not None and Role.CITY_DIRECTOR not in roles:
        items.append(
            Attention(
                role=DELEGATE,
                title=_("You act for %(name)s until %(end)s")
                % {
                    "name": delegation.delegator.full_name,
                    "end": delegation.valid_until.isoformat(),
                },
                detail=_("Decisions you take for the city director are recorded as delegated."),
                url=reverse("delegations:list"),
                kind="info",
            )
        )
    return items


def thread(
    target,
    *,
    url: str,
    withdraw,
    can_comment: bool,
    about=None,
    about_choices=(),
    anchor: str = "comments",
    comments=None,
) -> dict:
    """A case's comment thread for ``includes/comments.html``: its comments, oldest first
    (about one organisation's rows, with ``about``), each with the address that withdraws it
    (``withdraw(comment)``), and the form's address and one-time key. ``comments``: the
    thread's comments when the caller has loaded them already (several threads of one target
    from one query)."""
    if comments is None:
        comments = list(Comment.objects.on(target, about=about))
    for comment in comments:
        comment.withdraw_url = withdraw(comment)
    return {
        "comments": comments,
        "can_comment": can_comment,
        "url": url,
        "key": uuid.uuid4(),
        "about": list(about_choices),
        "anchor": anchor,
    }
