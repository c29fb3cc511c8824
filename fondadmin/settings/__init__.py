"""Settings for fondadmin, read from the environment.

Every value that differs between the demo, CI and production comes from an environment
variable; a malformed value stops the process at start-up with a message naming the variable
(``environs`` raises ``EnvError``), rather than running with a surprising default.

``FONDADMIN_ENV`` is ``development`` (the default: the demo and local work) or ``production``.
Production refuses to start without the values it must not guess (secret key, hosts, a real
database, a real mailer, a broker) and turns on every HTTPS protection, so that
``manage.py check --deploy`` passes with no warnings.
"""

import datetime as dt
from pathlib import Path

import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from environs import Env, EnvError, validate

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = Env()

ENVIRONMENTS = ("development", "production")
try:
    FONDADMIN_ENV = env.str("FONDADMIN_ENV", "development", validate=validate.OneOf(ENVIRONMENTS))
except EnvError as error:  # pragma: no cover - exercised by tests/test_settings.py in a subprocess
    raise ImproperlyConfigured(
        f"FONDADMIN_ENV must be one of {', '.join(ENVIRONMENTS)}: {error}"
    ) from error
PRODUCTION = FONDADMIN_ENV == "production"


def _required_in_production(name: str, value: object) -> None:
    if PRODUCTION and not value:
        raise ImproperlyConfigured(f"{name} must be set when FONDADMIN_ENV=production.")


# --- Core ------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when FONDADMIN_ENV=production.")

# Development only; production refuses it (below).
_DEV_SECRET = "django-insecure-fondadmin-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
_required_in_production("SECRET_KEY", SECRET_KEY)
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
    or "replace-with" in SECRET_KEY  # the placeholder in .env.example
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 random characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
_required_in_production("ALLOWED_HOSTS", ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "core",
    "applications",
    "projects",
    "reclaim",
    "reports",
    "fondadmin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "core.middleware.SessionIdleMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: gives a refused login its status (core.throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fondadmin.urls"
WSGI_APPLICATION = "fondadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fondadmin.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# The demo runs on a SQLite file; tests, CI, compose and production on PostgreSQL.

_DEMO_DB = BASE_DIR / "var" / "demo.sqlite3"
DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        "" if PRODUCTION else f"sqlite:///{_DEMO_DB}",
        conn_max_age=env.int("CONN_MAX_AGE", 60, validate=validate.Range(min=0)),
        conn_health_checks=True,
    )
}
_required_in_production("DATABASE_URL", DATABASES["default"].get("ENGINE"))
_ENGINE = DATABASES["default"]["ENGINE"]
if _ENGINE not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ImproperlyConfigured(f"DATABASE_URL must name PostgreSQL or SQLite, not {_ENGINE}.")
if PRODUCTION and _ENGINE != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")
if _ENGINE == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries are short, and on a list's count whose cost
    # estimate passes jit_above_cost PostgreSQL spent 80 ms compiling a 3 ms query.
    _OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
    _OPTIONS["options"] = f"{_OPTIONS.get('options', '')} -c jit=off".strip()
    # A database that cannot be reached is a 503 within seconds (fondadmin.outage), not a
    # request that hangs until the proxy gives up. DATABASE_URL's ?connect_timeout= wins.
    _OPTIONS.setdefault("connect_timeout", 5)
    # Django's backend with a health check that needs no round trip (core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
if _ENGINE == "django.db.backends.sqlite3":
    # Concurrent requests in the demo must wait for the write lock, not fail at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
