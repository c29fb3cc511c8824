"""Authentication: e-mail and password (Django's model backend), and the person of each
request loaded with their standing today in the same query (``core.access.with_standing``)."""

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from core import access


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = access.person_with_standing(pk, timezone.localdate())
        return user if user is not None and self.user_can_authenticate(user) else None
