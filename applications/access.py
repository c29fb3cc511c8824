"""Who may see and change calls, sketches, applications, council meetings, reviews and
proposals. Views call these first; pages and services never restate them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationVersion,
    Call,
    CallDocument,
    CouncilMeeting,
    IdeaSketch,
    Proposal,
    ProposalItem,
    ReviewAssignment,
    ReviewKind,
)
from applications.models.reviews import HAS_ASSIGNMENTS, has_review_assignments
from core import access, conflicts
from core.models import Role

reads_everything = access.reads_everything


def can_manage_calls(user) -> bool:
    return access.has_role(user, Role.FUND_ADMIN)


def can_read_calls(user) -> bool:
    """Published calls are announcements to the whole city: every person with an account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def get_call_for(user, pk: int, *, write: bool = False) -> Call:
    if not can_read_calls(user):
        raise Http404
    call = Call.objects.visible_to(user).select_related("fund").filter(pk=pk).first()
    if call is None:
        raise Http404
    if write and not can_manage_calls(user):
        raise PermissionDenied
    return call


def get_call_document_for(user, call_pk: int, pk: int, *, write: bool = False) -> CallDocument:
    call = get_call_for(user, call_pk, write=write)
    document = CallDocument.objects.filter(call=call, pk=pk).first()
    if document is None or (document.withdrawn_at and not can_manage_calls(user)):
        raise Http404
    document.call = call
    return document


# --- Idea sketches and applications -----------------------------------------------------------


def can_start_sketch(user) -> bool:
    """Applicants who belong to an organisation that can own cases."""
    return bool(access.applicant_organisations(user))


def can_edit_case(user, case) -> bool:
    """The owner organisation's applicants write; co-owners and partners read."""
    return any(org.pk == case.owner_id for org in access.applicant_organisations(user))


def can_manage_cases(user) -> bool:
    """Fund administrators record the council's decisions and ask for revisions."""
    return access.has_role(user, Role.FUND_ADMIN)


def can_read_council(user) -> bool:
    """Council meetings and their decisions: fund administrators (who record them) and those
    who read every non-draft record."""
    return reads_everything(user)


def can_see_council_members(user) -> bool:
    """Which council members took part in a decision, and who was in conflict: those who read
    every record, and council members."""
    return access.has_any_role(user, access.READ_ALL_ROLES | {Role.COUNCIL_MEMBER})


