"""What the benches share (``bench/volume.py``, ``make bench-volume``; ``bench/city.py``,
``make bench``): PostgreSQL databases of generated volume made once and kept, gunicorn serving
them with production settings on loopback, logging in as a person does, ``wrk`` and the SQL of
each page (``bench/pages.py``). Never in production: every database here is a bench's own."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DOMAIN = "volym.example"
PASSWORD = "volym-fondadmin"  # noqa: S105 - the generated volume's people (never production)
MARK = "(volym)"
COUNCIL = f"ledamot01@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"
DIRECTOR = f"director@{DOMAIN}"


# --- PostgreSQL --------------------------------------------------------------------------------


class Postgres:
    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = str(parts.port or 5432)
        self.user = parts.username or "postgres"
        self.password = parts.password or ""

    def url(self, db: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{db}"

    def query(self, sql: str, db: str = "postgres") -> str:
        env = {**os.environ, "PGPASSWORD": self.password}
        command = ["psql", "-h", self.host, "-p", self.port, "-U", self.user, "-d", db]
        done = subprocess.run(
            [*command, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def exists(self, db: str) -> bool:
        return self.query(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def manage(*args: str, env: dict, quiet: bool = False, capture: bool = False) -> str:
    output = subprocess.PIPE if capture else (subprocess.DEVNULL if quiet else None)
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=output, text=True
    )
    return done.stdout or ""


def dev_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FONDADMIN_ENV", "CELERY_BROKER_URL")}
    return {**env, "DATABASE_URL": database_url, "FONDADMIN_ENV": "development"}


def generated(pg: Postgres, db: str) -> int:
    return int(
        pg.query(f"SELECT count(*) FROM applications_application WHERE title LIKE '%{MARK}'", db)
    )


def prepare(
    pg: Postgres,
    db: str,
    *,
    applications: int,
    generate: list[str],
    rebuild: bool = False,
    template: str | None = None,
) -> None:
    """The database ``db`` with ``applications`` generated applications: kept from an earlier
    run, or made (a copy of ``template`` if given) and filled with
    ``manage.py generate_volume *generate``; ``rebuild`` makes it again."""
    if pg.exists(db) and (rebuild or generated(pg, db) > applications):
        pg.query(f'DROP DATABASE "{db}"')
    if not pg.exists(db):
        if template is not None:
            print(f"== {db}: a copy of {template}", flush=True)
            pg.query(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
        else:
            print(f"== {db}: new", flush=True)
            pg.query(f'CREATE DATABASE "{db}"')
    # A bench database is made again from its seed, never restored: a commit need not wait for
    # the disk (the generator commits every case; this is several times faster on a busy disk).
    pg.query(f'ALTER DATABASE "{db}" SET synchronous_commit = off')
    env = dev_env(pg.url(db))
    manage("migrate", "--noinput", "-v", "0", env=env)
    have = generated(pg, db)
    if have < applications:
        print(f"== {db}: generating {applications - have:,} applications", flush=True)
        manage("generate_volume", *generate, env=env)
        pg.query("VACUUM ANALYZE", db)


# --- Serving and measuring --------------------------------------------------------------------


def server_env(database_url: str, redis_url: str, cache_prefix: str = "") -> dict:
    """Production settings, as docker-compose.yml gives them, on plain HTTP on loopback. Each
    database gets its own cache keys (``cache_prefix``): the start pages keep figures for a
    minute, and one volume's must not be read at another."""
    cache_url = redis_url + (f"?key_prefix={cache_prefix}" if cache_prefix else "")
    return {
        **os.environ,
        "FONDADMIN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": cache_url,
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "DEFAULT_FROM_EMAIL": "bench@localhost",
        "SECURE_SSL_REDIRECT": "false",  # compose has a TLS proxy in front; here plain loopback
        "LOG_LEVEL": "WARNING",
    }


def gunicorn_command(port: int, workers: int, *options: str) -> list[str]:
    """gunicorn serving the app on loopback as the image does (sync workers), quiet but for
    warnings; ``options`` are gunicorn's own (an access log, a graceful timeout)."""
    return [
        GUNICORN,
        "fondadmin.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--no-control-socket",  # several gunicorns may run on the machine
        "--log-level",
        "warning",
        *options,
    ]


