"""Thin tasks: take primary keys, call one service, retry on failure."""

from celery import shared_task

from core.http import idempotency_keys_forget
from core.services.mail import outbound_email_send, pending_email_ids


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_outbound_email(self, email_id: int) -> bool:
    try:
        return outbound_email_send(email_id=email_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def resend_pending_emails() -> int:
    """Periodic: send what should have gone by now (the broker or mail server was down)."""
    ids = pending_email_ids()
    for email_id in ids:
        send_outbound_email.delay(email_id)
    return len(ids)


@shared_task
def forget_old_idempotency_keys() -> int:
    """Daily: form keys older than two days will not be resubmitted."""
    return idempotency_keys_forget()


@shared_task
def clear_expired_sessions() -> None:
    """Daily: expired sessions (and any form kept in one) are removed from the database."""
    from django.core.management import call_command

    call_command("clearsessions")
