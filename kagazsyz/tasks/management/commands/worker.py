"""``kagazsyz worker`` runs background tasks; ``--once`` runs the due ones and exits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.core.arguments import POSITIVE
from kagazsyz.tasks.worker import default_worker_id, run_until_empty, run_worker


class Command(BaseCommand):
    help = "Run background tasks until interrupted (SIGTERM/SIGINT stop after the current task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the due tasks, then exit")
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds between looks when idle"
        )
        parser.add_argument("--max-tasks", type=POSITIVE, default=1000, help="limit for --once")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["poll"] <= 0:
            raise CommandError("--poll must be positive")
        worker_id = default_worker_id()
        if options["once"]:
            ran = run_until_empty(options["max_tasks"], worker_id=worker_id)
            self.stdout.write(f"{ran} task(s) run")
            return
        ran = run_worker(poll_seconds=options["poll"], worker_id=worker_id)
        self.stdout.write(f"worker stopped after {ran} task(s)")
