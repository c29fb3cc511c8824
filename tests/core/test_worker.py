"""Integration: a real Celery worker takes e-mail tasks from Redis and sends them."""

import time

import pytest
from django.core import mail
from django.db import transaction

from core import services
from core.models import OutboundEmail


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_in_a_transaction_is_sent_by_the_worker_after_commit(celery_worker):
    with transaction.atomic():
        email = services.email_queue(
            kind="test", to=["mottagare@x.example"], subject="Hej", body="Från arbetaren"
        )
        # Nothing leaves before the commit, though the worker is listening.
        time.sleep(0.5)
        assert mail.outbox == []
    assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).status == "sent")
    assert [m.subject for m in mail.outbox] == ["Hej"]
    assert mail.outbox[0].to == ["mottagare@x.example"]
