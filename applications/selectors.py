"""Reads of this app that the start page composes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Call, CallState
from core import access
from core.attention import Attention
from core.models import Role


def attention_for(user) -> list[Attention]:
    """Open calls for applicants; drafts to publish and links for fund administrators."""
    items: list[Attention] = []
    today = timezone.localdate()
    roles = access.active_roles(user)
    if Role.APPLICANT in roles:
        open_calls = Call.objects.filter(
            state=CallState.PUBLISHED, idea_sketch_deadline__gte=today
        ).order_by("idea_sketch_deadline")
        for call in open_calls:
            items.append(
                Attention(
                    role=Role.APPLICANT,
                    title=_("Open call: %(title)s") % {"title": call.title},
                    url=reverse("calls:detail", args=[call.pk]),
                    detail=_("Idea sketches until %(date)s.")
                    % {"date": call.idea_sketch_deadline.isoformat()},
                    kind="info",
                )
            )
    if Role.FUND_ADMIN in roles:
        drafts = Call.objects.filter(state=CallState.DRAFT).count()
        if drafts:
            items.append(
                Attention(
                    role=Role.FUND_ADMIN,
                    title=ngettext(
                        "%(count)s call in draft, not yet published",
                        "%(count)s calls in draft, not yet published",
                        drafts,
                    )
                    % {"count": drafts},
                    url=reverse("calls:list"),
                    count=drafts,
                )
            )
        items += [
            Attention(
                role=Role.FUND_ADMIN, title=_("Calls"), url=reverse("calls:list"), kind="link"
            ),
            Attention(
                role=Role.FUND_ADMIN,
                title=_("Funds and the ledger"),
                url=reverse("funds:list"),
                kind="link",
            ),
        ]
    return items
