"""Comments on cases. Who may comment on what is each app's access rule; these services
keep the thread: a comment is written once and never changed or deleted, only withdrawn by
its author."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.events import recording_time
from core.models import Comment, Organisation, User

MAX_LENGTH = 5000


@transaction.atomic
def comment_add(
    *,
    actor: User,
    target,
    text: str,
    organisation: Organisation | None = None,
    about: Organisation | None = None,
) -> Comment:
    """Add ``actor``'s comment to the thread of ``target``, speaking for ``organisation``
    (None: a fund administrator), about ``about``'s rows where the thread has such parts."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the comment."), field="text")
    if len(text) > MAX_LENGTH:
        raise DomainError(
            _("A comment can be at most %(count)s characters.") % {"count": MAX_LENGTH},
            field="text",
        )
    return Comment.objects.create(
        target=target,
        author=actor,
        organisation=organisation,
        about=about,
        text=text,
        created_at=recording_time(),
    )


@transaction.atomic
def comment_withdraw(*, actor: User, comment: Comment) -> Comment:
    """The author withdraws the comment: it stays in the thread, marked as withdrawn."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != actor.pk:
        raise DomainError(_("Only the author can withdraw a comment."), code="not_author")
    if comment.withdrawn_at is not None:
        raise DomainError(_("The comment has already been withdrawn."), code="withdrawn")
    comment.withdrawn_at = recording_time()
    comment.withdrawn_by = actor
    comment.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return comment
