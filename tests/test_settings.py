"""Settings come from the environment and fail loudly on bad values; production passes
check --deploy with no warnings and sends the same Content-Security-Policy as tests."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "FONDADMIN_ENV": "production",
    "SECRET_KEY": "k3v9-Qz7pL2mX8rT4wY6bN1cJ5hG0dF-aS3eR7tU9iO2pA4sD6fG8hJ1kL3zX5cV7",
    "ALLOWED_HOSTS": "fond.stockholm.example",
    "DATABASE_URL": "postgres://fond:secret@db.example:5432/fond",
    "EMAIL_URL": "smtp://mail.example:587/?tls=True",
    "DEFAULT_FROM_EMAIL": "fond@stockholm.example",
    "CELERY_BROKER_URL": "redis://redis.example:6379/0",
    "SITE_URL": "https://fond.stockholm.example",
}


def run_django(code: str, **environment) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fondadmin.settings"}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("CONN_MAX_AGE", "forever"),
        ("DATABASE_URL", "mysql://x@y/z"),
        ("FONDADMIN_ENV", "staging"),
        ("EMAIL_URL", "pigeon://coop"),
        ("SESSION_IDLE_MINUTES", "-"),
    ],
)
def test_a_bad_value_stops_the_start_and_names_the_variable(variable, value):
    result = run_django("", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "CELERY_BROKER_URL"]
)
def test_production_refuses_to_start_without_what_it_must_not_guess(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_django("", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug_and_a_weak_secret_and_sqlite():
    assert run_django("", **(PRODUCTION_ENV | {"DEBUG": "true"})).returncode != 0
    assert run_django("", **(PRODUCTION_ENV | {"SECRET_KEY": "short"})).returncode != 0
    assert run_django("", **(PRODUCTION_ENV | {"SECRET_KEY": "ab" * 40})).returncode != 0
    sqlite = run_django("", **(PRODUCTION_ENV | {"DATABASE_URL": "sqlite:///x.db"}))
    assert "PostgreSQL" in sqlite.stderr


def test_production_passes_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_the_csp_the_tests_enforce():
    code = "from django.conf import settings; print(json.dumps(settings.SECURE_CSP))"
    result = run_django("import json; " + code, **PRODUCTION_ENV)
    assert json.loads(result.stdout) == json.loads(json.dumps(settings.SECURE_CSP))


def test_without_a_broker_tasks_run_in_process_and_with_one_they_do_not():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    assert run_django(code).stdout.strip() == "True"
    assert run_django(code, CELERY_BROKER_URL="redis://127.0.0.1:6379/0").stdout.strip() == "False"


def test_demo_defaults_to_sqlite_and_the_console_mailer():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.MAILERS['default']['BACKEND'])"
    )
    engine, mailer = run_django(code).stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert mailer == "django.core.mail.backends.console.EmailBackend"


def test_persistent_connections_with_health_checks():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    assert run_django(code, DATABASE_URL="postgres://x@y/z").stdout.split() == ["60", "True"]


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("EMAIL_URL", "console://", "EMAIL_URL"),
        (
            "SECRET_KEY",
            "replace-with-a-long-random-string-of-at-least-fifty-characters-0123456789",
            "SECRET_KEY",
        ),
        ("SITE_URL", "http://fond.stockholm.example", "SITE_URL"),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES"),
        ("INVITATION_VALID_DAYS", "-1", "INVITATION_VALID_DAYS"),
    ],
)
def test_production_refuses_values_that_would_work_badly(variable, value, named):
    result = run_django("", **(PRODUCTION_ENV | {variable: value}))
    assert result.returncode != 0
    assert named in result.stderr
