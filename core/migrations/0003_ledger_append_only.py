"""The ledger is append-only in the database too: a trigger refuses UPDATE and DELETE of ledger
entries, so not even a script or the shell can rewrite money history."""

from django.db import migrations

POSTGRES_UP = """
CREATE FUNCTION core_ledgerentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_ledgerentry is append-only: record a reversal instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON core_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION core_ledgerentry_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_ledgerentry_append_only ON core_ledgerentry;
DROP FUNCTION IF EXISTS core_ledgerentry_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_ledgerentry_no_update BEFORE UPDATE ON core_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'core_ledgerentry is append-only'); END;""",
    """CREATE TRIGGER core_ledgerentry_no_delete BEFORE DELETE ON core_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'core_ledgerentry is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_ledgerentry_no_update;",
    "DROP TRIGGER IF EXISTS core_ledgerentry_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_funds_ledger_registration_reorganisations")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
