"""Case notices and event labels are registries filled at app start-up: a process that only
starts Django (a Celery worker) renders them in Swedish, never as raw keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from core import notices
from core.models import OutboundEmail
from tests import factories

WORKER_LIKE = r"""
import json
import django
django.setup()
from django.utils import translation
from core.events import describe
from core.models import Event
from core.notices import notice

out = {}
with translation.override("sv"):
    event = Event(action="sketch.submitted", data={"number": "SIF 2026/0007"})
    out["sketch"] = describe(event)
    board = {"reference": "KS 2026/1", "decision": "granted", "amount": "5 kr"}
    out["board"] = describe(Event(action="board.decided", data=board))
    out["project"] = describe(Event(action="project.created", data={"reference": "KS 2026/1"}))
    out["role"] = describe(Event(action="role.assigned", data={"role": "auditor"}))
    out["notice"] = str(notice("application_granted").subject) % {"number": "SIF 2026/0007"}
print(json.dumps(out))
"""


def test_a_process_that_only_starts_django_renders_labels_and_notices_in_swedish():
    """No app module is imported but what ``django.setup()`` imports: the registrations made
    in ``AppConfig.ready`` are what it has."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fondadmin.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER_LIKE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    texts = json.loads(result.stdout.strip().splitlines()[-1])
    assert texts == {
        "sketch": "Idéskiss inlämnad som SIF 2026/0007",
        "board": "Kommunstyrelsens beslut KS 2026/1: beviljad 5 kr",
        "project": "Projekt skapat utifrån kommunstyrelsens beviljande KS 2026/1",
        "role": "Rollen Revisor (läsbehörig) från – till –",
        "notice": "Ansökan SIF 2026/0007 beviljad",
    }


def test_a_kind_is_registered_once():
    texts = notices.notice("sketch_receipt")
    notices.register_notices({"sketch_receipt": texts})  # the same again: no change
    with pytest.raises(ValueError, match="already registered"):
        notices.register_notices({"sketch_receipt": notices.Notice("Other", "Other")})
    assert notices.notice("sketch_receipt") is texts


def test_an_unregistered_kind_is_refused():
    with pytest.raises(LookupError, match="Unregistered notice"):
        notices.notice("no_such_notice")


@pytest.mark.django_db
def test_muted_sends_nothing_and_unmutes_after(fund):
    person = factories.UserFactory(email="mottagare@test.example")
    case = factories.OrganisationFactory()  # any object: a case without a number
    with notices.muted():
        notices.notify("sketch_submitted", case=case, url="/", people=[person])
    assert not OutboundEmail.objects.exists()
    notices.notify("sketch_submitted", case=case, url="/", people=[person, person])
    [email] = OutboundEmail.objects.all()
    assert email.to == ["mottagare@test.example"]
