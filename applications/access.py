"""Who may see and change calls (and, with later issues, sketches and applications)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import (
    Application,
    ApplicationAttachment,
    Call,
    CallDocument,
    IdeaSketch,
)
from core import access
from core.models import Role


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
    return access.has_any_role(user, access.READ_ALL_ROLES) or (
        access.active_delegation_for(user) is not None
    )


def can_list_cases(user) -> bool:
    return access.is_person(user) and (
        bool(access.organisations_of(user))
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


def get_application_for(user, pk: int, *, write: bool = False) -> Application:
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
    return application


def get_attachment_for(
    user, application_pk: int, pk: int, *, write: bool = False
) -> ApplicationAttachment:
    application = get_application_for(user, application_pk, write=write)
    attachment = ApplicationAttachment.objects.filter(application=application, pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.application = application
    return attachment
