"""Smoke test of the README's demo command, as a newcomer would use it.

Starts `bin/demo` on SQLite in a temporary folder, reads the demo users and password it prints,
logs in as each over HTTP, loads the start page, and stops it. Also checks that the demo
refuses to run with production settings. Standard library only.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900  # the first run installs packages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fail(message: str, log: Path | None = None) -> None:
    print(f"SMOKE TEST FAILED: {message}")
    if log is not None and log.exists():
        print("---- demo output ----")
        print(log.read_text(errors="replace")[-8000:])
    sys.exit(1)


def refuses_production() -> None:
    env = {**os.environ, "FONDADMIN_ENV": "production"}
    result = subprocess.run(
        ["bin/demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    if result.returncode == 0 or "refuses" not in result.stderr:
        fail(f"bin/demo did not refuse production settings: {result.returncode} {result.stderr}")
    print("ok: bin/demo refuses FONDADMIN_ENV=production")


def login_and_load_start(base: str, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    response = opener.open(request, timeout=30)
    start = response.read().decode()
    if response.url.rstrip("/") != base:
        fail(f"{email}: login ended at {response.url}, not the start page")
    if 'class="role-card"' not in start or "Logga ut" not in start:
        fail(f"{email}: the start page shows no role section")
    return re.search(r"<h1>([^<]+)</h1>", start).group(1)


def main() -> None:
    refuses_production()
    folder = Path(tempfile.mkdtemp(prefix="fondadmin-demo-"))
    database = folder / "demo.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "FONDADMIN_ENV", "DATABASE_URL")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(folder / "media"),
        DEMO_ADDRESS=f"127.0.0.1:{port}",
    )
    log = folder / "demo.log"
    with log.open("w") as output:
        demo = subprocess.Popen(
            ["bin/demo"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if demo.poll() is not None:
                fail(f"bin/demo stopped with exit code {demo.returncode}", log)
            text = log.read_text(errors="replace")
            if "Serving fondadmin at" in text:
                try:
                    urllib.request.urlopen(f"{base}/healthz/", timeout=2)
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                fail("the demo did not start in time", log)
            time.sleep(1)
        if not database.exists():
            fail(f"no SQLite database at {database}", log)
        password = re.search(r"password for all: (\S+)\)", text).group(1)
        users = re.findall(r"^\s{2}(\S+@\S+)\s+(.+)$", text, re.MULTILINE)
        if len(users) < 8:
            fail(f"the demo printed {len(users)} users", log)
        anonymous = urllib.request.urlopen(f"{base}/", timeout=30)
        if "/accounts/login/" not in anonymous.url:
            fail("an anonymous visitor was not sent to the login page")
        for email, roles in users:
            heading = login_and_load_start(base, email, password)
            print(f"ok: {email:<42} {roles.strip():<45} start page: {heading}")
        print(f"ok: {len(users)} demo users logged in on SQLite in {folder}")
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()


if __name__ == "__main__":
    main()
