"""The PostgreSQL backend's health check (``core.postgresql``): a kept connection in good
order is trusted without a round trip, and one the server has dropped is found out."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A connection of its own, as a gunicorn worker keeps one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_the_settings_use_the_backend():
    assert connection.settings_dict["ENGINE"] == "core.postgresql"
    assert type(connections["default"]).__module__ == "core.postgresql.base"


def test_an_idle_connection_in_good_order_is_usable_without_asking_the_server(kept, monkeypatch):
    def asked(self):
        raise AssertionError("asked the server")

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", asked)
    assert kept.is_usable() is True


def test_a_connection_the_server_dropped_is_not_usable(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    deadline = time.monotonic() + 5
    while kept.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kept.is_usable() is False
    # Django's health check then replaces it, and the next query works.
    kept.health_check_enabled = True
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_closed_connection_is_not_usable(kept):
    kept.connection.close()
    assert kept.is_usable() is False
