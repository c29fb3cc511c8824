"""Statements that every logged-in request runs, kept prepared by PostgreSQL.

The person with their standing (``core.access.person_with_standing``) is one statement with a
dozen subqueries: PostgreSQL took three times longer to plan it (0.35 ms) than to run it
(0.12 ms), on every request. Django binds parameters on the client and never prepares; here a
statement is sent with server-side binding and prepared once per connection (psycopg keeps the
prepared statements of each connection; a new connection prepares again). Only for a few fixed
statements: the ORM's other queries keep Django's own cursor. The statement is logged as
Django logs queries (``connection.queries``, the query-count tests) and its errors are Django's.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.utils import CursorDebugWrapper


def fetch_one(sql: str, params: list, using: str = "default") -> tuple | None:
    """The first row of ``sql`` (``%s`` placeholders), prepared on PostgreSQL."""
    connection = connections[using]
    with connection.cursor() as cursor:  # Django's checks: the connection, its health, atomic
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone()
        from django.db.backends.postgresql.base import ServerBindingCursor

        raw = ServerBindingCursor(cursor.cursor.connection)
        try:
            with connection.wrap_database_errors:
                if connection.queries_logged:
                    with CursorDebugWrapper(raw, connection).debug_sql(sql, params):
                        raw.execute(sql, params, prepare=True)
                else:
                    raw.execute(sql, params, prepare=True)
                return raw.fetchone()
        finally:
            raw.close()
