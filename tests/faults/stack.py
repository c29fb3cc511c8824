"""Real parts for the fault tests: a PostgreSQL cluster of the tests' own (in a temporary
directory, on a free port, never the machine's shared server), the app served by gunicorn
with production settings on it and on a private Redis, and a visitor that talks HTTP to it as
a browser does (cookies, the CSRF token, no redirects followed). Every process is stopped and
every directory removed by the context manager that made it, also when a test fails.

Redis comes from ``tests.reports.workers.private_redis`` and the Celery worker from
``tests.reports.workers.worker``."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from bench.harness import gunicorn_command, server_env
from tests.reports.workers import free_port, log_of, stop, wait_for


def _program(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"{name} not found (Debian package postgresql)")
    return str(candidates[-1])


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its programs run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A cluster of its own: ``initdb`` in a temporary directory, served on a free port on
    127.0.0.1 with durability off (nothing here must survive a crash)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="fondadmin-faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(
            _as_postgres(list(command)),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n{self.log_tail()}"
            )
        return result

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def init(self) -> None:
        self._run(
            _program("initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            _program("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast``: end the sessions (the app's connections break) and shut down cleanly."""
        self._run(_program("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            _as_postgres([_program("pg_ctl"), "-D", str(self.data), "status"]),
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def psql(self, database: str, sql: str = "", *, stdin: bytes | None = None) -> str:
        command = [_program("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", self.url(database)]
        if sql:
            command += ["-c", sql]
        result = subprocess.run(command, input=stdin, capture_output=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.decode(errors='replace')}")
        return result.stdout.decode().strip()

    def close(self) -> None:
        try:
            if self.data.exists() and self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def private_postgres():
    """A running private cluster; stopped and removed afterwards."""
    pg = PrivatePostgres()
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.close()


def dump_schema(source_url: str) -> bytes:
    """The schema of ``source_url`` (the test database, which pytest-django has migrated), to
    load into the private cluster: that takes seconds where ``migrate`` takes half a minute or
    more on a busy machine. Triggers and the rest that migrations make with SQL come along."""
    dump = subprocess.run(
        [_program("pg_dump"), "--schema-only", "--no-owner", "--no-privileges", source_url],
        capture_output=True,
        check=False,
    )
    if dump.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {dump.stderr.decode(errors='replace')}")
    return dump.stdout


def load_schema(pg: PrivatePostgres, database: str, schema: bytes) -> None:
    pg.psql(database, stdin=schema)


def app_env(database_url: str, redis_url: str) -> dict:
    """Production settings as the bench serves them (``bench.harness.server_env``), with
    static files from the finders (``tests/faults/server_settings.py``)."""
    env = server_env(database_url, redis_url)
    env["DJANGO_SETTINGS_MODULE"] = "tests.faults.server_settings"
    return env


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Visitor:
    """One browser: its cookies, and requests to the app on loopback."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, *attributes = cookie.split(";")
            name, _sep, value = pair.partition("=")
            gone = any(a.strip().lower() == "max-age=0" for a in attributes)
            if gone or value.strip('"') == "":
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return Answer(response.status, response.headers, text)

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        """A form sent from one of the site's pages (its CSRF token from the cookie)."""
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")  # a page with a form sets the cookie
        token = {"csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", path, {**token, **(data or {})}, headers)

    def log_in(self, email: str, password: str) -> Answer:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": email, "password": password})


def menu_links(page: str) -> list[str]:
    """The addresses in a page's main menu."""
    return re.findall(r'class="site-nav__link" href="([^"]+)"', page)


def _healthy(port: int) -> bool:
    try:
        return Visitor(port).get("/healthz/").status == 200
    except OSError:
        return False


@contextmanager
def app_server(env: dict, log_dir: Path, workers: int = 2):
    """The app under gunicorn as production runs it (sync workers, persistent database
    connections), on a free port; yields the process (``.port``, ``.log_path``)."""
    port = free_port()
    log_path = log_dir / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            gunicorn_command(port, workers, "--graceful-timeout", "5"),
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.port = port
    process.log_path = log_path
    try:
        up = wait_for(lambda: process.poll() is not None or _healthy(port), 90, 0.2)
        if not up or process.poll() is not None:
            raise RuntimeError(f"gunicorn did not serve /healthz/:\n{log_of(process)}")
        yield process
    finally:
        stop(process)
