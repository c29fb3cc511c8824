"""Outgoing e-mail: rendered in the recipient's language, stored, then sent by a task.

A mail server that is down never breaks the request that caused the e-mail: the row stays
queued (or failed) and the periodic task sends it again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import OutboundEmail

logger = logging.getLogger(__name__)


def email_render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """Render ``email/<template>_subject.txt`` and ``_body.txt`` in the given language."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", context)
        body = render_to_string(f"email/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _enqueue(email_id: int) -> None:
    from core.tasks import send_outbound_email

    try:
        send_outbound_email.delay(email_id)
    except Exception:
        # The row is kept; resend_pending_emails picks it up when the broker is back.
        logger.exception("Could not queue e-mail %s; it will be retried", email_id)


def secret_marker(number: int) -> str:
    return f"[link {number}, removed after sending]"


def email_queue(
    *, kind: str, to: list[str], subject: str, body: str, secrets: list[str] = ()
) -> OutboundEmail:
    """Store an e-mail and send it once the surrounding transaction has committed. ``secrets``
    (one-time links in the body) are stored apart and erased once sent."""
    kept = {}
    for number, secret in enumerate(secrets, start=1):
        marker = secret_marker(number)
        body = body.replace(secret, marker)
        kept[marker] = secret
    email = OutboundEmail.objects.create(
        kind=kind, to=list(to), subject=subject, body=body, secrets=kept
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def outbound_email_send(*, email_id: int) -> bool:
    """Send one stored e-mail. Claimed with a conditional update, so two workers never both
    send it. Returns False when there was nothing to send."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED]
    ).update(
        status=OutboundEmail.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    body = email.body
    for marker, secret in email.secrets.items():
        body = body.replace(marker, secret)
    try:
        message = EmailMessage(email.subject, body, settings.DEFAULT_FROM_EMAIL, email.to)
        message.send(using="default")
    except Exception as error:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED, last_error=str(error)[:2000]
        )
        raise
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error="", secrets={}
    )
    return True


def pending_email_ids(*, older_than_minutes: int = 5, max_attempts: int = 10) -> list[int]:
    """E-mails that should have gone by now: queued or failed, or stuck while sending."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    stuck = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed_at__lt=cutoff)
    stuck.update(status=OutboundEmail.Status.FAILED)
    return list(
        OutboundEmail.objects.filter(
            Q(status=OutboundEmail.Status.QUEUED) | Q(status=OutboundEmail.Status.FAILED),
            created_at__lt=cutoff,
            attempts__lt=max_attempts,
        ).values_list("pk", flat=True)[:500]
    )
