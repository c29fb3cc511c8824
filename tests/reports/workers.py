"""Real parts for the report fault tests: Celery worker processes (``celery -A fondadmin
worker``) on the test database, and a private Redis server on a port of its own (never the
machine's shared one), each stopped by the test that started it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from fondadmin.celery import app


def wait_for(condition, seconds: float = 60, step: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forget_connections() -> None:
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Send this process's tasks to ``url``, on a queue of the test's own (parallel test
    processes never take each other's tasks). Yields the queue's name."""
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    _forget_connections()
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        app.conf.update(saved)
        _forget_connections()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker(broker_url: str, queue: str, **env):
    """A worker process (solo pool, its own process group) on the test database. Extra
    ``env``: REPORT_LEASE_SECONDS, REPORT_PAUSE_SECONDS. Yields the process; stops it after."""
    log_path = Path(
        tempfile.mkstemp(prefix="worker-", suffix=".log", dir=settings.BASE_DIR / "var")[1]
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "fondadmin",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "fondadmin.settings.test",
                "TEST_DATABASE_URL": _database_url(),
                "CELERY_BROKER_URL": broker_url,
                **{key: str(value) for key, value in env.items()},
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log_path = log_path
    try:
        yield process
    finally:
        stop(process)
        log_path.unlink(missing_ok=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def log_of(process) -> str:
    return process.log_path.read_text(errors="replace")[-3000:]


@contextmanager
def private_redis(port: int):
    """A Redis server of the test's own on ``port`` (nothing kept on disk). Yields the process."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def answers():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    try:
        assert wait_for(answers, 10), f"redis-server did not start on port {port}"
        yield process
    finally:
        stop(process)
