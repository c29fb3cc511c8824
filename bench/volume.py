"""Pages at volume: builds PostgreSQL databases with 1,000, 3,000 and 10,000 generated
applications (``manage.py generate_volume``), serves each with gunicorn as production does, and
loads the council member's and the fund administrator's pages with ``wrk`` side by side with a
trivial page, logged in and anonymous. Run by ``bin/bench-volume`` (``make bench-volume``).

Each database is made once and kept (``fondadmin_bench_<N>``): a larger one starts as a copy
of the next smaller one and is topped up, so 10,000 applications are generated once in all.
``--rebuild`` makes them again. Everything runs on loopback; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DOMAIN = "volym.example"
PASSWORD = "volym-fondadmin"  # noqa: S105 - the generated volume's people (never production)
COUNCIL = f"ledamot01@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"
DIRECTOR = f"director@{DOMAIN}"
MARK = "(volym)"
ANONYMOUS = "anonymous trivial page (/privacy/)"
TRIVIAL = "logged-in trivial page (/privacy/)"


@dataclass
class Page:
    label: str
    who: str | None  # e-mail, or None for anonymous
    path: str
    council: bool = False  # a council member's page (the 50 ms target)
    result: dict = field(default_factory=dict)


def pages(ids: dict) -> list[Page]:
    return [
        Page(ANONYMOUS, None, "/privacy/"),
        Page(TRIVIAL, COUNCIL, "/privacy/"),
        Page("council: start page", COUNCIL, "/", council=True),
        Page("council: my reviews", COUNCIL, "/reviews/", council=True),
        Page("council: my reviews, to do now", COUNCIL, "/reviews/?status=open", council=True),
        Page("council: assignment", COUNCIL, f"/reviews/{ids['assignment']}/", council=True),
        Page(
            "council: review page", COUNCIL, f"/applications/{ids['review']}/review/", council=True
        ),
        Page("council: application list", COUNCIL, "/applications/", council=True),
        Page("council: idea sketches", COUNCIL, "/sketches/", council=True),
        Page("council: case page", COUNCIL, f"/applications/{ids['review']}/", council=True),
        Page("admin: start page", ADMIN, "/"),
        Page("admin: application list", ADMIN, "/applications/"),
        Page("admin: applications, submitted", ADMIN, "/applications/?state=submitted"),
        Page("admin: case page", ADMIN, f"/applications/{ids['case']}/"),
        Page("admin: review page", ADMIN, f"/applications/{ids['case']}/review/"),
        Page("admin: idea sketches", ADMIN, "/sketches/"),
        Page("admin: register", ADMIN, "/register/"),
        Page("admin: fund ledger", ADMIN, f"/funds/{ids['fund']}/"),
        Page("admin: project list", ADMIN, "/projects/"),
        Page("admin: project page", ADMIN, f"/projects/{ids['project']}/"),
        Page(
            "admin: progress report", ADMIN, f"/projects/{ids['project']}/reports/{ids['report']}/"
        ),
        Page("project manager: start page", ids["manager"], "/"),
        Page("project manager: projects", ids["manager"], "/projects/"),
        Page("project manager: project page", ids["manager"], f"/projects/{ids['project']}/"),
        Page("admin: reclaim plan", ADMIN, f"/reclaim/projects/{ids['project']}/"),
        Page("director: start page", DIRECTOR, "/"),
        Page("director: reclaim overview", DIRECTOR, f"/reclaim/funds/{ids['fund']}/"),
        Page("project manager: what the organisation owes", ids["manager"], "/reclaim/"),
        Page("director: reports", DIRECTOR, "/reports/"),
    ]


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


def manage(*args: str, env: dict, quiet: bool = False) -> None:
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=output)


def dev_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FONDADMIN_ENV", "CELERY_BROKER_URL")}
    return {**env, "DATABASE_URL": database_url, "FONDADMIN_ENV": "development"}


def generated(pg: Postgres, db: str) -> int:
    return int(
        pg.query(f"SELECT count(*) FROM applications_application WHERE title LIKE '%{MARK}'", db)
    )


def build(pg: Postgres, volumes: list[int], prefix: str, seed: int, rebuild: bool) -> None:
    """Each volume's database, copied from the next smaller one and topped up."""
    previous = None
    for volume in volumes:
        db = f"{prefix}_{volume}"
        if rebuild and pg.exists(db):
            pg.query(f'DROP DATABASE "{db}"')
        if pg.exists(db) and generated(pg, db) > volume:
            pg.query(f'DROP DATABASE "{db}"')
        if not pg.exists(db):
            if previous is not None:
                print(f"== {db}: a copy of {previous}", flush=True)
                pg.query(f'CREATE DATABASE "{db}" TEMPLATE "{previous}"')
            else:
                print(f"== {db}: new", flush=True)
                pg.query(f'CREATE DATABASE "{db}"')
        env = dev_env(pg.url(db))
        manage("migrate", "--noinput", "-v", "0", env=env)
        have = generated(pg, db)
        if have < volume:
            print(f"== {db}: generating {volume - have:,} applications (seed {seed})", flush=True)
            manage("generate_volume", "--applications", str(volume), "--seed", str(seed), env=env)
            pg.query("VACUUM ANALYZE", db)
        previous = db


