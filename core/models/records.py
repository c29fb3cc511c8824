"""Records every app writes: the activity log, outgoing e-mail, idempotency keys, the
reports of accessibility problems that the accessibility statement invites, and the shape of
every stored file.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import stored_name


class EventQuerySet(models.QuerySet):
    def for_target(self, obj):
        return (
            self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
            .select_related("actor")
            .order_by("-created_at", "-pk")
        )


class Event(models.Model):
    """One row per business action: the activity log people read (actor, time, what, why).

    The target is named generically (content type and id) so that every app can log against
    its own objects without core knowing them.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    from_state = models.CharField(_("from"), max_length=64, blank=True)
    to_state = models.CharField(_("to"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class OutboundEmail(models.Model):
    """An e-mail the system sends: stored first, then sent by a task, so that nothing is lost
    when the mail server is down and every notification remains on record.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=64)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    # One-time links, kept apart from the stored text until the e-mail has gone, then erased:
    # the record shows that a link was sent, never the link itself.
    secrets = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class IdempotencyKey(models.Model):
    """A form's one-time key: a second submission of the same form (a double-click, a reload)
    gets the first one's outcome instead of doing the work twice.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    path = models.CharField(max_length=500)
    response_url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} {self.path}"


class AccessibilityReport(models.Model):
    """A report of an accessibility problem, sent from the accessibility statement."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged-in user"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    page = models.CharField(_("page"), max_length=500, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.description[:60]}"


class StoredFile(models.Model):
    """An uploaded file of a case (a call's guidance document, an application's attachment, a
    progress report's file...): checked and stored by ``core.files.store_upload`` under a random
    name, downloaded only through a view that checks access (``core.http.file_download``)."""

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=stored_name, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title
