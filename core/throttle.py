"""Login throttling: the hooks django-axes calls, and when a pause ends.

django-axes (its database handler, so the state is in PostgreSQL and works with Redis down)
counts failed logins per e-mail address and per client address; after ``AXES_FAILURE_LIMIT``
failures within ``AXES_COOLOFF_TIME`` of the last one, further attempts for that address or
from that client are refused until the pause has run out (settings, "Login throttling"). The
login form says so and when to try again (``LoginForm``); fund administrators see and lift
pauses in the Django admin (``core.admin.LoginPauseAdmin``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# AccessAttempt.username is a CharField(255); a longer typed address must not reach it.
_KEY_LENGTH = 255


def account_key(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The e-mail address as the backend matches it (case does not matter), so that
    ``Anna@x`` and ``anna@x`` count as the same account (``AXES_USERNAME_CALLABLE``)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    if not isinstance(typed, str) or not typed.strip():
        return None
    return typed.strip().lower()[:_KEY_LENGTH]


def client_address(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    REMOTE_ADDR, unless ``TRUST_X_FORWARDED_FOR`` says the app runs behind a proxy that appends
    the address it saw to X-Forwarded-For: then the last entry, the one the proxy wrote (those
    before it come from the client and prove nothing). A malformed value counts as no address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops[-1]:
            address = hops[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _cool_off() -> dt.timedelta:
    return settings.AXES_COOLOFF_TIME


def pause_ends(attempts) -> dt.datetime | None:
    """When the pause of these attempts (one account's or one address's) ends, or None if
    they are below the limit. One query."""
    figures = attempts.filter(attempt_time__gte=timezone.now() - _cool_off()).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (figures["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return figures["last"] + _cool_off()


def paused_until(request: HttpRequest, email: str | None) -> dt.datetime | None:
    """When logging in with this address from this client may be tried again, or None if it
    may be tried now."""
    lookups = [Q(ip_address=client_address(request))]
    key = account_key(None, {"username": email})
    if key:
        lookups.append(Q(username=key))
    now = timezone.now()
    ends = [pause_ends(AccessAttempt.objects.filter(lookup)) for lookup in lookups]
    ends = [end for end in ends if end is not None and end > now]
    return max(ends, default=None)


def seconds_until(moment: dt.datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def try_again_at(moment: dt.datetime) -> dt.datetime:
    """The pause's end rounded up to the whole minute people read on the form."""
    local = timezone.localtime(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return local


def lockout_response(
    request: HttpRequest, response: HttpResponse | None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page the view rendered already explains the pause (the
    login form with its message); it only gets the status that says "too many requests"."""
    if response is None:
        response = HttpResponse(status=429)
    if response.status_code == 200:
        response.status_code = 429
    return response
