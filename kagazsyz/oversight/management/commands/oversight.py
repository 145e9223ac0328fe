"""``kagazsyz oversight``: demo history, aggregate refreshes and the plan check.

kagazsyz oversight history --count 200000   # a year of demo history, then a full rebuild
kagazsyz oversight refresh [--days 62] [--every 300] [--full]
kagazsyz oversight plan                     # validate data/plan.yaml against the catalogue
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kagazsyz.core.arguments import COUNT, POSITIVE, seconds
from kagazsyz.oversight.aggregates import aggregates_rebuild, aggregates_refresh
from kagazsyz.oversight.history import history_exists, history_generate
from kagazsyz.oversight.selectors import plan_problems
from kagazsyz.oversight.services import open_data_publish

# Citizens rate a closed case within weeks; refreshing two months keeps late ratings counted.
DEFAULT_REFRESH_DAYS = 62


class Command(BaseCommand):
    help = "Oversight: generate demo history, refresh the aggregates, check the plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["history", "refresh", "plan"])
        parser.add_argument("--count", type=COUNT, default=200_000, help="history: applications")
        parser.add_argument("--seed", type=int, default=2026, help="history: random seed")
        parser.add_argument(
            "--days", type=POSITIVE, default=DEFAULT_REFRESH_DAYS, help="refresh window"
        )
        parser.add_argument("--full", action="store_true", help="refresh: rebuild everything")
        parser.add_argument("--every", type=seconds, default=0, help="refresh: repeat every N s")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "history":
            self._history(options["count"], options["seed"])
        elif options["what"] == "refresh":
            self._refresh(options["days"], options["full"], options["every"])
        else:
            problems = plan_problems()
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write("plan covers every catalogue service")

    def _history(self, count: int, seed: int) -> None:
        if history_exists():
            self.stdout.write("demo history already present; left as it is")
            return
        start = time.perf_counter()
        written = history_generate(count=count, today=timezone.localdate(), seed=seed)
        rows = aggregates_rebuild()
        open_data_publish()
        self.stdout.write(
            f"{written} applications of demo history (not in the ledger), {rows} aggregate rows, "
            f"{time.perf_counter() - start:.1f} s"
        )

    def _refresh(self, days: int, full: bool, every: float) -> None:
        while True:
            if full:
                rows = aggregates_rebuild()
            else:
                today = timezone.localdate()
                rows = aggregates_refresh(since=today - dt.timedelta(days=days), until=today)
            files = open_data_publish()
            self.stdout.write(
                f"oversight aggregates refreshed: {rows} rows; {files} open-data files"
            )
            if not every:
                return
            time.sleep(every)
