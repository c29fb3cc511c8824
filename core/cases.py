"""What every kind of case shares in its queryset: who sees it (BRIEF.md "Who sees what") and
the filters of its list. Idea sketches and applications use it today, projects next.

A case's queryset subclasses ``CaseQuerySet`` and says what "submitted" means for it
(``submitted``), whom else it lets in (``also_visible``: assigned reviewers, the board
secretary) and who has declared a conflict with it (``declared_conflicts``). The case's
organisations and their parts come from ``core.conflicts``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core import access, conflicts
from core.events import event_record
from core.models import RegistrationNumber, Role


class CaseQuerySet(models.QuerySet):
    # The cases that have left the drafts (a Q on the case's own fields).
    submitted: Q = Q(pk__in=[])
    # The field that names the case's call, for the list filter.
    call_field = "call"

    def also_visible(self, user) -> Q | None:
        """Cases this person sees beyond the general rule (none by default)."""
        return None

    def declared_conflicts(self, user) -> Q | None:
        """Cases this person has declared a conflict of interest with (none by default)."""
        return None

    def also_beyond_own(self, user) -> bool:
        """Whether ``also_visible`` may let this person in at all (cheap: no query of the
        cases). False by default."""
        return False

    def beyond_own(self, user) -> bool:
        """Whether ``visible_to`` may show this person a case none of their organisations
        owns, co-owns or partners: a reader's role or delegation, a council member, or what
        ``also_visible`` lets in. When not, the cases they see are exactly those their
        organisations take part in (a later stage of the case can then ask that directly,
        without the cases' visibility as a subquery)."""
        return (
            access.has_any_role(
                user, {Role.FUND_ADMIN, Role.CITY_DIRECTOR, Role.AUDITOR, Role.COUNCIL_MEMBER}
            )
            or access.active_delegation_for(user) is not None
            or self.also_beyond_own(user)
        )

    def visible_to(self, user):
        """Fund administrators see everything; the case's own organisations (owner, co-owners,
        partners) everything, drafts too; the city director (and delegate) and auditors what
        has been submitted; council members what has been submitted and does not involve them
        (any part, a benefiting organisation's included, or a declared conflict); and whoever
        ``also_visible`` lets in."""
        if access.has_role(user, Role.FUND_ADMIN):
            return self
        own = access.organisation_ids_of(user)
        visible = conflicts.involving(self.model, own, parts=conflicts.PARTICIPATING)
        also = self.also_visible(user)
        if also is not None:
            visible |= also
        if access.has_any_role(user, {Role.CITY_DIRECTOR, Role.AUDITOR}) or (
            access.active_delegation_for(user) is not None
        ):
            visible |= self.submitted
        elif access.has_role(user, Role.COUNCIL_MEMBER):
            free = self.submitted & ~conflicts.involving(self.model, own)
            declared = self.declared_conflicts(user)
            visible |= free & ~declared if declared is not None else free
        return self.filter(visible)

    def matching(self, *, search: str = "", call=None, state: str = "", organisation=None):
        """The list filter: a title or registration number (or its subject or counterpart),
        the call, the state, and an organisation that owns, co-owns or partners the case."""
        cases = self
        if search:
            numbers = RegistrationNumber.objects.search(search)
            cases = cases.filter(
                Q(title__icontains=search) | Q(registration__in=numbers.values("pk"))
            )
        if call is not None:
            cases = cases.filter(**{self.call_field: call})
        if state:
            cases = cases.filter(state=state)
        if organisation is not None:
            cases = cases.filter(
                conflicts.involving(self.model, {organisation.pk}, parts=conflicts.PARTICIPATING)
            )
        return cases


def comment_organisation(user, case):
    """Who writes in a case's thread (BRIEF.md "Who sees what": co-owners and partners read
    and comment): the people of its organisations (owner, co-owners, partners), for their
    organisation, and fund administrators, for the fund (None). Returns (may, organisation)."""
    if access.has_role(user, Role.FUND_ADMIN):
        return True, None
    parts = conflicts.parts_of(case)
    for organisation in access.organisations_of(user):
        if parts.get(organisation.pk) in conflicts.PARTICIPATING:
            return True, organisation
    return False, None


def hand_over(case, participants, organisation, successor, *, actor, reason: str) -> bool:
    """After a reorganisation the successor takes over the organisation's part in one case
    (an idea sketch, an application or a project, with its ``participants`` rows): as lead
    owner, or in its participant row, which goes when the successor already takes part; the
    case's log says so with the reason. Returns whether anything changed; the caller locked
    the case."""
    changed = False
    if case.owner_id == organisation.pk:
        case.owner_id = successor.pk
        case.save(update_fields=["owner"])
        participants.filter(organisation_id=successor.pk).delete()  # now the lead owner
        changed = True
    row = participants.filter(organisation_id=organisation.pk).first()
    if row is not None:
        if (
            case.owner_id == successor.pk
            or participants.filter(organisation_id=successor.pk).exists()
        ):
            row.delete()
        else:
            row.organisation_id = successor.pk
            row.save(update_fields=["organisation"])
        changed = True
    if changed:
        event_record(
            actor=actor,
            action="case.handed_over",
            target=case,
            comment=reason,
            data={"organisation": organisation.name, "successor": successor.name},
        )
    return changed
