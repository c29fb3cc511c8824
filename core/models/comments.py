"""Comments on a case: a thread on an idea sketch, an application, a project or a progress
report, and the benefiting organisations' comments on the savings attributed to them.

The target is named generically (content type and id), as the activity log's events are, so
every app comments on its own objects without core knowing them. A comment is never deleted:
its author may withdraw it, and the thread then says that it was withdrawn, by whom and when.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Organisation


class CommentQuerySet(models.QuerySet):
    def on(self, target, *, about=None):
        """The thread of ``target`` (and, with ``about``, only the comments about that
        organisation's rows), oldest first, with what the page shows loaded."""
        comments = self.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )
        if about is not None:
            comments = comments.filter(about=about)
        return comments.select_related("author", "organisation", "about", "withdrawn_by").order_by(
            "created_at", "pk"
        )


class Comment(models.Model):
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    # The organisation the author speaks for (shown with the comment); empty for a fund
    # administrator, who speaks for the fund.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # For a comment on the rows about one organisation (a benefiting organisation's savings).
    about = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
