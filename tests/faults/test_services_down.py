"""Faults against real parts: the app served by gunicorn with production settings (two sync
workers, persistent database connections, the cache and the broker on Redis) on a PostgreSQL
and a Redis of the tests' own, which the tests stop and start while a person is logged in.

- PostgreSQL restarted between two requests: nobody notices (each worker drops its broken
  connection and opens a new one).
- PostgreSQL down: every request gets the 503 page with Retry-After (a page, a form sent, an
  anonymous login, htmx polling, a script asking for JSON), in a few milliseconds; what was sent
  is not half-written; once PostgreSQL is back the same server serves again, the session intact.
- Redis down: every page of the menu works (the start page's cache is a miss), logging out and
  in works (sessions are in the database), a report asked for is kept, and once Redis is back
  the report-jobs sweep sends it and a worker produces it.

The tests share one stack (started once for the module, about 15 s) and run in one xdist group.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import psycopg.sql
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from fondadmin.celery import app
from tests import factories
from tests.faults.stack import (
    PrivatePostgres,
    Visitor,
    app_env,
    app_server,
    dump_schema,
    load_schema,
    manage,
    menu_links,
    private_postgres,
)
from tests.reports.workers import broker, free_port, log_of, private_redis, wait_for, worker

# django_db: pytest-django makes the test database only for a run that has tests marked so;
# its schema is what the private cluster starts from.
pytestmark = [pytest.mark.xdist_group("faults"), pytest.mark.django_db]

DATABASE = "fondadmin"
EMAIL = "stina@fel.example"
NAME = "Stina Stadsdirektör"
UNAVAILABLE = "Tjänsten är tillfälligt otillgänglig"

SEED = f"""
import datetime as dt
from core import services
from core.models import EntryKind
from tests import factories
director = factories.person("city_director", name="{NAME}", email="{EMAIL}")
fund = factories.FundFactory(name="Stadens fond", started_on=dt.date(2020, 1, 1))
services.ledger_entry_record(
    actor=director, fund=fund, kind=EntryKind.INJECTION, amount=50_000_000,
    value_date=dt.date(2020, 1, 2), reference="KF 2019-12-16 § 7",
)
print(fund.pk)
"""


class RedisSwitch:
    """The private Redis (``tests.reports.workers.private_redis``), stopped and started on
    the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._running: ExitStack | None = None

    def up(self) -> None:
        if self._running is None:
            running = ExitStack()
            running.enter_context(private_redis(self.port))
            self._running = running

    def down(self) -> None:
        if self._running is not None:
            running, self._running = self._running, None
            running.close()


@dataclass
class Stack:
    pg: PrivatePostgres
    redis: RedisSwitch
    server: object  # the gunicorn process (.port, .log_path)
    env: dict
    fund: int

    def row(self, query, *params) -> tuple:
        """One row from the app's database (queried from here, not through the app)."""
        with psycopg.connect(self.pg.url(DATABASE), autocommit=True) as db:
            return db.execute(query, params).fetchone()

    def job(self, pk: int, *columns: str) -> tuple:
        names = psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns))
        query = psycopg.sql.SQL("SELECT {} FROM reports_reportjob WHERE id = %s").format(names)
        return self.row(query, pk)

    def visitor(self) -> Visitor:
        return Visitor(self.server.port)

    def logged_in(self) -> Visitor:
        visitor = self.visitor()
        answer = visitor.log_in(EMAIL, factories.PASSWORD)
        assert answer.status == 302, answer.text[-2000:]
        return visitor

    def server_log(self) -> str:
        return Path(self.server.log_path).read_text(errors="replace")


def _test_database_url() -> str:
    db = connection.settings_dict  # pytest-django has made and migrated it
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    with ExitStack() as cleanup, ThreadPoolExecutor(2) as background:
        schema = background.submit(dump_schema, _test_database_url())
        pg = cleanup.enter_context(private_postgres())
        pg.psql("postgres", f'CREATE DATABASE "{DATABASE}"')
        redis = RedisSwitch()
        cleanup.callback(redis.down)
        redis.up()
        env = app_env(pg.url(DATABASE), redis.url)

        def build() -> int:
            load_schema(pg, DATABASE, schema.result())
            return int(manage(env, "shell", "--no-imports", "-c", SEED).split()[-1])

        # The schema and the seed are loaded while gunicorn starts (each takes seconds).
        fund = background.submit(build)
        server = cleanup.enter_context(app_server(env, tmp_path_factory.mktemp("faults")))
        yield Stack(pg=pg, redis=redis, server=server, env=env, fund=fund.result())


def _app_connections(stack: Stack) -> int:
    """The app's open connections to its database (psql's own not counted)."""
    return stack.row(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )[0]


def _report_form(stack: Stack, value_date: dt.date, key: str | None = None) -> dict:
    return {
        "fund": stack.fund,
        "value_date": f"{value_date:%Y-%m-%d}",
        "idempotency_key": key or str(uuid.uuid4()),
    }


def _job_id(answer) -> int:
    assert answer.status == 302, answer.text[-2000:]
    location = answer.header("Location")
    assert location.startswith("/reports/"), location
    return int(location.strip("/").split("/")[-1])


def test_a_database_restart_between_requests_goes_unnoticed(stack):
    visitor = stack.logged_in()

    def busy_both_workers():
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _n: visitor.get("/").status, range(4)))
        return statuses == [200] * 4 and _app_connections(stack) >= 2

    # Each worker holds a persistent connection, which the restart breaks.
    assert wait_for(busy_both_workers, 60, 0), log_of(stack.server)
    stack.pg.stop()
    stack.pg.start()
    answers = [visitor.get("/") for _n in range(8)]
    assert [answer.status for answer in answers] == [200] * 8, log_of(stack.server)
    assert NAME in answers[-1].text  # still logged in: the session outlived the restart


