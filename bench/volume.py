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
import sys
from dataclasses import dataclass, field

from bench.harness import (
    ADMIN,
    COUNCIL,
    DIRECTOR,
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

ANONYMOUS = "anonymous trivial page (/privacy/)"
# Issue 16's rates at 3,000 and 10,000 applications (wrk -t2 -c4 -d10s, 60 rows a page).
THROUGHPUT = {"admin: application list": 200, "admin: case page": 320}
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


def build(pg: Postgres, volumes: list[int], prefix: str, seed: int, rebuild: bool) -> None:
    """Each volume's database, copied from the next smaller one and topped up."""
    previous = None
    for volume in volumes:
        db = f"{prefix}_{volume}"
        generate = ["--applications", str(volume), "--seed", str(seed)]
        prepare(pg, db, applications=volume, generate=generate, rebuild=rebuild, template=previous)
        previous = db


# --- Measuring ----------------------------------------------------------------------------------


def measure(pg, db, args) -> list[Page]:
    env = {**server_env(pg.url(db), args.redis, cache_prefix=db), "LIST_PAGE_SIZE": str(args.rows)}
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
                check = fetch(server.base, page.path, cookie_jar(cookie))
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
    for volume in sorted(results)[-2:]:  # 3,000 and 10,000: the rates other systems report
        at = {p.label: p.result for p in results[volume]}
        for label, floor in THROUGHPUT.items():
            if label in at:
                rps = at[label]["rps"]
                lines.append(
                    f"{'ok' if rps >= floor else 'MISSED'}: {label} {rps:.0f} req/s at "
                    f"{volume:,} (≥ {floor}, wrk -t2 -c4)"
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
    parser.add_argument(
        "--rows", type=int, default=60, help="rows a list page (LIST_PAGE_SIZE), as others measure"
    )
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
            f"(gunicorn {args.workers} sync workers, wrk -t2 -c4 -d{args.duration}s, "
            f"{args.rows} rows a list page; "
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
