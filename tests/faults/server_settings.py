"""The settings of the app server the fault tests start: production's (``FONDADMIN_ENV=
production`` and the rest from ``bench.harness.server_env``), with static files served from
where they lie as in the test settings, so that no ``collectstatic`` is needed first."""

from fondadmin.settings import *  # noqa: F403
from fondadmin.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Hashing a password takes PBKDF2 seconds on a busy machine and the tests log in five times;
# what is tested here is not the hash (as in fondadmin.settings.test).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
