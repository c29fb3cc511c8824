"""Load test: simulated people use the app at once, served by gunicorn as production does, with a
Celery worker for the reports; loopback only. Run by ``bin/load`` (``make load``).

People arrive over ``--ramp`` seconds and each logs in through the login form as a real person
of their role (from the generated volume, ``bench/load_data.py prepare``); the measured
``--duration`` starts when the last has logged in (the logins are measured too). Each thinks a
short random time between steps and follows the pages' links, taking the CSRF token and the
one-time form key from each form as a browser does (``bench/browser.py``); a journey does its
writing first, so that even a slow run gets to it:

- applicants open the start page, the calls and the open call, write an idea sketch and submit
  it, then read the idea sketch and application lists, a case page, the projects and a project;
- council members read their start page and their reviews to do, open the first one, declare no
  conflict of interest where still needed, score the five criteria, and read the review page,
  the application list and a case page;
- fund administrators open their start page and the reports, ask for a portfolio report, follow
  it as its page does (every 2 s) and download it, then read the submitted applications, a case
  page, the idea sketches, the projects and a project page, and the fund's ledger.

Any 5xx, connection error, unexpected 4xx or a POST that is not followed by its redirect is an
error. Afterwards ``bench/load_data.py verify`` checks in the database that each sketch was created
exactly once (and submitted), each declaration and score recorded once, and each report made. It
prints p50/p95/p99 per action and overall, saves them in ``var/load/``, and exits non-zero on any
error. The database (``fondadmin_load``) is a copy of a template built once
(``fondadmin_load_template``; ``--rebuild`` builds it again, ``--clean`` drops both at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import http.cookiejar
import itertools
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser import Form, LoopbackPolicy, Page, Unexpected
from bench.harness import (
    PASSWORD,
    PY,
    ROOT,
    NoRedirect,
    Postgres,
    Server,
    dev_env,
    manage,
    server_env,
)
from bench.load_stats import AFTER_LOGIN, Sample, summarise, table

CELERY = str(ROOT / ".venv" / "bin" / "celery")
CALL_TITLE = "Lasttestets utlysning"  # bench/load_data.py's open call
WEB_WORKERS = 3  # the Dockerfile's gunicorn --workers
REPORT_WORKERS = 2  # docker-compose.yml's celery worker --concurrency
POLL_SECONDS = 2.0  # the report page's hx-trigger="every 2s"
LOGIN_LIMIT = 240  # seconds after the ramp by which everybody must have logged in


# --- Measuring ---------------------------------------------------------------------------------


class Recorded(Unexpected):
    """An error response, already recorded with its request."""


class Stop(Exception):
    """The test's time is up."""


class Run:
    """What every simulated person shares: the clock, the samples and what their POSTs did.
    The measured time starts when the last person has logged in (``ready``)."""

    def __init__(
        self, base: str, seconds: float, think: tuple[float, float], seed: int, people: int = 1
    ):
        self.base = base
        self.seconds = seconds
        self.deadline = math.inf
        self.began = math.inf
        self.ready = threading.Barrier(people, action=self.start)
        self.think = think
        self.seed = seed
        self.marker = f"[last {dt.datetime.now().astimezone():%H%M%S}-{seed}]"
        self.samples: list[Sample] = []
        self.problems: list[str] = []  # errors of the journey itself (a missing link or form)
        self.done = {
            "sketches_created": [],
            "sketches_submitted": [],
            "declared": [],
            "scored": [],
            "reports": [],
        }
        self.report_days = itertools.count()  # each report as of its own day: each one is new
        self.sketch_numbers = itertools.count(1)
        self.lock = threading.Lock()

    def record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def note(self, what: str, value) -> None:
        with self.lock:
            self.done[what].append(value)

    def start(self) -> None:
        with self.lock:
            if self.deadline == math.inf:
                self.began = time.monotonic()
                self.deadline = self.began + self.seconds

    def over(self) -> bool:
        return time.monotonic() >= self.deadline