# --- Serving and measuring --------------------------------------------------------------------


def server_env(database_url: str, redis_url: str) -> dict:
    """Production settings, as docker-compose.yml gives them, on plain HTTP on loopback."""
    return {
        **os.environ,
        "FONDADMIN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": redis_url,
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "DEFAULT_FROM_EMAIL": "bench@localhost",
        "SECURE_SSL_REDIRECT": "false",  # compose has a TLS proxy in front; here plain loopback
        "LOG_LEVEL": "WARNING",
    }


class Server:
    def __init__(self, env: dict, port: int, workers: int):
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
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
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
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


def _open(base: str, path: str, jar: dict, data: dict | None = None):
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
    page = _open(base, "/accounts/login/", jar).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = _open(
        base,
        "/accounts/login/",
        jar,
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
    )
    if done.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"logging in as {email} failed (HTTP {done.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, cookie: str | None, threads: int, connections: int, seconds: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"no latency distribution in wrk's output for {url}:\n{output}")
    return {
        "p50_ms": _ms(percentiles["50"]),
        "p99_ms": _ms(percentiles["99"]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
    }


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
    return {
        "assignment": assignment,
        "review": review,
        "case": case,
        "fund": fund,
        "project": project,
        "report": report,
        "manager": manager,
    }


def measure(pg, db, args) -> list[Page]:
    env = server_env(pg.url(db), args.redis)
    manage("migrate", "--noinput", "-v", "0", env=dev_env(pg.url(db)))
    listed = [
        page
        for page in pages(ids_of(pg, db))
        if not args.only
        or page.label in (ANONYMOUS, TRIVIAL)
        or any(word in page.label for word in args.only.split(","))
    ]
    server = Server(env, args.port, args.workers)
    try:
        cookies = {who: log_in(server.base, who) for who in {p.who for p in listed if p.who}}
        for page in listed:
            cookie = cookies.get(page.who)
            for _warm_up in range(4):  # both workers, their per-process caches
                check = _open(server.base, page.path, dict(_split(cookie)))
                if check.status != 200:
                    raise RuntimeError(f"{page.path} as {page.who}: HTTP {check.status}, not 200")
            url = server.base + page.path
            single = wrk(url, cookie, 1, 1, args.single)
            loaded = wrk(url, cookie, 2, 4, args.duration)
            page.result = {"single_p50_ms": single["p50_ms"], **loaded}
            print(
                f"   {page.label:<40} {single['p50_ms']:7.2f} ms  {loaded['rps']:7.1f} req/s",
                flush=True,
            )
    finally:
        server.stop()
    for who in {p.who for p in listed}:
        mine = [p for p in listed if p.who == who]
        for page, counted in zip(mine, page_queries(env, who, [p.path for p in mine]), strict=True):
            page.result.update(counted)
    return listed


def _split(cookie: str | None):
    for part in (cookie or "").split("; "):
        if part:
            name, _sep, value = part.partition("=")
            yield name, value


# --- Report ------------------------------------------------------------------------------------


def table(volume: int, listed: list[Page]) -> str:
    trivial = next(p for p in listed if p.label == TRIVIAL).result["rps"]
    lines = [
        f"\n### {volume:,} applications\n",
        "| page | single p50 ms | p50 ms | p99 ms | req/s | × trivial | queries | "
        "slowest SQL ms | page SQL ms | KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in listed:
        r = page.result
        page_sql = "" if r.get("page_sql_ms") is None else f"{r['page_sql_ms']:.2f}"
        lines.append(
            f"| {page.label} | {r['single_p50_ms']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['rps']:.0f} | {trivial / r['rps']:.2f} | {r['queries']} | "
            f"{r['slowest_sql_ms']:.2f} | {page_sql} | {r['bytes'] / 1024:.0f} |"
        )
    return "\n".join(lines)


def verdict(results: dict[int, list[Page]]) -> list[str]:
    """The issue's targets, at the largest volume (and the query counts across volumes), for
    the pages measured."""
    largest = max(results)
    pages_at = {p.label: p for p in results[largest]}
    lines = []
    council = [p for p in results[largest] if p.council]
    if council:
        slow = [p for p in council if p.result["single_p50_ms"] >= 50]
        lines.append(
            f"{'ok' if not slow else 'MISSED'}: every council member page under 50 ms "
            f"single-request at {largest:,}"
            + (f" (not: {', '.join(p.label for p in slow)})" if slow else "")
        )
    if "admin: application list" in pages_at:
        listing = pages_at["admin: application list"].result["page_sql_ms"]
        lines.append(
            f"{'ok' if listing < 1 else 'MISSED'}: the application list's page query "
            f"{listing:.2f} ms (< 1 ms)"
        )
    anonymous = pages_at[ANONYMOUS].result
    logged_in = pages_at[TRIVIAL].result
    single = logged_in["single_p50_ms"] / anonymous["single_p50_ms"]
    lines.append(
        f"{'ok' if single <= 2 else 'MISSED'}: the logged-in trivial page {single:.2f}× the "
        f"anonymous one single-request (≤ 2×; "
        f"{anonymous['rps'] / logged_in['rps']:.2f}× in req/s under load)"
    )
    counts = {
        label: [next(p for p in results[v] if p.label == label).result["queries"] for v in results]
        for label in pages_at
    }
    unequal = [label for label, seen in counts.items() if len(set(seen)) > 1]
    lines.append(
        f"{'ok' if not unequal else 'MISSED'}: query counts equal at "
        f"{', '.join(f'{v:,}' for v in results)}"
        + (f" (not: {', '.join(unequal)})" if unequal else "")
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes", default="1000,3000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk -t2 -c4")
    parser.add_argument("--single", type=int, default=3, help="seconds of wrk -t1 -c1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8190)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="generate the databases again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose labels contain these words"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    )
    parser.add_argument("--prefix", default=os.environ.get("BENCH_DB_PREFIX", "fondadmin_bench"))
    args = parser.parse_args()
    volumes = sorted(int(v) for v in args.volumes.split(","))
    pg = Postgres(args.database_url)
    build(pg, volumes, args.prefix, args.seed, args.rebuild)
    if args.build_only:
        return
    manage("collectstatic", "--noinput", "-v", "0", env=server_env(pg.url("postgres"), args.redis))
    results = {}
    for volume in volumes:
        print(f"== {volume:,} applications", flush=True)
        results[volume] = measure(pg, f"{args.prefix}_{volume}", args)
    report = "\n".join(
        [
            f"# Volume bench {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} "
            f"(gunicorn {args.workers} sync workers, wrk -t2 -c4 -d{args.duration}s; "
            f"single: wrk -t1 -c1 -d{args.single}s)",
            *(table(volume, listed) for volume, listed in results.items()),
            "\n" + "\n".join(f"- {line}" for line in verdict(results)),
            "\n× trivial: the logged-in trivial page's req/s divided by the page's.",
        ]
    )
    print(report)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{dt.datetime.now().astimezone():%Y%m%d-%H%M%S}"
    (out / f"volume-{stamp}.md").write_text(report + "\n")
    raw = {
        volume: [{"label": page.label, "path": page.path, **page.result} for page in listed]
        for volume, listed in results.items()
    }
    (out / f"volume-{stamp}.json").write_text(json.dumps(raw, indent=1))
    print(f"\nSaved in var/bench/volume-{stamp}.md and .json")
    if any(line.startswith("MISSED") for line in verdict(results)):
        sys.exit(1)


if __name__ == "__main__":
    main()