# The model backend, loading each request's person with their roles in the same query.
AUTHENTICATION_BACKENDS = ["core.backends.LoginThrottleBackend", "core.backends.PersonBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link is valid for one day
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", 14, validate=validate.Range(min=1, max=90))
# Rows on a page of every list (core.http.paginate); the bench measures at 60 as others do.
LIST_PAGE_SIZE = env.int("LIST_PAGE_SIZE", 50, validate=validate.Range(min=10, max=500))

# Login throttling (django-axes with its database handler: the state is in PostgreSQL, so it
# works with Redis down). After LOGIN_FAILURE_LIMIT failed logins for one e-mail address (in
# any case), or from one client address, within LOGIN_PAUSE_MINUTES of each other, logging in
# with that address or from that client is paused until LOGIN_PAUSE_MINUTES after the last
# failure; attempts during the pause are refused and not counted. core/throttle.py.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, validate=validate.Range(min=3, max=100))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env.int("LOGIN_PAUSE_MINUTES", 15, validate=validate.Range(min=1, max=24 * 60))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe failures: axes would wipe every failure from the same client address
# too, so that one's own account could clear the count of guesses at someone else's.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "core.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "core.throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
# No log of every login (personal data without a purpose here); the admin shows the pauses
# (core.admin), not axes' own pages.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Behind a proxy that appends the client's address to X-Forwarded-For (docker-compose.yml),
# the client is the last address there; otherwise every login would come from the proxy.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", False)

# Sessions end after a period without activity. A script on every page warns before that and
# offers to extend (WCAG 2.2.1); a form posted after expiry is kept across the new login.
SESSION_COOKIE_AGE = (
    env.int("SESSION_IDLE_MINUTES", 60, validate=validate.Range(min=5, max=24 * 60)) * 60
)
# Written only when it changes; the idle timeout is renewed at most once a minute
# (core.middleware.SessionIdleMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions, read with plain SQL on every request (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "fondadmin.views.csrf_failure"

# --- Language, time and formats -----------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True
FORMAT_MODULE_PATH = ["fondadmin.formats"]

# --- Static and media files ---------------------------------------------------------------
# Bootstrap comes from npm (package.json), is served by the app and never committed.

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", BASE_DIR / "var" / "media")
# Attachments are served only through views that check access; MEDIA_URL is never routed.
FONDADMIN_MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", 20, validate=validate.Range(min=1, max=200))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -----------------------------------------------------------------------------
# The same Content-Security-Policy in every mode, so that tests enforce what production sends:
# no inline script or style anywhere, nothing from other origins.

SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    if env.bool("TRUST_X_FORWARDED_PROTO", False):
        # Only behind a proxy that sets this header itself (see docker-compose.yml).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int(
        "SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, validate=validate.Range(min=0)
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
    # Health checks from the orchestrator arrive over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL in the dj-email-url form: smtp://user:password@host:587/?tls=True, or console://.


def _mailers_from_url(url: str) -> dict:
    try:
        parsed = dj_email_url.parse(url)
    except Exception as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {error}") from error
    options = {}
    if parsed["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        options = {
            "host": parsed["EMAIL_HOST"],
            "port": parsed["EMAIL_PORT"],
            "username": parsed["EMAIL_HOST_USER"] or None,
            "password": parsed["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": parsed["EMAIL_USE_TLS"],
            "use_ssl": parsed["EMAIL_USE_SSL"],
            "timeout": parsed["EMAIL_TIMEOUT"] or 20,
        }
    elif parsed["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
        options = {"file_path": parsed["EMAIL_FILE_PATH"]}
    return {"default": {"BACKEND": parsed["EMAIL_BACKEND"], "OPTIONS": options}}


EMAIL_URL = env.str("EMAIL_URL", "" if PRODUCTION else "console://")
_required_in_production("EMAIL_URL", EMAIL_URL)
MAILERS = _mailers_from_url(EMAIL_URL)
if PRODUCTION and not MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server in production (smtp:// or smtps://), not "
        f"{EMAIL_URL.split(':')[0]}://."
    )
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", "" if PRODUCTION else "Sociala investeringsfonden <fond@localhost>"
)
_required_in_production("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where reports of accessibility problems go, besides the fund administrators.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", "")
# The address people see in e-mails (links in invitations and password resets).
SITE_URL = env.str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
_required_in_production("SITE_URL", SITE_URL)
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// in production.")

# --- Celery -------------------------------------------------------------------------------
# Without a broker (the demo) tasks run in-process; with one they go to the workers.

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
_required_in_production("CELERY_BROKER_URL", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must not hang for long when Redis is down.
# max_retries (with no wait): a publish to a broker that is down fails in a fraction of a second
# instead of retrying its connection for 6 s (measured); the row stays and a sweep sends it.
# visibility_timeout: a task taken but not acknowledged (its worker died) goes back to the queue
# after this long; above the longest render. The reports' own lease and sweep act sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "visibility_timeout": 3 * 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE = {
    "resend-pending-emails": {"task": "core.tasks.resend_pending_emails", "schedule": 600.0},
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 24 * 3600.0,
    },
    "forget-old-idempotency-keys": {
        "task": "core.tasks.forget_old_idempotency_keys",
        "schedule": 24 * 3600.0,
    },
    # Progress reports fall due and reminders go out once a day; running more often is
    # harmless (each report and reminder is made once).
    "progress-reports": {"task": "projects.tasks.progress_reports_daily", "schedule": 6 * 3600.0},
    # Report jobs a stopped worker held, or that never reached the broker, are queued again.
    "sweep-report-jobs": {"task": "reports.tasks.sweep_report_jobs", "schedule": 60.0},
}
# A worker renews its hold on a report job every third of this while it renders; a job whose
# hold ran out (the worker died) is queued again by the sweep.
REPORT_LEASE_SECONDS = env.int("REPORT_LEASE_SECONDS", 120, validate=validate.Range(min=3))
# Fault tests only (fondadmin.settings.test): a pause inside each render, to stop a worker in it.
REPORT_PAUSE_SECONDS = 0.0

# --- Caches -------------------------------------------------------------------------------

CACHES = {"default": env.dj_cache_url("CACHE_URL", "locmem://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's raises when Redis is down; this one answers a miss and logs a warning.
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"

# --- Bench ----------------------------------------------------------------------------------
# Only ``make bench`` sets this, on its own server: it mounts the bench's comparison page
# (fondadmin/baseline.py). A normal installation never has it.
BENCH_BASELINE = env.bool("FONDADMIN_BENCH_BASELINE", False)

# --- Third-party ----------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each layout step at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every login at INFO; failures and pauses are warnings.
        "axes": {"level": "WARNING"},
    },
}