def test_while_the_database_is_down_requests_get_a_503_and_after_it_the_app_serves_again(
    stack,
):
    visitor = stack.logged_in()
    anonymous = stack.visitor()
    anonymous.get(
        "/accounts/login/"
    )  # the login form (and its CSRF cookie) was open when it went down
    today = timezone.localdate()
    polled_job = _job_id(visitor.post("/reports/", _report_form(stack, today)))
    key = str(uuid.uuid4())
    jobs_before = stack.row("SELECT count(*) FROM reports_reportjob")[0]

    stack.pg.stop()
    try:
        started = time.monotonic()
        page = visitor.get("/")
        assert page.status == 503, page.text[-2000:]
        assert page.header("Retry-After") == "30"
        assert page.header("Content-Type").startswith("text/html")
        assert "no-store" in page.header("Cache-Control")
        assert UNAVAILABLE in page.text
        assert "css/fondadmin.css" in page.text  # the site's look
        assert 'class="site-header"' in page.text
        assert "site-nav" not in page.text  # no menu: it needs the person's roles
        assert NAME not in page.text
        for path in ("/reports/", f"/reports/{polled_job}/", "/healthz/"):
            assert visitor.get(path).status == 503, path

        sent = visitor.post("/reports/", _report_form(stack, today - dt.timedelta(days=1), key))
        assert sent.status == 503
        assert sent.header("Retry-After") == "30"
        assert "Det du skickade har inte sparats" in sent.text

        login = anonymous.post(
            "/accounts/login/", {"username": EMAIL, "password": factories.PASSWORD}
        )
        assert login.status == 503
        assert UNAVAILABLE in login.text

        poll = {"HX-Request": "true", "X-Background-Poll": "1"}
        polled = visitor.get(f"/reports/{polled_job}/status/", headers=poll)
        assert polled.status == 503
        assert polled.header("Retry-After") == "30"
        assert UNAVAILABLE in polled.text
        assert "<html" not in polled.text  # the message alone, not a page inside the page

        script = visitor.post(
            "/accounts/session/keepalive/", headers={"Accept": "application/json"}
        )
        assert script.status == 503
        assert script.header("Content-Type") == "application/json"
        assert json.loads(script.text) == {"unavailable": True, "retry_after": 30}
        assert time.monotonic() - started < 10, "a database that is down must not hang requests"
    finally:
        stack.pg.start()

    answers = [visitor.get("/") for _n in range(6)]
    assert [answer.status for answer in answers] == [200] * 6, log_of(stack.server)
    assert NAME in answers[-1].text
    # The form sent again with the same key does the work once: nothing of the first attempt
    # was kept, not even its idempotency key.
    again = visitor.post("/reports/", _report_form(stack, today - dt.timedelta(days=1), key))
    new_job = _job_id(again)
    assert new_job != polled_job
    assert stack.row("SELECT count(*) FROM reports_reportjob")[0] == jobs_before + 1
    assert stack.row("SELECT count(*) FROM core_idempotencykey WHERE key = %s", key)[0] == 1
    assert anonymous.log_in(EMAIL, factories.PASSWORD).status == 302
    assert "Service Unavailable: /" in stack.server_log()  # logged as an error, with its cause


def test_while_redis_is_down_pages_logins_and_report_requests_work(stack):
    visitor = stack.logged_in()
    today = timezone.localdate()
    stack.redis.down()
    try:
        start = visitor.get("/")
        assert start.status == 200, log_of(stack.server)
        assert f'id="figures-{stack.fund}"' in start.text  # the fund in figures, uncached
        links = menu_links(start.text)
        assert len(links) >= 5, links
        for link in links:
            answer = visitor.get(link)
            assert answer.status == 200, f"{link}: {answer.status}\n{log_of(stack.server)}"

        assert visitor.post("/accounts/logout/").status == 302
        assert visitor.get("/").status == 302  # to the login page
        assert visitor.log_in(EMAIL, factories.PASSWORD).status == 302
        assert NAME in visitor.get("/").text

        asked_at = time.monotonic()
        job = _job_id(visitor.post("/reports/", _report_form(stack, today - dt.timedelta(days=3))))
        assert time.monotonic() - asked_at < 10, "a broker that is down must not hang the request"
        page = visitor.get(f"/reports/{job}/")
        assert page.status == 200
        assert "Väntar på kön." in page.text
        assert stack.job(job, "state", "sent_at", "send_attempts") == ("queued", None, 1)
    finally:
        stack.redis.up()
    # The start page did ask the cache, and was answered without it.
    assert "The cache (Redis) failed on get" in stack.server_log()

    # The sweep (beat, every minute) leaves a request's own hand-over half a minute.
    stack.row(
        "UPDATE reports_reportjob SET created_at = now() - interval '2 minutes' "
        "WHERE id = %s RETURNING id",
        job,
    )
    with (
        broker(stack.redis.url),
        worker(stack.redis.url, "celery", TEST_DATABASE_URL=stack.pg.url(DATABASE)) as w,
    ):
        app.send_task("reports.tasks.sweep_report_jobs", queue="celery")  # as beat does
        finished = wait_for(lambda: stack.job(job, "state")[0] in ("done", "failed"), 120, 0.3)
        assert finished, log_of(w)
    state, stored, send_attempts = stack.job(job, "state", "file", "send_attempts")
    assert state == "done", log_of(w)
    assert send_attempts == 2  # refused while Redis was down, then sent by the sweep
    assert stored
    (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)  # the worker's (test) media
    status = visitor.get(f"/reports/{job}/status/", headers={"HX-Request": "true"})
    assert status.status == 200
    assert "Klar." in status.text
