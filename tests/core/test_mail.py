"""Outgoing e-mail: stored, sent once, kept for retry when sending fails."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core import services
from core.models import AccessibilityReport, OutboundEmail
from core.services.mail import outbound_email_send, pending_email_ids
from core.tasks import resend_pending_emails
from tests import factories

pytestmark = pytest.mark.django_db


def queued(**fields):
    return OutboundEmail.objects.create(
        kind="test", to=["a@x.example"], subject="Ämne", body="Text", **fields
    )


def test_an_email_is_sent_once_even_if_asked_twice():
    email = queued()
    assert outbound_email_send(email_id=email.pk) is True
    assert outbound_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == ("sent", 1, 1)
    assert email.sent_at is not None


def test_a_failed_send_is_kept_with_the_error_and_sent_later():
    email = queued()
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no mail server")),
        pytest.raises(OSError, match="no mail server"),
    ):
        outbound_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.last_error) == ("failed", "no mail server")
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert resend_pending_emails() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")


def test_a_broker_that_is_down_does_not_break_the_request(django_capture_on_commit_callbacks):
    with (
        mock.patch(
            "core.tasks.send_outbound_email.delay", side_effect=ConnectionError("redis down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = services.email_queue(kind="test", to=["a@x.example"], subject="S", body="B")
    email.refresh_from_db()
    assert email.status == "queued"


def test_pending_includes_stuck_and_skips_recent_and_exhausted():
    old = timezone.now() - dt.timedelta(hours=1)
    stuck = queued(status="sending", created_at=old, claimed_at=old)
    queued(status="sending", created_at=old, claimed_at=timezone.now())  # being sent right now
    waiting = queued(created_at=old)
    queued()  # too recent: its own task is still on its way
    queued(created_at=old, status="failed", attempts=10)
    assert sorted(pending_email_ids()) == sorted([stuck.pk, waiting.pk])


def test_an_accessibility_report_reaches_every_fund_administrator_and_the_contact(
    settings, fund_admin, other_fund_admin, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "digital@stockholm.example"
    other_fund_admin.language = "en"
    other_fund_admin.save()
    factories.person("applicant")
    with django_capture_on_commit_callbacks(execute=True):
        services.accessibility_report_submit(
            reporter=None, name="", email="", page="/users/", description="Fokus syns inte"
        )
    assert AccessibilityReport.objects.get().description == "Fokus syns inte"
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        [fund_admin.email, other_fund_admin.email, "digital@stockholm.example"]
    )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[other_fund_admin.email] == "Report of an accessibility problem in fondadmin"
    assert subjects[fund_admin.email] == "Rapport om brist i tillgängligheten i fondadmin"
    assert all("Fokus syns inte" in message.body for message in mail.outbox)


def test_old_form_keys_are_forgotten_and_recent_ones_kept():
    import uuid

    from core.models import IdempotencyKey
    from core.tasks import forget_old_idempotency_keys

    old = IdempotencyKey.objects.create(
        key=uuid.uuid4(), path="/x/", created_at=timezone.now() - dt.timedelta(days=3)
    )
    recent = IdempotencyKey.objects.create(key=uuid.uuid4(), path="/x/")
    assert forget_old_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
