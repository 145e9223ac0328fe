"""The tree tables are insert-only like the entries; entries from before the tree are queued."""

from django.db import migrations

TABLES = ["ledger_leaf", "ledger_node", "ledger_treehead"]


def sqlite_triggers(table):  # type: ignore[no-untyped-def]
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, 'the ledger tree is append-only'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, 'the ledger tree is append-only'); END;""",
    ]


def postgres_triggers(table):  # type: ignore[no-untyped-def]
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();""",
    ]


BACKFILL = "INSERT INTO ledger_pending (entry_id) SELECT id FROM ledger_entry ORDER BY id"

FORWARD = {
    "sqlite": [BACKFILL] + [s for t in TABLES for s in sqlite_triggers(t)],
    "postgresql": [BACKFILL] + [s for t in TABLES for s in postgres_triggers(t)],
}
REVERSE = {
    "sqlite": [f"DROP TRIGGER {t}_{w};" for t in TABLES for w in ("no_update", "no_delete")],
    "postgresql": [
        f"DROP TRIGGER {t}_{w} ON {t};" for t in TABLES for w in ("append_only", "no_truncate")
    ],
}


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_sequencing")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
