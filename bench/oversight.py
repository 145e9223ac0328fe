"""Oversight at scale: the pages over 10 million applications in PostgreSQL, beside the naive
GROUP BY over the raw tables they replace.

``oversight_benchmark()`` (called by bench/run.py) runs this file in a child process against its
own PostgreSQL database (``OVERSIGHT_BENCH_URL``; else the server of a PostgreSQL ``DATABASE_URL``, or
postgres://postgres@127.0.0.1:5432, with the database kagazsyz_bench_oversight), created and
dropped here, so the
SQLite database of the other benchmarks is untouched. ``OVERSIGHT_BENCH_COUNT`` sets the volume
(default 1,000,000; 10,000,000 is the target of docs/oversight.md).

Loading: a year of history (200,000 applications) from the demo generator, written with COPY,
then copied in SQL with new ids until the volume is reached (same days, so the daily volume
grows as it would for a bigger country), indexes built after the load.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[str, float, str, str]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kagazsyz_bench_oversight"
BASE = 200_000


def bench_url() -> str:
    """OVERSIGHT_BENCH_URL; else the server of a PostgreSQL DATABASE_URL with the benchmark's own
    database name (never the database DATABASE_URL names: this benchmark drops what it uses)."""
    if "OVERSIGHT_BENCH_URL" in os.environ:
        return os.environ["OVERSIGHT_BENCH_URL"]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        return urlunsplit(urlsplit(given)._replace(path="/" + urlsplit(DEFAULT_URL).path[1:]))
    return DEFAULT_URL


def oversight_benchmark() -> list[Row]:
    """Run the benchmark in a child process on its own PostgreSQL database."""
    url = bench_url()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kagazsyz.settings"}
    done = subprocess.run(  # noqa: S603 -- our own interpreter and file
        [sys.executable, str(Path(__file__).resolve()), "--rows-json"],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return [("oversight benchmark failed (PostgreSQL reachable?)", 0.0, "", "see stderr")]
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


def _database(url: str, *, create: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def _copy_sink(model: Any, rows: list[dict[str, Any]]) -> None:
    from django.db import connection
    from psycopg.types.json import Jsonb

    if not rows:
        return
    columns = [f.attname for f in model._meta.concrete_fields if f.attname in rows[0]]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(
                    [Jsonb(row[c]) if isinstance(row[c], dict) else row[c] for c in columns]
                )


def _indexes(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE %s",
            [table, "%_pkey"],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _load(count: int) -> tuple[int, float]:
    """Fill the raw tables; returns (applications, seconds)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kagazsyz.oversight.history import history_rows

    start = time.perf_counter()
    kept = []
    # Constraints on the applications table are dropped for the load and made again after.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), conrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = 'applications_application'::regclass AND contype = 'u'"
        )
        uniques = cursor.fetchall()
        for name, _, table in uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table in (
            "applications_application",
            "applications_transition",
            "applications_assignment",
        ):
            kept += _indexes(table)
    with transaction.atomic():
        base = history_rows(
            count=min(count, BASE), today=timezone.localdate(), seed=2026, sink=_copy_sink
        )
    copies = max(1, round(count / base))
    with connection.cursor() as cursor:
        for statement in _COPY:
            cursor.execute(statement, {"copies": copies})
        for definition in kept:
            cursor.execute(definition)
        for name, definition, table in uniques:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM applications_application")
        total = cursor.fetchone()[0]
    return total, time.perf_counter() - start


# The base year is kept in temporary tables and copied (copies - 1) times with new ids derived
# from the old ones, so transitions and assignments follow their application.
_COPY = (
    "CREATE TEMP TABLE base_application AS SELECT * FROM applications_application",
    "CREATE TEMP TABLE base_transition AS SELECT * FROM applications_transition",
    "CREATE TEMP TABLE base_assignment AS SELECT * FROM applications_assignment",
    """INSERT INTO applications_application (id, number, citizen_id, service_code,
      service_version, agency_code, answers, status, idempotency_key, submitted_at, decided_at,
      decision_reason, waiting_for, due_on, assigned_to_id, refusal_code, rating)
    SELECT md5(id::text || k::text)::uuid, number || '-' || k::text, citizen_id, service_code,
      service_version, agency_code, answers, status, NULL, submitted_at, decided_at,
      decision_reason, waiting_for, due_on, assigned_to_id, refusal_code, rating
    FROM base_application, generate_series(1, %(copies)s - 1) AS k""",
    """INSERT INTO applications_transition (application_id, from_status, to_status, actor,
      reason, at)
    SELECT md5(application_id::text || k::text)::uuid, from_status, to_status, actor, reason, at
    FROM base_transition, generate_series(1, %(copies)s - 1) AS k""",
    """INSERT INTO applications_assignment (application_id, official_id, assigned_by_id, reason,
      at)
    SELECT md5(application_id::text || k::text)::uuid, official_id, assigned_by_id, reason, at
    FROM base_assignment, generate_series(1, %(copies)s - 1) AS k""",
)


