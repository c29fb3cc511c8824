"""Request handling every page shares: the language, and login with expired sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

# Set at login, removed at logout: an anonymous request that carries it had a session that
# expired, which deserves a different message from "please log in".
SEEN_COOKIE = "fondadmin_seen"
PENDING_POST_KEY = "fondadmin_pending_post"


def mark_seen(response):
    """Remember in the browser that a session existed (see SEEN_COOKIE)."""
    response.set_cookie(
        SEEN_COOKIE,
        "1",
        max_age=60 * 60 * 24 * 365,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page needs a login unless its view says ``@login_not_required``.

    When a session has expired while someone was filling in a form, their POST is kept in the
    new (anonymous) session; after logging in they come back to the form with what they typed
    (see ``core.forms.restore_pending_post``). Uploaded files cannot be kept.
    """

    def handle_no_permission(self, request, view_func):
        had_session = SEEN_COOKIE in request.COOKIES
        if request.method == "POST":
            data = {
                key: values
                for key, values in request.POST.lists()
                if key not in ("csrfmiddlewaretoken", "idempotency_key")
            }
            request.session[PENDING_POST_KEY] = {"path": request.path, "data": data}
            messages.warning(
                request,
                _(
                    "Your session had expired, so nothing was saved. Log in again and you "
                    "will come back to the form with what you wrote."
                ),
            )
        elif had_session:
            messages.info(request, _("Your session has expired. Please log in again."))
        if getattr(request, "htmx", False):
            # An htmx request cannot follow a redirect to the login page in place.
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(self.get_login_url(view_func))
        return super().handle_no_permission(request, view_func)
