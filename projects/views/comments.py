"""The project's thread: its organisations and the fund administrators comment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import comment_page, comment_withdraw_page, idempotent
from core.models import Comment
from projects import access


@require_POST
@idempotent
def project_comment(request, pk: int):
    project = access.get_project_for(request.user, pk, full=True)
    may, organisation = access.comment_organisation(request.user, project)
    if not may:
        raise PermissionDenied
    return comment_page(
        request,
        target=project,
        organisation=organisation,
        back_href=reverse("projects:detail", args=[project.pk]),
        back_label=project.title,
    )


@require_POST
def project_comment_withdraw(request, pk: int, comment_pk: int):
    project = access.get_project_for(request.user, pk, full=True)
    comment = Comment.objects.on(project).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    return comment_withdraw_page(
        request, comment=comment, back_href=reverse("projects:detail", args=[project.pk])
    )
