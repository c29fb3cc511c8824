"""Settings for the test suite: the environment-driven settings, on PostgreSQL, made fast.

Tests always run on PostgreSQL, as production does. ``TEST_DATABASE_URL`` names the server
(default: the local one with trust authentication); pytest-django creates ``test_<name>``.
"""

from environs import Env

from fondadmin.settings import *  # noqa: F403
from fondadmin.settings import BASE_DIR, DATABASES

_env = Env()

TEST_DATABASE_URL = _env.str("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fondadmin")
DATABASES["default"] = _env.dj_db_url(
    "TEST_DATABASE_URL", TEST_DATABASE_URL, conn_max_age=0, conn_health_checks=False
)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL; TEST_DATABASE_URL must be postgres://")
DATABASES["default"]["ENGINE"] = "core.postgresql"  # as the settings give production

# Redis for the integration tests that start a real Celery worker.
TEST_REDIS_URL = _env.str("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# The report workers the fault tests start: a short lease and a pause inside the render.
REPORT_LEASE_SECONDS = _env.int("REPORT_LEASE_SECONDS", 120)
REPORT_PAUSE_SECONDS = _env.float("REPORT_PAUSE_SECONDS", 0.0)

# Hashing passwords with PBKDF2 dominates a suite that logs many users in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic in tests: files are found where they live (node_modules included).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Serve static files from the finders (no collectstatic), as runserver would.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
