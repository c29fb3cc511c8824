"""Key pages at the city's volume and at 100 times it, each against its baseline page in the
same run (``make bench``, ``bin/bench``; the README's "Performance" section).

Each volume is a PostgreSQL database of its own made by ``manage.py generate_volume --city N``
(``fondadmin_bench_city1``, ``fondadmin_bench_city100``), made once and kept; ``--rebuild``
makes them again. Each is served by gunicorn as the image serves it (3 sync workers, an access
log; production settings) on loopback. Every key page is loaded with ``wrk`` as a logged-in
person, and right after it its **baseline**: ``/bench/baseline/`` (``fondadmin/baseline.py``,
mounted by ``FONDADMIN_BENCH_BASELINE=1`` on this server only) with the same person, middleware
and base template, the page's own query parameters (filters) and exactly as many table rows,
data cells and header cells as the page's HTML holds, rendered from a list in memory with no
query of its own. The ratio is the baseline's requests per second over the page's. Then the
SQL of every page (``bench/pages.py``) and, at the largest volume, the portfolio report's and
one investment report's time and peak memory (``manage.py bench_report``). The targets of
issue 16 are printed ok/MISSED; the table is saved in ``var/bench/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field

from bench.harness import (
    ADMIN,
    COUNCIL,
    DIRECTOR,
    DOMAIN,
    ROOT,
    Postgres,
    Server,
    cookie_jar,
    dev_env,
    fetch,
    ids_of,
    log_in,
    manage,
    page_queries,
    prepare,
    server_env,
    wrk,
)

SECRETARY = f"secretary@{DOMAIN}"
AUDITOR = f"auditor@{DOMAIN}"
BASELINE = "/bench/baseline/"
TRIVIAL = "/privacy/"
# A city's volume is 80 applications a time (fondadmin.volume.CITY_APPLICATIONS).
CITY_APPLICATIONS = 80
APPLICATION_LIST = "application list"

# Issue 16's targets.
MAX_RATIO = 2.0
MAX_QUERIES = 15
MAX_QUERIES_APPLICATION_LIST = 10
MAX_PORTFOLIO_S = 10.0
MAX_INVESTMENT_S = 1.0
TARGET_TIMES = 100


@dataclass
class Page:
    label: str
    who: str
    path: str
    # At each volume: the page's and its baseline's figures, its table's shape, its queries.
    results: dict[int, dict] = field(default_factory=dict)


def pages(ids: dict) -> list[Page]:
    """Every role's start page, the case lists with filters, a case page, a project page, the
    fund ledger, the reclaim overview and the register."""
    manager = ids["manager"]
    search = urllib.parse.quote("stöd")  # in a sixth of the generated titles
    return [
        Page("fund administrator: start page", ADMIN, "/"),
        Page("council member: start page", COUNCIL, "/"),
        Page("city director: start page", DIRECTOR, "/"),
        Page("board secretary: start page", SECRETARY, "/"),
        Page("auditor: start page", AUDITOR, "/"),
        Page("applicant: start page", ids["applicant"], "/"),
        Page("project manager: start page", manager, "/"),
        Page(APPLICATION_LIST, ADMIN, "/applications/"),
        Page(f"{APPLICATION_LIST}, submitted", ADMIN, "/applications/?state=submitted"),
        Page(f"{APPLICATION_LIST}, search", ADMIN, f"/applications/?q={search}"),
        Page(f"{APPLICATION_LIST}, council member", COUNCIL, "/applications/"),
        Page("idea sketches, search", ADMIN, f"/sketches/?q={search}"),
        Page("my reviews, to do now", COUNCIL, "/reviews/?status=open"),
        Page("project list", ADMIN, "/projects/"),
        Page("case page", ADMIN, f"/applications/{ids['case']}/"),
        Page("project page", ADMIN, f"/projects/{ids['project']}/"),
        Page("fund ledger", ADMIN, f"/funds/{ids['fund']}/"),
        Page("reclaim overview", DIRECTOR, f"/reclaim/funds/{ids['fund']}/"),
        Page("register", ADMIN, "/register/"),
    ]


# --- The baseline's shape ---------------------------------------------------------------------

TAGS = {
    "rows": re.compile(r"<tr[\s>]", re.IGNORECASE),
    "cells": re.compile(r"<td[\s>]", re.IGNORECASE),
    "headers": re.compile(r"<th[\s>]", re.IGNORECASE),
}


def table_shape(html: str) -> dict[str, int]:
    """How many table rows, data cells and header cells a page's HTML holds."""
    return {name: len(tag.findall(html)) for name, tag in TAGS.items()}


