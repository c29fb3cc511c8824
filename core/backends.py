"""Authentication: e-mail and password (Django's model backend), and the person of each
request loaded with their standing today in the same query (``core.access.with_standing``).
Before them, django-axes' check that the address and the client are not paused after repeated
failures (``LoginThrottleBackend``, ``core/throttle.py``)."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from core import access


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its e-mail address or client address is paused.

    Throttling is about requests: every login page passes the request. A call without one
    (``Client.login`` in tests, a management command) is not a client to throttle, and axes'
    own backend would raise an error for it instead of letting the next backend answer.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = access.person_with_standing(pk, timezone.localdate())
        return user if user is not None and self.user_can_authenticate(user) else None
