"""Run the suite on SQLite, then on PostgreSQL when reachable, and say how many ran on each.

REQUIRE_POSTGRES=1 (set by CI) turns an unreachable PostgreSQL, or any skipped test there,
into a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/kagazsyz"
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")


def postgres_reachable(url: str) -> bool:
    import psycopg

    server_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server_url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def run_pytest(label: str, database_url: str | None) -> dict[str, int]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    workers = os.environ.get("TEST_WORKERS", "2")
    command = [sys.executable, "-m", "pytest", "-n", workers, "-p", "no:cacheprovider", "-rs"]
    print(f"\n=== tests on {label} ===", flush=True)
    completed = subprocess.run(command, env=env, text=True, capture_output=True, check=False)  # noqa: S603
    sys.stdout.write(completed.stdout[-20000:])
    sys.stderr.write(completed.stderr[-5000:])
    last = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    counts = {
        kind.rstrip("s") if kind.startswith("error") else kind: int(n)
        for n, kind in SUMMARY.findall(last)
    }
    counts["returncode"] = completed.returncode
    return counts


def main() -> int:
    require_postgres = os.environ.get("REQUIRE_POSTGRES") == "1"
    results = {"SQLite": run_pytest("SQLite", None)}
    postgres_url = os.environ.get("DATABASE_URL", DEFAULT_POSTGRES)
    if postgres_url.startswith("postgres") and postgres_reachable(postgres_url):
        results["PostgreSQL"] = run_pytest("PostgreSQL", postgres_url)
    elif require_postgres:
        print(f"PostgreSQL is required but not reachable at {postgres_url}", file=sys.stderr)
        return 1
    else:
        print(f"\nPostgreSQL not reachable at {postgres_url}: ran on SQLite only")
    print("\n=== summary ===")
    failed = passed = 0
    ok = True
    for label, counts in results.items():
        print(
            f"{label}: {counts.get('passed', 0)} passed, {counts.get('failed', 0)} failed, "
            f"{counts.get('skipped', 0)} skipped, {counts.get('error', 0)} errors"
        )
        passed += counts.get("passed", 0)
        failed += counts.get("failed", 0) + counts.get("error", 0)
        ok = ok and counts["returncode"] == 0 and counts.get("passed", 0) > 0
        if require_postgres and label == "PostgreSQL" and counts.get("skipped", 0):
            print("PostgreSQL run skipped tests, which CI does not allow", file=sys.stderr)
            ok = False
    print(f"total: {passed} passed, {failed} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