def baseline_path(path: str, shape: dict[str, int]) -> str:
    """The baseline of the page at ``path``: its query parameters (its filters) and its
    table's shape."""
    query = urllib.parse.urlsplit(path).query
    own = urllib.parse.urlencode(
        {
            "bench_rows": shape["rows"],
            "bench_cells": shape["cells"],
            "bench_headers": shape["headers"],
        }
    )
    return f"{BASELINE}?{query + '&' if query else ''}{own}"


# --- Measuring ----------------------------------------------------------------------------------


def _get(base: str, path: str, cookie: str, times: int) -> str:
    """The page as the person sees it, asked ``times`` times (every worker's caches warm);
    an error unless each answer is 200."""
    html = ""
    for _turn in range(times):
        response = fetch(base, path, cookie_jar(cookie))
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}, not 200")
        html = response.read().decode()
    return html


def measure(pg: Postgres, db: str, times: int, listed: list[Page], args) -> None:
    env = server_env(pg.url(db), args.redis, cache_prefix=db) | {"FONDADMIN_BENCH_BASELINE": "1"}
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    log = out / "access.log"
    log.write_text("")
    server = Server(env, args.port, args.workers, access_log=log)
    warm = 2 * args.workers
    try:
        cookies = {who: log_in(server.base, who) for who in {p.who for p in listed}}
        for page in listed:
            cookie = cookies[page.who]
            shape = table_shape(_get(server.base, page.path, cookie, warm))
            baseline = baseline_path(page.path, shape)
            drawn = table_shape(_get(server.base, baseline, cookie, warm))
            if drawn != shape:
                raise RuntimeError(f"the baseline of {page.path} drew {drawn}, not {shape}")
            seconds = args.duration
            loaded = wrk(server.base + page.path, cookie, 2, args.connections, seconds)
            base = wrk(server.base + baseline, cookie, 2, args.connections, seconds)
            page.results[times] = {
                "path": page.path,
                **loaded,
                "shape": shape,
                "baseline_path": baseline,
                "baseline_p50_ms": base["p50_ms"],
                "baseline_p99_ms": base["p99_ms"],
                "baseline_rps": base["rps"],
                "ratio": base["rps"] / loaded["rps"],
            }
            print(
                f"   {page.label:<44} {loaded['p50_ms']:7.2f} ms {loaded['rps']:7.1f} req/s  "
                f"baseline {base['rps']:7.1f} req/s  {base['rps'] / loaded['rps']:5.2f}x",
                flush=True,
            )
    finally:
        server.stop()
    for who in {p.who for p in listed}:
        mine = [p for p in listed if p.who == who]
        paths = [TRIVIAL] + [q for p in mine for q in (p.path, p.results[times]["baseline_path"])]
        counted = page_queries(env, who, paths)
        trivial, rest = counted[0], counted[1:]
        for n, page in enumerate(mine):
            own, base = rest[2 * n], rest[2 * n + 1]
            page.results[times].update(
                queries=own["queries"],
                bytes=own["bytes"],
                baseline_queries=base["queries"],
                trivial_queries=trivial["queries"],
            )


