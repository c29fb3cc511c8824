"""Management commands."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from core import access
from core.models import Event, Role, User

pytestmark = pytest.mark.django_db


def test_create_fund_admin_invites_the_first_administrator(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_fund_admin", email="forsta@stad.example", name="Första Handläggare")
    person = User.objects.get(email="forsta@stad.example")
    assert access.has_role(person, Role.FUND_ADMIN)
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert Event.objects.for_target(person).filter(action="user.invited", actor=None).exists()
    # The first invitation lapsed unused: running the command again sends a new one.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_fund_admin", email="FORSTA@stad.example", name="Igen")
    assert len(mail.outbox) == 2
    assert User.objects.filter(email="forsta@stad.example").count() == 1
    person.set_password("ett-valt-lösenord")
    person.save()
    with pytest.raises(CommandError, match="har redan tagit emot inbjudan"):
        call_command("create_fund_admin", email="forsta@stad.example", name="Igen")


def test_demo_data_is_idempotent_and_refused_in_production(settings, capsys):
    call_command("demo_data")
    counts = (User.objects.count(), Event.objects.count())
    call_command("demo_data")
    assert (User.objects.count(), Event.objects.count()) == counts
    assert "demo-fondadmin" in capsys.readouterr().out
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused"):
        call_command("demo_data")
