"""Django's PostgreSQL backend, with a cheaper health check of a kept connection.

With persistent connections and ``CONN_HEALTH_CHECKS``, Django asks the server ``SELECT 1``
before the first query of every request, to find a connection the server has dropped (a
restart, an administrator's terminate): a round trip that cost each logged-in page about half a
millisecond. A connection the server dropped has something to read on its socket (the server's
last message, or the end of the stream), and an idle connection in good order has nothing; so
an idle connection with nothing to read is usable without asking, and anything else is asked
as Django asks. ``ENGINE = "core.postgresql"`` (set in the settings for PostgreSQL)."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        from psycopg.pq import TransactionStatus

        if connection.info.transaction_status == TransactionStatus.IDLE:
            try:
                readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
            except (OSError, ValueError):
                return False
            if not readable:
                return True
        return super().is_usable()