class Browser:
    """One person's browser: its own cookies, no redirect followed unseen."""

    def __init__(self, run: Run, rng: random.Random):
        self.run = run
        self.rng = rng
        jar = http.cookiejar.CookieJar(LoopbackPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )

    def think(self) -> None:
        if self.run.over():
            raise Stop
        time.sleep(self.rng.uniform(*self.run.think))
        if self.run.over():
            raise Stop

    def request(self, action: str, url: str, data=None, expect=(200,), headers=None):
        """Send, time and record one request; the response's status, location and text."""
        url = urllib.parse.urljoin(self.run.base, url)
        request = urllib.request.Request(url, headers=headers or {})
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            request.add_header("Origin", self.run.base)
            request.add_header("Referer", url)
        started = time.perf_counter()
        try:
            try:
                response = self.opener.open(request, data=body, timeout=60)
            except urllib.error.HTTPError as error:  # a redirect (not followed) or an error
                response = error
            with response:
                status, text = response.status, response.read()
                location = response.headers.get("Location", "")
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            self._failed(action, started, f"{action}: {type(error).__name__}: {error}")
        if status not in expect:
            self._failed(action, started, f"{action}: HTTP {status} from {url} (expected {expect})")
        self.run.record(Sample(action, (time.perf_counter() - started) * 1000))
        return status, urllib.parse.urljoin(url, location), text.decode("utf-8", "replace")

    def _failed(self, action: str, started: float, error: str):
        self.run.record(Sample(action, (time.perf_counter() - started) * 1000, error))
        raise Recorded(error)

    def get(self, action: str, url: str, expect=(200,)) -> Page:
        _status, _location, text = self.request(action, url, expect=expect)
        return Page(urllib.parse.urljoin(self.run.base, url), text)

    def post(self, action: str, form: Form, data, to: str) -> str:
        """Post a form; it must redirect to a path matching ``to`` (a form that comes back has
        errors: the POST did nothing). Returns where it redirected."""
        _status, location, _text = self.request(action, form.action, data=data, expect=(302, 303))
        if not re.fullmatch(to, urllib.parse.urlsplit(location).path):
            error = f"{action}: redirected to {location}"
            with self.run.lock:
                self.run.problems.append(error)
            raise Recorded(error)
        return location

    def log_in(self, email: str) -> None:
        page = self.get("log in (form)", "/accounts/login/")
        self.think()
        form = page.form(r"^/accounts/login/$")
        self.post("log in", form, form.data(username=email, password=PASSWORD), r"/")


# --- The journeys ------------------------------------------------------------------------------


def read(browser: Browser, action: str, url: str | None, needed: bool = True) -> Page | None:
    """Read a page the journey found a link to; when the page had no such link: an error, or
    nothing if the page is one the person reads only when there is one (``needed=False``)."""
    if url is None:
        if needed:
            raise Unexpected(f"no link to the {action}")
        return None
    browser.think()
    return browser.get(action, url)


def applicant(browser: Browser) -> None:
    run = browser.run
    read(browser, "start page", "/")
    calls = read(browser, "call list", "/calls/")
    call = read(browser, "call page", calls.link(r"/calls/\d+/", CALL_TITLE))
    new = read(browser, "new idea sketch (form)", call.link(r"/sketches/new/\?call=\d+"))
    browser.think()
    title = f"Lasttest {run.marker} nr {next(run.sketch_numbers)}"
    form = new.form(r"^/sketches/new/$")
    data = form.data(
        title=title,
        summary="En förebyggande insats för familjer (lasttest).",
        problem_and_target_group="Barn och unga i behov av tidigt stöd (lasttest).",
        complements_ordinary_work="Kompletterar ordinarie verksamhet (lasttest).",
        estimated_amount=str(browser.rng.randrange(1, 40) * 500_000),
        estimated_years=str(browser.rng.randint(1, 5)),
        contact_name="Lasttest Kontakt",
        contact_email="kontakt@volym.example",
    )
    sketch = browser.post("save idea sketch", form, data, r"/sketches/\d+/")
    run.note("sketches_created", title)
    browser.think()
    page = browser.get("idea sketch page", sketch)
    submit = read(browser, "submit idea sketch (form)", page.link(r"/sketches/\d+/submit/"))
    browser.think()
    form = submit.form(r"^/sketches/\d+/submit/$")
    receipt = browser.post("submit idea sketch", form, form.data(), r"/sketches/\d+/receipt/")
    run.note("sketches_submitted", title)
    browser.get("receipt", receipt)
    read(browser, "idea sketch list", "/sketches/")
    cases = read(browser, "application list", "/applications/")
    read(browser, "case page", cases.link(r"/applications/\d+/"), needed=False)
    projects = read(browser, "project list", "/projects/")
    read(browser, "project page", projects.link(r"/projects/\d+/"), needed=False)


