"""Statements that every logged-in request runs, kept prepared by PostgreSQL.

The person with their standing (``core.access.person_with_standing``) is one statement with a
dozen subqueries: PostgreSQL took three times longer to plan it (0.35 ms) than to run it
(0.12 ms), on every request. Django binds parameters on the client and never prepares; here a
statement is sent with server-side binding and prepared once per connection (psycopg keeps the
prepared statements of each connection; a new connection prepares again). Only for a few fixed
statements: the ORM's other queries keep Django's own cursor. The statement is logged as
Django logs queries (``connection.queries``, the query-count tests), goes through the
connection's execute wrappers, and its errors are Django's.
"""

from __future__ import annotations

import functools

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

        def execute(sql, params, many, context):
            with connection.wrap_database_errors:
                return raw.execute(sql, params, prepare=True)

        # As Django's cursor runs a statement: through the connection's execute wrappers
        # (``connection.execute_wrapper``), logged when queries are logged.
        context = {"connection": connection, "cursor": cursor}
        for wrapper in reversed(connection.execute_wrappers):
            execute = functools.partial(wrapper, execute)
        try:
            if connection.queries_logged:
                with CursorDebugWrapper(raw, connection).debug_sql(sql, params):
                    execute(sql, params, False, context)
            else:
                execute(sql, params, False, context)
            with connection.wrap_database_errors:
                return raw.fetchone()
        finally:
            raw.close()
