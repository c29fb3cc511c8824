"""Count the SQL of pages, in a Django process with the server's settings (run by
``bench/volume.py`` with the same environment as gunicorn; prints JSON).

For each path: the status, the number of queries the request makes (after one warm-up request,
so the count is the steady state a person pays on every page), the size, and PostgreSQL's own
execution time of each SELECT (``EXPLAIN ANALYZE``, the second of two runs): the slowest one,
and the slowest with a ``LIMIT`` (a list's page query).

    python bench/pages.py --user admin@volym.example /applications/ /register/
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fondadmin.settings")


def _execution_ms(connection, sql: str) -> float:
    with connection.cursor() as cursor:
        for _run in range(2):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Execution Time"])


def measure(email: str | None, paths: list[str]) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    results = []
    for path in paths:
        client.get(path)  # warm-up: the session's renewal and per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        # The prepared statements (core.prepared: the session, the person) are logged with
        # their placeholders; they are not the page's, and EXPLAIN needs their values.
        selects = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith("SELECT") and "%s" not in q["sql"]
        ]
        times = [(_execution_ms(connection, sql), sql) for sql in selects]
        limited = [ms for ms, sql in times if " LIMIT " in sql]
        slowest = max(times, default=(0.0, ""))
        results.append(
            {
                "path": path,
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                "bytes": len(response.content),
                "slowest_sql_ms": round(slowest[0], 3),
                "slowest_sql": slowest[1][:300],
                "page_sql_ms": round(max(limited), 3) if limited else None,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", help="e-mail of the person to log in as (none: anonymous)")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    json.dump(measure(args.user, args.paths), sys.stdout)


if __name__ == "__main__":
    main()