def council_member(browser: Browser) -> None:
    run = browser.run
    read(browser, "start page", "/")
    todo = read(browser, "my reviews, to do now", "/reviews/?status=open")
    assignment_url = todo.link(r"/reviews/\d+/")
    if assignment_url is not None:
        assignment = read(browser, "assignment", assignment_url)
        pk = int(re.search(r"/reviews/(\d+)/", assignment_url).group(1))
        if any(re.search(r"/declare/$", form.action) for form in assignment.forms):
            browser.think()
            form = assignment.form(r"/declare/$")
            back = browser.post("declare no conflict", form, form.data(conflict="no"), r".+")
            run.note("declared", pk)
            browser.think()
            assignment = browser.get("assignment", back)
        score = read(browser, "score (form)", assignment.link(r"/reviews/\d+/score/"))
        browser.think()
        form = score.form(r"/score/$")
        values = {"suggested_outcome": "reject", "comment": "Sammanfattning (lasttest)."}
        for n in range(1, 6):
            values[f"met_{n}"] = browser.rng.choice(form.choices[f"met_{n}"])
            values[f"points_{n}"] = browser.rng.choice(form.choices[f"points_{n}"])
            values[f"comment_{n}"] = f"Bedömning av kriterium {n} (lasttest)."
        review = browser.post(
            "submit score", form, form.data(**values), r"/applications/\d+/review/"
        )
        run.note("scored", pk)
        browser.think()
        browser.get("review page", review)
    cases = read(browser, "application list", "/applications/")
    read(browser, "case page", cases.link(r"/applications/\d+/"), needed=False)


def fund_administrator(browser: Browser) -> None:
    run = browser.run
    read(browser, "start page", "/")
    reports = read(browser, "reports", "/reports/")
    browser.think()
    form = reports.form(r"^/reports/$")
    today = dt.date.fromisoformat(form.fields["value_date"][0])  # the form's own: the server's
    day = today - dt.timedelta(days=next(run.report_days))
    data = form.data(value_date=day.isoformat())
    data = [(k, v) for k, v in data if not k.startswith("yearly-")]
    job = browser.post("ask for a portfolio report", form, data, r"/reports/\d+/")
    run.note("reports", int(re.search(r"/reports/(\d+)/", job).group(1)))
    page = browser.get("report page", job)
    polls = page.polls
    while polls:  # as the page does: every 2 s until the report is finished
        time.sleep(POLL_SECONDS)
        status, _location, text = browser.request(
            "report status (poll)", polls[0], expect=(200, 204), headers={"X-Background-Poll": "1"}
        )
        if status == 200:
            page = Page(polls[0], text)
            polls = page.polls
        if run.over() and polls:
            return  # the check afterwards waits for it
    download = page.link(r"/reports/\d+/download/")
    if download is None:
        raise Unexpected(f"report {job}: finished without a file")
    browser.think()
    browser.request("download the report (PDF)", download)
    cases = read(browser, "application list", "/applications/?state=submitted")
    read(browser, "case page", cases.link(r"/applications/\d+/"), needed=False)
    read(browser, "idea sketch list", "/sketches/")
    projects = read(browser, "project list", "/projects/")
    read(browser, "project page", projects.link(r"/projects/\d+/"), needed=False)
    funds = read(browser, "fund list", "/funds/")
    read(browser, "fund ledger", funds.link(r"/funds/\d+/"))


JOURNEYS = {"applicant": applicant, "council": council_member, "admin": fund_administrator}


def person(run: Run, role: str, email: str, number: int, start_in: float, limit: float) -> None:
    """One simulated person: logs in (by ``limit``, a monotonic time), waits for everybody, then
    follows their journey again and again until the time is up."""
    rng = random.Random(f"{run.seed}:{number}")  # noqa: S311 - think times, not secrets
    time.sleep(start_in)
    browser = Browser(run, rng)
    while True:
        try:
            browser.log_in(email)
            break
        except Recorded:
            browser = Browser(run, rng)
            if time.monotonic() > limit:
                with run.lock:
                    run.problems.append(f"{email} could not log in")
                run.ready.abort()  # the others start without this person
                return
    try:
        run.ready.wait(timeout=max(0.0, limit - time.monotonic()))
    except threading.BrokenBarrierError:  # someone could not log in in time
        run.start()
    journeys(run, browser, role, email, rng)


def journeys(run: Run, browser: Browser, role: str, email: str, rng: random.Random) -> None:
    while not run.over():
        try:
            JOURNEYS[role](browser)
        except Stop:
            return
        except Recorded:  # a person who hit an error starts over, logging in again
            browser = Browser(run, rng)
            try:
                browser.log_in(email)
            except (Recorded, Stop):
                continue
        except Exception as error:  # a page without the link or form the journey needs
            with run.lock:
                run.problems.append(f"{role} {email}: {type(error).__name__}: {error}")
            browser = Browser(run, rng)
            try:
                browser.log_in(email)
            except (Recorded, Stop):
                continue