def _time_page(client: Any, url: str, runs: int = 5) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: templates compiled, catalogue loaded, as in a running server
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def _naive_year(since: Any) -> float:
    """The national indicators straight from the raw tables (what the aggregates replace)."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.agency_code, count(*), count(a.decided_at),
                   count(*) FILTER (WHERE a.decided_at IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM applications_transition t WHERE t.application_id = a.id
                     AND t.to_status IN ('approved', 'rejected') AND t.actor LIKE 'official:%%')),
                   count(*) FILTER (WHERE (a.decided_at AT TIME ZONE 'Asia/Bishkek')::date > a.due_on),
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY a.decided_at - a.submitted_at)
            FROM applications_application a WHERE a.submitted_at >= %s GROUP BY a.agency_code
            """,
            [since],
        )
        cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def run(count: int) -> list[Row]:
    import datetime as dt

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from kagazsyz.accounts.models import OfficialRole, User
    from kagazsyz.oversight.aggregates import aggregates_rebuild, aggregates_refresh
    from kagazsyz.oversight.services import open_data_publish

    call_command("migrate", verbosity=0)
    total, load_seconds = _load(count)
    rows: list[Row] = [
        ("oversight: applications loaded into PostgreSQL", total, "rows", "COPY + SQL copies"),
        ("oversight: load time (with indexes)", load_seconds, "s", "setup"),
    ]
    start = time.perf_counter()
    aggregates_rebuild()
    rows.append(
        (
            "oversight: full rebuild of the aggregates",
            time.perf_counter() - start,
            "s",
            "periodic job",
        )
    )
    today = timezone.localdate()
    for days in (2, 62):
        start = time.perf_counter()
        aggregates_refresh(since=today - dt.timedelta(days=days), until=today)
        rows.append(
            (
                f"oversight: refresh of the last {days} days",
                time.perf_counter() - start,
                "s",
                "periodic job",
            )
        )
    start = time.perf_counter()
    open_data_publish()
    rows.append(
        ("oversight: publish the open-data files", time.perf_counter() - start, "s", "periodic job")
    )
    user = User.objects.create_user("80000000000001", full_name="Bench oversight")
    OfficialRole.objects.create(user=user, agency_code="NATIONAL", role="oversight")
    client = Client()
    client.force_login(user)
    pages = [
        "/oversight/", "/oversight/agencies/", "/oversight/agencies/DRN/",
        "/oversight/services/ID-01/", "/oversight/trends/", "/oversight/signals/",
        "/open-data/", "/open-data/services-daily.csv",
    ]  # fmt: skip
    for name, value, unit, _ in rows:
        print(f"{name}: {value:.1f} {unit}", file=sys.stderr, flush=True)
    for url in pages:
        milliseconds, queries = _time_page(client, url)
        rows.append((f"oversight page {url} ({queries} queries)", milliseconds, "ms", "aggregates"))
    naive = statistics.median(_naive_year(today - dt.timedelta(days=365)) for _ in range(2))
    rows.append(("naive GROUP BY over the raw tables, one year by agency", naive, "ms", "baseline"))
    return rows


def main() -> None:
    count = int(os.environ.get("OVERSIGHT_BENCH_COUNT", "1000000"))
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("the oversight benchmark needs PostgreSQL (DATABASE_URL)")
    os.environ["DATABASE_URL"] = url
    # Loading ten million rows runs statements of minutes; the pages' own timing is what counts.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kagazsyz.settings")
    sys.path.insert(0, str(ROOT))
    _database(url, create=True)
    try:
        import django

        django.setup()
        rows = run(count)
        from django.db import connections

        connections.close_all()
    finally:
        if os.environ.get("OVERSIGHT_BENCH_KEEP") != "1":
            _database(url, create=False)
    if "--rows-json" in sys.argv:
        print(json.dumps(rows))
    else:
        for name, value, unit, what in rows:
            print(f"| {name:<62} | {value:>10.1f} | {unit:<4} | {what:<14} |")


if __name__ == "__main__":
    main()