REPORT_LINE = re.compile(r"render (?P<render>[\d.]+) s .*peak RSS (?P<peak>[\d.]+) MB")


def parse_report(output: str) -> dict[str, float]:
    """Render time (s) and peak memory (MB) from ``manage.py bench_report``'s line."""
    found = REPORT_LINE.search(output)
    if found is None:
        raise RuntimeError(f"no render time in bench_report's output:\n{output}")
    return {"seconds": float(found["render"]), "peak_mb": float(found["peak"])}


def reports(pg: Postgres, db: str) -> dict[str, dict]:
    env = dev_env(pg.url(db))
    return {
        "portfolio": parse_report(manage("bench_report", env=env, capture=True)),
        "investment": parse_report(manage("bench_report", "--investment", env=env, capture=True)),
    }


# --- Report ------------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def timing_table(times: int, listed: list[Page]) -> str:
    lines = [
        f"\n### {times}× the city ({times * CITY_APPLICATIONS:,} applications)\n",
        "| page | rows / cells | p50 ms | p99 ms | req/s | baseline p50 ms | baseline req/s "
        "| ratio | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in listed:
        r = page.results[times]
        shape = r["shape"]
        lines.append(
            f"| {page.label} | {shape['rows']} / {shape['cells'] + shape['headers']} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['rps']:.0f} | "
            f"{r['baseline_p50_ms']:.1f} | {r['baseline_rps']:.0f} | {r['ratio']:.2f} | "
            f"{r['queries']} |"
        )
    return "\n".join(lines)


def query_limit(page: Page) -> int:
    if page.label.startswith(APPLICATION_LIST):
        return MAX_QUERIES_APPLICATION_LIST
    return MAX_QUERIES


def query_table(volumes: list[int], listed: list[Page]) -> str:
    lines = [
        "\n### SQL queries per page\n",
        "| page | " + " | ".join(f"{v}×" for v in volumes) + " | limit |",
        "|---|" + "---:|" * (len(volumes) + 1),
    ]
    for page in listed:
        counts = " | ".join(str(page.results[v]["queries"]) for v in volumes)
        lines.append(f"| {page.label} | {counts} | {query_limit(page)} |")
    return "\n".join(lines)


def report_table(times: int, measured: dict[str, dict]) -> str:
    limits = {"portfolio": MAX_PORTFOLIO_S, "investment": MAX_INVESTMENT_S}
    lines = [
        f"\n### Reports at {times}× (manage.py bench_report)\n",
        "| report | render s | peak RSS MB | target s |",
        "|---|---:|---:|---:|",
    ]
    for kind, figures in measured.items():
        lines.append(
            f"| {kind} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} | {limits[kind]:g} |"
        )
    return "\n".join(lines)


def verdict(volumes: list[int], listed: list[Page], measured: dict | None, at: int) -> list[str]:
    """Issue 16's targets as ok/MISSED lines."""
    lines = []
    for times in volumes:
        over = [p for p in listed if p.results[times]["ratio"] > MAX_RATIO]
        lines.append(
            f"{_mark(not over)}: every page within {MAX_RATIO:g}× its baseline at {times}×"
            + (
                " (not: "
                + ", ".join(f"{p.label} {p.results[times]['ratio']:.2f}×" for p in over)
                + ")"
                if over
                else ""
            )
        )
    if len(volumes) > 1:
        unequal = [p.label for p in listed if len({p.results[v]["queries"] for v in volumes}) > 1]
        lines.append(
            f"{_mark(not unequal)}: queries per page equal at "
            + " and ".join(f"{v}×" for v in volumes)
            + (f" (not: {', '.join(unequal)})" if unequal else "")
        )
    many = [
        f"{p.label} {p.results[v]['queries']} at {v}×"
        for p in listed
        for v in volumes
        if p.results[v]["queries"] > query_limit(p)
    ]
    lines.append(
        f"{_mark(not many)}: queries ≤ {MAX_QUERIES} a page, ≤ {MAX_QUERIES_APPLICATION_LIST} "
        "on the application list" + (f" (not: {', '.join(many)})" if many else "")
    )
    own = [
        f"{p.label} at {v}×"
        for p in listed
        for v in volumes
        if p.results[v]["baseline_queries"] != p.results[v]["trivial_queries"]
    ]
    lines.append(
        f"{_mark(not own)}: the baseline asks no query of its own (as many as {TRIVIAL})"
        + (f" (not: {', '.join(own)})" if own else "")
    )
    if measured is not None:
        note = "" if at == TARGET_TIMES else f" (measured at {at}×, the target is at 100×)"
        for kind, limit in (("portfolio", MAX_PORTFOLIO_S), ("investment", MAX_INVESTMENT_S)):
            seconds = measured[kind]["seconds"]
            lines.append(
                f"{_mark(seconds <= limit)}: the {kind} report in {seconds:.2f} s "
                f"(≤ {limit:g} s){note}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="1,100", help="volumes, in times the city")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk for each page")
    parser.add_argument("--connections", type=int, default=4, help="wrk's connections (-c)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8191)))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's (the Dockerfile's 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="generate the databases again")
    parser.add_argument("--no-reports", action="store_true", help="skip the PDF reports")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose labels contain these words"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--prefix", default=os.environ.get("BENCH_DB_PREFIX", "fondadmin_bench"))
    args = parser.parse_args()
    volumes = sorted({int(v) for v in args.cities.split(",")})
    pg = Postgres(args.database_url)
    for times in volumes:
        prepare(
            pg,
            f"{args.prefix}_city{times}",
            applications=times * CITY_APPLICATIONS,
            generate=["--city", str(times), "--seed", str(args.seed)],
            rebuild=args.rebuild,
        )
    manage("collectstatic", "--noinput", "-v", "0", env=server_env(pg.url("postgres"), args.redis))
    listed: list[Page] = []
    for times in volumes:
        db = f"{args.prefix}_city{times}"
        print(f"== {times}× the city ({db})", flush=True)
        # The first generated cases of this volume (bench.harness.ids_of).
        here = [
            page
            for page in pages(ids_of(pg, db))
            if not args.only or any(word in page.label for word in args.only.split(","))
        ]
        measure(pg, db, times, here, args)
        if not listed:
            listed = here
        for page, same in zip(listed, here, strict=True):
            page.results[times] = same.results[times]
    measured = None
    if not args.no_reports:
        print(f"== reports at {volumes[-1]}×", flush=True)
        measured = reports(pg, f"{args.prefix}_city{volumes[-1]}")
    lines = verdict(volumes, listed, measured, volumes[-1])
    report = "\n".join(
        [
            f"# Bench {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} (gunicorn {args.workers} "
            f"sync workers, production settings; wrk -t2 -c{args.connections} "
            f"-d{args.duration}s on each page and on its baseline, one after the other)",
            *(timing_table(times, listed) for times in volumes),
            query_table(volumes, listed),
            report_table(volumes[-1], measured) if measured is not None else "",
            "\n" + "\n".join(f"- {line}" for line in lines),
            "\nratio: the baseline's req/s over the page's. rows / cells: the page's <tr> and "
            "<td> + <th>, which its baseline draws too, from a list in memory with its filters.",
        ]
    )
    print(report)
    out = ROOT / "var" / "bench"
    stamp = f"{dt.datetime.now().astimezone():%Y%m%d-%H%M%S}"
    (out / f"bench-{stamp}.md").write_text(report + "\n")
    raw = {
        "pages": [{"label": p.label, "who": p.who, "results": p.results} for p in listed],
        "reports": measured,
    }
    (out / f"bench-{stamp}.json").write_text(json.dumps(raw, indent=1))
    print(f"\nSaved in var/bench/bench-{stamp}.md and .json")
    if any(line.startswith("MISSED") for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