class Server:
    """gunicorn on loopback; ``access_log`` a file for the access log the image writes (the
    Dockerfile's ``--access-logfile -``), or None for none."""

    def __init__(self, env: dict, port: int, workers: int, access_log: Path | None = None):
        self.base = f"http://127.0.0.1:{port}"
        logging = ["--access-logfile", str(access_log)] if access_log is not None else []
        self.process = subprocess.Popen(
            gunicorn_command(port, workers, *logging),
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start (exit {self.process.returncode})")
            try:
                urllib.request.urlopen(self.base + "/healthz/", timeout=10)
                return
            except OSError:  # not listening yet, or a worker still loading the app
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(response, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def fetch(base: str, path: str, jar: dict, data: dict | None = None):
    """One request with the cookies of ``jar`` (updated from the answer); a redirect is not
    followed."""
    request = urllib.request.Request(base + path)
    if jar:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, data=body, timeout=30)
    except urllib.error.HTTPError as error:  # a redirect (not followed) or an error page
        response = error
    _cookies(response, jar)
    return response


def log_in(base: str, email: str) -> str:
    """Log in through the login form as a person does; the Cookie header of the session."""
    jar: dict = {}
    page = fetch(base, "/accounts/login/", jar).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = fetch(
        base,
        "/accounts/login/",
        jar,
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
    )
    if done.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"logging in as {email} failed (HTTP {done.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def cookie_jar(cookie: str | None) -> dict:
    """A Cookie header (``log_in``'s) as a jar for ``fetch``."""
    jar = {}
    for part in (cookie or "").split("; "):
        if part:
            name, _sep, value = part.partition("=")
            jar[name] = value
    return jar


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str, url: str = "") -> dict:
    """Median and 99th percentile latency (ms) and requests per second from ``wrk --latency``;
    an error if wrk saw errors or printed no latency distribution."""
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if set(percentiles) != {"50", "99"} or rps is None:
        raise RuntimeError(f"no latency distribution in wrk's output for {url}:\n{output}")
    return {
        "p50_ms": _ms(percentiles["50"]),
        "p99_ms": _ms(percentiles["99"]),
        "rps": float(rps.group(1)),
    }


def wrk(url: str, cookie: str | None, threads: int, connections: int, seconds: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return parse_wrk(done.stdout, url)


def page_queries(env: dict, who: str | None, paths: list[str]) -> list[dict]:
    command = [PY, "bench/pages.py", *(["--user", who] if who else []), *paths]
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def ids_of(pg: Postgres, db: str) -> dict:
    """The pages' objects, the same at every volume (the first generated cases)."""
    council_pk = pg.query(f"SELECT id FROM core_user WHERE email = '{COUNCIL}'", db)
    assignment, review = pg.query(
        "SELECT r.id || ' ' || r.application_id FROM applications_reviewassignment r "
        f"WHERE r.reviewer_id = {council_pk} ORDER BY r.application_id, r.id LIMIT 1",
        db,
    ).split()
    case = pg.query(
        f"SELECT id FROM applications_application WHERE title LIKE '%{MARK}' ORDER BY id LIMIT 1",
        db,
    )
    fund = pg.query(f"SELECT id FROM core_fund WHERE name LIKE '%{MARK}'", db)
    project, report, manager = pg.query(
        "SELECT p.id || ' ' || r.id || ' ' || u.email FROM projects_project p "
        "JOIN projects_progressreport r ON r.project_id = p.id "
        "JOIN projects_projectassignment a ON a.project_id = p.id AND a.role = 'manager' "
        "JOIN core_user u ON u.id = a.person_id ORDER BY p.id, r.period_end LIMIT 1",
        db,
    ).split()
    # An applicant who takes no part in a project (at a larger volume the first applicants
    # lead projects too, and their start page has that section as well).
    applicant = pg.query(
        "SELECT u.email FROM core_user u WHERE u.email LIKE 'sokande%' AND EXISTS (SELECT 1 "
        "FROM core_roleassignment r WHERE r.user_id = u.id AND r.role = 'applicant') AND NOT "
        "EXISTS (SELECT 1 FROM projects_projectassignment a WHERE a.person_id = u.id) "
        "ORDER BY u.email LIMIT 1",
        db,
    )
    return {
        "applicant": applicant,
        "assignment": assignment,
        "review": review,
        "case": case,
        "fund": fund,
        "project": project,
        "report": report,
        "manager": manager,
    }
