"""Transaction-scoped locks for rules that span rows (one city director, at least one fund
administrator, no overlapping delegations), where locking an existing row is not enough
because the conflicting row may not exist yet."""

import zlib

from django.db import connection


def advisory_lock(name: str) -> None:
    """Hold a lock named ``name`` until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite (the demo) takes its write lock at
    the start of every transaction (``transaction_mode=IMMEDIATE``), so writers already queue.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
