"""The answer while the database is down (``fondadmin.outage``), in-process: the test
connection refuses every query as a server that went away does, and requests go through the
real middleware, views and ``handler500``. The same against a real server whose PostgreSQL is
stopped: ``test_services_down.py``."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from django import db
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.models import IdempotencyKey
from fondadmin.outage import database_down
from reports.models import ReportJob
from tests import factories

pytestmark = [pytest.mark.xdist_group("faults"), pytest.mark.django_db]

UNAVAILABLE = "Tjänsten är tillfälligt otillgänglig"


class Refuse:
    """Fails every query (from the ``after``-th one that matches ``starting``, if given) with
    ``error``, as a lost connection does; counts the queries that were attempted."""

    def __init__(self, error=db.OperationalError, starting: str = ""):
        self.error = error
        self.starting = starting
        self.attempts = 0

    def __call__(self, execute, sql, params, many, context):
        self.attempts += 1
        if sql.startswith(self.starting):
            raise self.error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.fixture
def browser(city_director) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(city_director)
    return client


@pytest.mark.parametrize(
    "error",
    [db.OperationalError, db.InterfaceError, psycopg.OperationalError],
    ids=["django-operational", "django-interface", "psycopg-operational"],
)
def test_a_page_gets_the_503_page_rendered_without_the_database(browser, city_director, error):
    refuse = Refuse(error)
    with connection.execute_wrapper(refuse):
        response = browser.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert UNAVAILABLE in page
    assert "css/fondadmin.css" in page  # the site's look
    assert "site-nav" not in page  # no menu, nothing about the person
    assert city_director.full_name not in page
    assert "har inte sparats" not in page  # nothing was sent
    assert refuse.attempts == 1  # reading the session; the 503 itself asks nothing


def test_a_form_sent_while_the_database_is_down_says_it_was_not_saved(browser, fund):
    with connection.execute_wrapper(Refuse()):
        response = browser.post(
            "/reports/",
            {
                "fund": fund.pk,
                "value_date": f"{timezone.localdate():%Y-%m-%d}",
                "idempotency_key": str(uuid.uuid4()),
            },
        )
    assert response.status_code == 503
    assert "Det du skickade har inte sparats" in response.content.decode()


def test_a_connection_lost_in_the_middle_of_a_form_leaves_nothing_half_written(browser, fund):
    """The idempotency key is written, then the job's INSERT fails: both are rolled back, and
    the same form sent again does the work."""
    key = str(uuid.uuid4())
    form = {
        "fund": fund.pk,
        "value_date": f"{timezone.localdate():%Y-%m-%d}",
        "idempotency_key": key,
    }
    refuse = Refuse(starting='INSERT INTO "reports_reportjob"')
    with connection.execute_wrapper(refuse):
        response = browser.post("/reports/", form)
    assert response.status_code == 503
    assert refuse.attempts > 3  # the session, the person, the key... were read and written
    assert not IdempotencyKey.objects.filter(key=key).exists()
    assert not ReportJob.objects.exists()
    again = browser.post("/reports/", form)
    assert again.status_code == 302
    assert ReportJob.objects.count() == 1


def test_an_anonymous_login_gets_the_503(fund_admin):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(Refuse()):
        response = client.post(
            "/accounts/login/", {"username": fund_admin.email, "password": factories.PASSWORD}
        )
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_htmx_gets_the_message_alone(browser):
    with connection.execute_wrapper(Refuse()):
        response = browser.get("/reports/", headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    fragment = response.content.decode()
    assert UNAVAILABLE in fragment
    assert "<html" not in fragment
    assert "<h1>" in fragment


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("post", "/accounts/session/keepalive/", {}),  # a view that answers scripts
        ("get", "/", {"Accept": "application/json"}),
    ],
)
def test_scripts_get_json(browser, method, path, headers):
    with connection.execute_wrapper(Refuse()):
        response = getattr(browser, method)(path, headers=headers)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {"unavailable": True, "retry_after": 30}


def test_any_other_error_keeps_the_500_page(browser, monkeypatch):
    def broken(user):
        raise ValueError("a bug")

    monkeypatch.setattr("fondadmin.views.start_sections", broken)
    response = browser.get("/")
    assert response.status_code == 500
    assert "Ett fel uppstod" in response.content.decode()
    assert not response.has_header("Retry-After")


def _raised(error: BaseException, *, cause: BaseException | None = None, context=None):
    error.__cause__ = cause
    error.__context__ = context
    return error


def test_what_counts_as_the_database_being_down():
    lost = db.OperationalError("server closed the connection unexpectedly")
    assert database_down(lost)
    assert database_down(psycopg.InterfaceError("the connection is closed"))
    assert database_down(_raised(RuntimeError("wrapped"), cause=lost))
    # A failed rollback after the lost connection raises while handling it.
    assert database_down(_raised(ValueError("later"), context=_raised(KeyError(), cause=lost)))
    assert not database_down(ValueError("a bug"))
    assert not database_down(db.IntegrityError("duplicate key"))
    assert not database_down(None)
    looped = ValueError("a")
    looped.__context__ = KeyError("b")
    looped.__context__.__context__ = looped
    assert not database_down(looped)


def test_a_session_that_cannot_be_saved_gets_the_503_not_a_400(browser):
    """The session was read, then the database went away before it was saved: Django reports
    a session it could not save as suspicious (400); it is the outage."""
    with connection.execute_wrapper(Refuse(starting='UPDATE "django_session"')):
        response = browser.post("/accounts/session/keepalive/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_the_statements_kept_prepared_are_refused_too(browser):
    """The session and the person are read with prepared statements (``core.prepared``):
    they go through the connection's execute wrappers like every other query."""
    refuse = Refuse(starting="SELECT session_data")
    with connection.execute_wrapper(refuse):
        response = browser.get("/privacy/")
    assert response.status_code == 503
    assert refuse.attempts == 1
