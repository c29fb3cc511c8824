"""Request handling every page shares: the language, login with expired sessions, and the site's
own page for a request a view does not take."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Set at login (signed, with the user's id), removed at logout. An anonymous request that carries
# it had a session that expired, which deserves a different message from "please log in", and
# tells whose form may be kept.
SEEN_COOKIE = "fondadmin_seen"
SEEN_SALT = "fondadmin.seen"
SEEN_MAX_AGE = 60 * 60 * 24 * 30
PENDING_POST_KEY = "fondadmin_pending_post"
PENDING_MAX_AGE = 30 * 60  # a kept form is offered back for half an hour
PENDING_MAX_BYTES = 64 * 1024
SECRET_FIELD = re.compile(r"password|token|secret", re.IGNORECASE)


def mark_seen(response, user):
    """Remember in the browser that this person had a session (see SEEN_COOKIE)."""
    response.set_signed_cookie(
        SEEN_COOKIE,
        str(user.pk),
        salt=SEEN_SALT,
        max_age=SEEN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def forget_seen(response):
    response.delete_cookie(SEEN_COOKIE, samesite="Lax")
    return response


def seen_user_id(request) -> str | None:
    try:
        return request.get_signed_cookie(
            SEEN_COOKIE, default=None, salt=SEEN_SALT, max_age=SEEN_MAX_AGE
        )
    except signing.BadSignature:
        return None


def keeps_form(view):
    """Mark a form view whose input is kept when the session expired before it was sent."""
    view.fondadmin_keeps_form = True
    return view


def answers_json(view):
    """Mark a view called by scripts: an expired session gets 401 JSON, not the login page."""
    view.fondadmin_json = True
    return view


class UserLanguageMiddleware:
    """Swedish unless the person chose English: the choice is stored on their account (and in
    the language cookie before they log in). The browser's Accept-Language is not consulted,
    because the service is Swedish first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        available = {code for code, _name in settings.LANGUAGES}
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in available:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


SESSION_REFRESHED_KEY = "fondadmin_refreshed"
# Sent by page elements that poll (hx-headers): such requests do not renew the session.
BACKGROUND_POLL_HEADER = "X-Background-Poll"
# The session's idle timeout is renewed by activity, but the session is written at most this
# often (writing it on every request costs each page a database write).
SESSION_REFRESH_SECONDS = 60


def session_refresh(request, *, now: float | None = None) -> None:
    """Renew the logged-in session's idle timeout now (``SESSION_COOKIE_AGE`` from now)."""
    request.session[SESSION_REFRESHED_KEY] = int(now if now is not None else time.time())


def session_seconds_left(request) -> int:
    """How long the logged-in session has left, counted from its last renewal."""
    refreshed = request.session.get(SESSION_REFRESHED_KEY, int(time.time()))
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - refreshed))


class SessionIdleMiddleware:
    """A logged-in person's activity keeps the session alive: each request renews the idle
    timeout, but the session is saved (with its new expiry) only when the last renewal is a
    minute old or more. Pages and htmx responses say how long is left (``X-Session-Seconds``),
    so the warning before the session ends is right to the second."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # A page asking by itself (a report's progress, every few seconds) is not the person's
        # activity: it must not keep an unattended session alive.
        polled = request.headers.get(BACKGROUND_POLL_HEADER) == "1"
        if user is not None and user.is_authenticated and not polled:
            now = time.time()
            refreshed = request.session.get(SESSION_REFRESHED_KEY)
            if refreshed is None or now - refreshed >= SESSION_REFRESH_SECONDS:
                session_refresh(request, now=now)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["X-Session-Seconds"] = str(session_seconds_left(request))
        return response


class PrivatePagesMiddleware:
    """A page shown to a logged-in person is never stored by a browser or a proxy (the review
    page holds every score, a case page a department's plans): ``Cache-Control: no-store``.
    Static files are served before this runs (WhiteNoise) and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A GET to a URL that only takes a form (``@require_POST``) gets Django's bare 405; answer
    with the site's own page instead (``405.html``, in the reader's language, in the site's
    frame), keeping the status and the ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


def _same_site_path(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return urlparse(url).path or None
    return None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page needs a login unless its view says ``@login_not_required``.

    When a session expired while someone was filling in a form marked ``@keeps_form``, what they
    typed is kept in the new (anonymous) session, tied to who they were, for half an hour; after
    logging in as the same person they come back to the form filled in (see
    ``core.forms.restore_pending_post``). Passwords and tokens are never kept, nor files.
    """

    def handle_no_permission(self, request, view_func):
        if getattr(view_func, "fondadmin_json", False):
            return JsonResponse({"expired": True}, status=401)
        who = seen_user_id(request)
        login_url = resolve_url(self.get_login_url(view_func))
        next_path = request.get_full_path()
        if request.method == "POST" and who is not None:
            if getattr(view_func, "fondadmin_keeps_form", False) and self._keep(request, who):
                messages.warning(
                    request,
                    _(
                        "Your session had expired, so nothing was saved. Log in again and you "
                        "will come back to the form with what you wrote."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _("Your session had expired, so nothing was done. Log in and try again."),
                )
                next_path = _same_site_path(request, request.headers.get("Referer", "")) or (
                    reverse("start")
                )
        elif who is not None:
            messages.info(request, _("Your session has expired. Please log in again."))
        if getattr(request, "htmx", False):
            # An htmx request cannot follow a redirect to the login page in place.
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(redirect_to_login(next_path, login_url)["Location"])
        return redirect_to_login(next_path, login_url, self.get_redirect_field_name(view_func))

    @staticmethod
    def _keep(request, who: str) -> bool:
        data = {
            key: values
            for key, values in request.POST.lists()
            if key != "csrfmiddlewaretoken" and not SECRET_FIELD.search(key)
        }
        if sum(len(value) for values in data.values() for value in values) > PENDING_MAX_BYTES:
            return False
        request.session[PENDING_POST_KEY] = {
            "path": request.path,
            "data": data,
            "user": who,
            "saved_at": time.time(),
        }
        return True