def cast(people: dict, users: int, council: int, admins: int) -> list[tuple[str, str]]:
    """Who the ``users`` simulated people are: ``council`` distinct council members (two people
    scoring as one member would race for the same review), ``admins`` sessions of the fund
    administrators, and applicants for the rest, each applicant once before any twice."""
    if council > len(people["council"]):
        raise SystemExit(f"only {len(people['council'])} council members to log in as")
    if not people["admin"] or (users - council - admins > 0 and not people["applicant"]):
        raise SystemExit("no fund administrator or applicant to log in as")
    cast = [("council", email) for email in people["council"][:council]]
    cast += [("admin", people["admin"][n % len(people["admin"])]) for n in range(admins)]
    applicants = people["applicant"]
    cast += [("applicant", applicants[n % len(applicants)]) for n in range(users - len(cast))]
    return cast


# --- The run -----------------------------------------------------------------------------------


def django(*args: str, env: dict, stdin: str | None = None) -> dict:
    """Run bench/load_data.py with ``env``; its JSON answer."""
    done = subprocess.run(
        [PY, "bench/load_data.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/load_data.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def database(pg: Postgres, name: str, args) -> None:
    """The run's database: a fresh copy of the template (built first when missing)."""
    template = f"{name}_template"
    if args.rebuild and pg.exists(template):
        pg.query(f'DROP DATABASE "{template}"')
    if not pg.exists(template):
        started = time.monotonic()
        print(f"== {template}: migrating and generating the volume", flush=True)
        pg.query(f'CREATE DATABASE "{template}"')
        try:
            manage("migrate", "--noinput", "-v", "0", env=dev_env(pg.url(template)))
            made = django(
                "prepare", "--per-call", str(args.per_call), env=dev_env(pg.url(template))
            )
        except BaseException:
            pg.query(f'DROP DATABASE IF EXISTS "{template}"')
            raise
        print(f"   {made} in {time.monotonic() - started:.0f} s", flush=True)
    if pg.exists(name):
        pg.query(f'DROP DATABASE "{name}"')
    pg.query(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    manage("migrate", "--noinput", "-v", "0", env=dev_env(pg.url(name)))


def static_fresh() -> bool:
    """Whether ``collectstatic`` has run since the project's static files last changed (it
    compresses every file again, half a minute of CPU: not before every run)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    made = manifest.stat().st_mtime
    sources = [ROOT / "static", ROOT / "node_modules" / "bootstrap" / "dist"]
    return all(p.stat().st_mtime <= made for d in sources for p in d.rglob("*") if p.is_file())


def worker(env: dict, log: Path) -> subprocess.Popen:
    command = [CELERY, "-A", "fondadmin", "worker", "--concurrency", str(REPORT_WORKERS)]
    command += ["--loglevel", "WARNING", "--hostname", f"load-{os.getpid()}@%h", "--without-gossip"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def simulate(base: str, people: dict, args) -> Run:
    who = cast(people, args.users, args.council, args.admins)
    run = Run(base, args.duration, (args.think_min, args.think_max), args.seed, len(who))
    run.started = dt.datetime.now(dt.UTC)
    limit = time.monotonic() + args.ramp + LOGIN_LIMIT
    threads = [
        threading.Thread(
            target=person,
            args=(run, role, email, number, number * args.ramp / len(who), limit),
            daemon=True,
        )
        for number, (role, email) in enumerate(who)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:  # a request in flight at the end may take its 60 s time-out
        thread.join(timeout=max(1.0, limit + args.duration + 90 - time.monotonic()))
    run.ended = time.monotonic()
    return run


def idle(run: Run, args) -> list[str]:
    """A run in which a role never finished its write passes nothing: each must happen."""
    wanted = {
        "sketches_submitted": ("idea sketch submitted", args.users > args.council + args.admins),
        "scored": ("score submitted", args.council > 0),
        "reports": ("portfolio report asked for", args.admins > 0),
    }
    return [
        f"no {what} in {args.duration} s: the journeys never got that far (too slow)"
        for key, (what, expected) in wanted.items()
        if expected and not run.done[key]
    ]


def report(run: Run, rows: list[dict], checked: dict, args) -> str:
    errors = [s.error for s in run.samples if s.error] + run.problems
    seconds = run.ended - run.began
    overall = rows[-1]
    lines = [
        f"# Load test {dt.datetime.now().astimezone():%Y-%m-%d %H:%M}: {args.users} people "
        f"({args.council} council members, {args.admins} fund administrator sessions, the rest "
        f"applicants) for {args.duration} s, thinking {args.think_min:g}-{args.think_max:g} s; "
        f"gunicorn {args.workers} sync workers, Celery {REPORT_WORKERS}; loopback; "
        f"{args.load_before}\n",
        table(rows),
        f"\n{overall['count']} requests, logins included; {seconds:.0f} s from the last login "
        f"to the last answer; {len(errors)} errors.",
        f"In the database: {checked['sketches']} idea sketches "
        f"({len(run.done['sketches_created'])} saved, {len(run.done['sketches_submitted'])} "
        f"submitted by the users), {len(run.done['declared'])} declarations, "
        f"{checked['scores']} scores ({len(run.done['scored'])} sent), "
        f"{checked['reports_done']} portfolio reports made ({len(run.done['reports'])} asked).",
    ]
    if errors or checked["problems"]:
        lines.append("\nProblems:")
        lines += [f"- {e}" for e in errors[:20]] + [f"- {p}" for p in checked["problems"][:20]]
    lines.append("")
    for row in rows:
        if row["action"] in (AFTER_LOGIN, "overall"):
            lines.append(
                f"p95 {row['action']}: {row['p95']:.0f} ms "
                f"(p50 {row['p50']:.0f}, p99 {row['p99']:.0f})"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--council", type=int, default=8, help="council members among the users")
    parser.add_argument("--admins", type=int, default=4, help="fund administrators among them")
    parser.add_argument("--think-min", type=float, default=2.0, help="seconds between steps")
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which users start")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-call", type=int, default=20, help="applications a generated call")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", 8290)))
    parser.add_argument("--workers", type=int, default=WEB_WORKERS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--db", default=os.environ.get("LOAD_DB", "fondadmin_load"))
    parser.add_argument(
        "--redis", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--rebuild", action="store_true", help="build the template again")
    parser.add_argument("--clean", action="store_true", help="drop the databases at the end")
    args = parser.parse_args()
    if os.environ.get("FONDADMIN_ENV") == "production":
        raise SystemExit("bench/load.py refuses to run with FONDADMIN_ENV=production.")
    # Stopped from outside (CI's timeout): stop gunicorn and the worker on the way out too.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))

    began = time.monotonic()

    def phase(text: str) -> None:
        print(f"== [{time.monotonic() - began:3.0f} s] {text}", flush=True)

    pg = Postgres(args.database_url)
    phase(f"the database {args.db}")
    database(pg, args.db, args)
    url = pg.url(args.db)
    people = django("people", env=dev_env(url))
    env = server_env(url, args.redis, cache_prefix=args.db)
    if not static_fresh():
        phase("collectstatic (the static files have changed)")
        manage("collectstatic", "--noinput", "-v", "0", env=env)
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    phase("gunicorn and a Celery worker")
    celery = worker(env, out / "worker.log")
    try:
        server = Server(env, args.port, args.workers, access_log=out / "access.log")
        try:
            load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
            args.load_before = f"load average before the run {load} on {os.cpu_count()} cores"
            phase(
                f"{args.users} people for {args.duration} s on {server.base} "
                f"(load average before: {load} on {os.cpu_count()} cores)"
            )
            run = simulate(server.base, people, args)
            phase("checking the database")
            done = {**run.done, "marker": run.marker, "started": run.started.isoformat()}
            checked = django("verify", env=dev_env(url), stdin=json.dumps(done))
            checked["problems"] += idle(run, args)
        finally:
            server.stop()
    finally:
        stop(celery)
        if args.clean:
            for name in (args.db, f"{args.db}_template"):
                pg.query(f'DROP DATABASE IF EXISTS "{name}"')
    phase("done")
    if not run.samples:
        raise SystemExit("No request was made: the people could not start.")
    rows = summarise(run.samples)
    text = report(run, rows, checked, args)
    print(text)
    stamp = f"{dt.datetime.now().astimezone():%Y%m%d-%H%M%S}"
    (out / f"load-{stamp}.md").write_text(text + "\n")
    (out / f"load-{stamp}.json").write_text(json.dumps({"rows": rows, **checked}, indent=1))
    print(f"\nSaved in var/load/load-{stamp}.md and .json")
    if any(s.error for s in run.samples) or run.problems or checked["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
