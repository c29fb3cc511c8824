"""What a request gets when the database cannot be reached: 503 with ``Retry-After``, not 500.

A failed connection or query can happen anywhere: in the session middleware reading the
session, in the authentication loading the person, in a view. Django turns every exception,
also one raised inside a middleware, into a response through ``handler500``, so that is where
the outage is recognised: ``server_error`` looks at the exception being handled and answers
503 when a database connection error is in its chain, and with the normal 500 page otherwise.

The 503 is rendered without the database: no request context (the context processors read
the person and their roles), so no menu, nothing about the person, and the text is in Swedish
and English as on the 500 page, since a person's language is kept on their account. A POST
that fails this way has written nothing: each service runs in one transaction, and the
session is not saved on a response of 500 or more (Django's ``SessionMiddleware``).

Nothing here keeps the app from recovering: with ``CONN_HEALTH_CHECKS`` Django tests a
persistent connection before a request uses it and opens a new one when the old is broken
(the database restarted), and a connection that failed is closed at the end of the request.
"""

from __future__ import annotations

import sys

import psycopg
from django import db
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# What the answer asks a client to wait: a restarting PostgreSQL is back within seconds, a
# failover within a minute.
RETRY_AFTER_SECONDS = 30

# The connection failed or broke (Django's wrappers, and psycopg's own when raised outside
# them, as from a health check). PostgreSQL's transient refusals (shutting down, starting up,
# too many connections, a serialization failure) are OperationalErrors too: also worth a retry.
DATABASE_DOWN = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def database_down(error: BaseException | None) -> bool:
    """Whether ``error``, or an exception it was raised from or while handling, is a database
    connection error (a rollback that fails after a lost connection raises a second one)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_DOWN):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: 503 while the database is down, the site's 500 page for anything else."""
    if database_down(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request, template_name)


def bad_request(request, exception, template_name: str = defaults.ERROR_400_TEMPLATE_NAME):
    """``handler400``: 503 when the request failed because the database went away (a session
    that could not be saved is reported by Django as a suspicious 400), 400 otherwise."""
    if database_down(exception):
        return unavailable(request)
    return defaults.bad_request(request, exception, template_name)


def _wants_json(request) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    if getattr(view, "fondadmin_json", False):  # core.middleware.answers_json
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def unavailable(request) -> HttpResponse:
    """The 503 answer: JSON for scripts, the message alone for htmx (which leaves the page as
    it is on an error status, so a polling element keeps polling), the page for the rest."""
    if _wants_json(request):
        response = JsonResponse({"unavailable": True, "retry_after": RETRY_AFTER_SECONDS})
    else:
        name = "503.html#message" if request.headers.get("HX-Request") == "true" else "503.html"
        response = HttpResponse(loader.render_to_string(name, {"posted": request.method == "POST"}))
        response["Content-Language"] = "sv"
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