def get_meeting_for(user, pk: int, *, write: bool = False) -> CouncilMeeting:
    """A council meeting: read by those who read the council, recorded (write) by the fund
    administrators as its secretary. Others are refused with 403 (a meeting is no secret, its
    cases are)."""
    if not (can_manage_cases(user) if write else can_read_council(user)):
        raise PermissionDenied
    meeting = CouncilMeeting.objects.select_related("fund", "created_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def can_list_cases(user) -> bool:
    return access.is_person(user) and (
        bool(access.organisation_ids_of(user))
        or access.has_any_role(
            user, {Role.FUND_ADMIN, Role.CITY_DIRECTOR, Role.AUDITOR, Role.COUNCIL_MEMBER}
        )
        or access.active_delegation_for(user) is not None
    )


def get_sketch_for(user, pk: int, *, write: bool = False) -> IdeaSketch:
    if not access.is_person(user):
        raise Http404
    sketch = (
        IdeaSketch.objects.visible_to(user)
        .select_related("call__fund", "owner", "registration", "previous", "created_by")
        .filter(pk=pk)
        .first()
    )
    if sketch is None:
        raise Http404
    if write and not can_edit_case(user, sketch):
        raise PermissionDenied
    return sketch


def get_application_for(user, pk: int, *, write: bool = False, manage: bool = False) -> Application:
    """An application the reader may see (404 otherwise); ``write``: the owner organisation's
    applicants, ``manage``: the fund administrators (403 for other readers)."""
    if not access.is_person(user):
        raise Http404
    application = (
        Application.objects.visible_to(user)
        .select_related("call__fund", "owner", "registration", "sketch")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    if write and not can_edit_case(user, application):
        raise PermissionDenied
    if manage and not can_manage_cases(user):
        raise PermissionDenied
    return application


def get_version_for(user, application_pk: int, number: int) -> ApplicationVersion:
    """A submitted version of an application the reader may see (404 otherwise)."""
    application = get_application_for(user, application_pk)
    version = (
        ApplicationVersion.objects.select_related("submitted_by")
        .filter(application=application, number=number)
        .first()
    )
    if version is None:
        raise Http404
    version.application = application
    return version


def get_attachment_for(
    user, application_pk: int, pk: int, *, write: bool = False
) -> ApplicationAttachment:
    application = get_application_for(user, application_pk, write=write)
    attachment = ApplicationAttachment.objects.filter(application=application, pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.application = application
    return attachment


# --- Review, proposals and the board's decisions ---------------------------------------------


def can_review(user) -> bool:
    """Has ever been assigned a review (the "My reviews" page)."""
    return access.is_person(user) and (
        access.has_any_role(user, {Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER})
        or has_review_assignments(user)
    )


def register_standing() -> None:
    access.register_standing_flag(
        HAS_ASSIGNMENTS,
        lambda _day: Exists(ReviewAssignment.objects.filter(reviewer_id=OuterRef("pk"))),
    )


def can_read_review(user, application: Application) -> bool:
    """An application's review: those who read everything, and its reviewers (also once the
    assignment has ended). Applicants never."""
    return (
        reads_everything(user)
        or ReviewAssignment.objects.filter(application=application, reviewer_id=user.pk).exists()
    )


def can_see_assignment(user, assignment: ReviewAssignment) -> bool:
    """An assignment and what its reviewer wrote (a statement, the declaration): those who
    read everything, and the reviewer. (Scores follow ``score_reader``.)"""
    return reads_everything(user) or assignment.reviewer_id == user.pk


def get_review_for(user, pk: int, *, write: bool = False) -> Application:
    """An application's review page (``can_read_review``; write: fund administrators, who
    assign). Applicants never (404)."""
    application = get_application_for(user, pk)
    if not can_read_review(user, application):
        raise Http404
    if write and not can_manage_cases(user):
        raise PermissionDenied
    return application


def get_assignment_for(user, pk: int, *, write: bool = False) -> ReviewAssignment:
    """The reviewer's own assignment (write: declare, score, write a statement). Fund
    administrators read any."""
    if not access.is_person(user):
        raise Http404
    assignment = (
        ReviewAssignment.objects.select_related(
            "application__call__fund", "application__registration", "application__owner", "reviewer"
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    own = assignment.reviewer_id == user.pk
    if not own and not can_manage_cases(user):
        raise Http404
    if write and not own:
        raise PermissionDenied
    return assignment


def score_reader(user, application: Application, assignments):
    """Who sees which scores (BRIEF.md "Who sees what", "Conflict of interest"): those who read
    everything see all. A reviewer sees their own, and the others' scores of a version once
    they have submitted theirs on it, but nothing at all while in conflict with the case: a
    member of one of its organisations today, however the conflict arose, or whose latest
    assignment ended with a declared conflict (as ``ApplicationQuerySet.declared_conflicts``
    says in SQL). Assigned again after declaring, they see what that assignment allows.
    ``assignments``: the application's assignments with their scores loaded. Returns
    ``can_see(score)``."""
    if reads_everything(user):
        return lambda score: True
    everything_mine = sorted(
        (a for a in assignments if a.reviewer_id == user.pk), key=lambda a: a.pk
    )
    mine = [a for a in everything_mine if not a.conflict_declared]
    declared_last = bool(everything_mine) and everything_mine[-1].conflict_declared
    in_conflict = conflicts.people_in_conflict([user], application, timezone.localdate())
    if not mine or declared_last or in_conflict:
        return lambda score: False
    own_ids = {a.pk for a in mine}
    scored_versions = {
        score.version for a in mine if a.kind == ReviewKind.COUNCIL for score in a.scores.all()
    }
    return lambda score: score.assignment_id in own_ids or score.version in scored_versions


def can_read_proposals(user) -> bool:
    return reads_everything(user) or access.has_role(user, Role.BOARD_SECRETARY)


def can_approve_proposals(user) -> bool:
    return access.city_director_capacity(user) is not None


def can_record_board_decisions(user) -> bool:
    return access.has_role(user, Role.BOARD_SECRETARY)


def get_proposal_for(user, pk: int, *, may=None) -> Proposal:
    """A proposal the reader may see (404 otherwise); ``may``: what the page does with it
    (``can_manage_cases``, ``can_approve_proposals``...), refused with 403."""
    if not can_read_proposals(user):
        raise Http404
    proposal = (
        Proposal.objects.visible_to(user)
        .select_related(
            "call__fund", "approved_by", "approved_on_delegation__delegator", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    if may is not None and not may(user):
        raise PermissionDenied
    return proposal


def get_proposal_item_for(user, proposal_pk: int, pk: int, *, write: bool = False) -> ProposalItem:
    proposal = get_proposal_for(user, proposal_pk)
    item = (
        ProposalItem.objects.select_related("application__registration", "application__owner")
        .filter(proposal=proposal, pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    if write and not can_record_board_decisions(user):
        raise PermissionDenied
    item.proposal = proposal
    return item
