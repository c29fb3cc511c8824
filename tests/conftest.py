"""Shared fixtures. The suite runs on PostgreSQL (fondadmin.settings.test) and needs Redis for
the tests that start a real Celery worker; both are checked before anything runs."""

from __future__ import annotations

import datetime as dt
import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import notices
from tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM is used there too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        return  # the controller has checked
    problems = []
    if not _reachable(settings.TEST_DATABASE_URL, 5432):
        problems.append(
            f"PostgreSQL does not answer at {urlparse(settings.TEST_DATABASE_URL).netloc}.\n"
            "    Start it with `bin/services` (or: pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start),\n    or point TEST_DATABASE_URL at another server."
        )
    if not _reachable(settings.TEST_REDIS_URL, 6379):
        problems.append(
            f"Redis does not answer at {urlparse(settings.TEST_REDIS_URL).netloc}.\n"
            "    Start it with `bin/services` (or: redis-server --daemonize yes --bind 127.0.0.1 "
            "--port 6379 --save '' --appendonly no),\n"
            "    or point TEST_REDIS_URL at another server."
        )
    if problems:
        pytest.exit("The test suite cannot start:\n  - " + "\n  - ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def review_tasks_in_step(request):
    """After every test on the database: each review assignment's ``to_do`` (kept by the
    services) equals its rule worked out from the other tables (``AssignmentQuerySet.owing``),
    so a service that forgets ``review_tasks_sync`` fails the tests that use it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.args))
    if transactional or not (marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("db")
    yield
    from applications.models import ReviewAssignment

    marked = set(ReviewAssignment.objects.open_tasks().values_list("pk", flat=True))
    owing = set(ReviewAssignment.objects.owing().values_list("pk", flat=True))
    assert marked == owing, f"to_do out of step: {sorted(marked ^ owing)}"


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def fund_admin(db):
    return factories.person("fund_admin", name="Fia Fondadmin")


@pytest.fixture
def other_fund_admin(db):
    return factories.person("fund_admin", name="Olle Andra")


@pytest.fixture
def city_director(db):
    return factories.person("city_director", name="Stina Stadsdirektör")


@pytest.fixture
def auditor(db):
    return factories.person("auditor", name="Rut Revisor")


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Farsta stadsdelsnämnd", short_name="Farsta")


@pytest.fixture
def applicant(db, organisation):
    return factories.person("applicant", organisation=organisation, name="Ada Sökande")


def _forget_broker_connections(app):
    """Drop pooled connections so the next message goes to the broker now configured.
    (app.close() would do it too, but also unregisters the app, losing its shared tasks.)"""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker (in a thread) consuming from Redis, on a queue of its own so that
    parallel test processes never take each other's tasks."""
    import uuid

    from celery.contrib.testing.worker import start_worker

    from fondadmin.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    _forget_broker_connections(app)
    app.conf.update(
        broker_url=settings.TEST_REDIS_URL, task_always_eager=False, task_default_queue=queue
    )
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue]
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _forget_broker_connections(app)


@pytest.fixture
def fund(db):
    return factories.FundFactory(name="Sociala investeringsfonden", started_on=dt.date(2015, 1, 1))


@pytest.fixture
def admin_client(client, fund_admin):
    client.force_login(fund_admin)
    return client


def queries(client, url) -> int:
    """A page's queries from a cold cache (the start page keeps the fund in figures for a
    minute: a count at 10N must not read what the count at N kept)."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def assert_same_at_n_and_10n(django_assert_num_queries):
    """Grow N related rows, count a page's queries, grow to 10N: the count must not change."""

    def check(client, url, grow, n=3):
        grow(n)
        at_n = queries(client, url)
        grow(9 * n)
        cache.clear()
        with django_assert_num_queries(at_n):
            assert client.get(url).status_code == 200

    return check


@pytest.fixture
def same_at_n_and_10n(django_assert_num_queries):
    """``assert_same_at_n_and_10n`` for several pages over one growth of rows: each page is
    counted at N, the rows grow to 10N (``then`` more rows: 9N unless told), and each page must
    cost what it did. Every page that differs is named. ``pages``: ``(name, client, url)``, the
    url a callable when it changes with the growth."""

    def check(pages, grow, n=2, then=None):
        def url_of(url):
            return url() if callable(url) else url

        with notices.muted():
            grow(n)
        at_n = [queries(client, url_of(url)) for _name, client, url in pages]
        with notices.muted():
            grow(9 * n if then is None else then)
        differing = []
        for (name, client, url), count in zip(pages, at_n, strict=True):
            cache.clear()
            try:
                with django_assert_num_queries(count):
                    assert client.get(url_of(url)).status_code == 200
            except pytest.fail.Exception as error:
                differing.append(f"--- {name}: {error}")
        if differing:
            pytest.fail("\n".join(differing), pytrace=False)

    return check
