"""``kagazsyz tasks list [--status failed]`` shows background tasks; ``tasks prune`` clears old ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kagazsyz.core.arguments import COUNT, POSITIVE
from kagazsyz.tasks.models import Task, TaskStatus

ROW = "{id:>8} {status:<7} {attempts:>5} {run_after:<25} {name:<28} {arguments}"


class Command(BaseCommand):
    help = "List background tasks, or delete finished ones older than some days."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="newest first")
        listing.add_argument("--status", choices=TaskStatus.values)
        listing.add_argument("--name")
        listing.add_argument("--limit", type=POSITIVE, default=50)
        listing.add_argument("--errors", action="store_true", help="print each last error")
        prune = sub.add_parser("prune", help="delete done tasks finished long ago")
        prune.add_argument("--days", type=COUNT, default=30)
        prune.add_argument("--failed", action="store_true", help="also delete failed tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options)
        else:
            self._prune(options)

    def _list(self, options: dict[str, Any]) -> None:
        tasks = Task.objects.order_by("-id")
        if options["status"]:
            tasks = tasks.filter(status=options["status"])
        if options["name"]:
            tasks = tasks.filter(name=options["name"])
        self.stdout.write(
            ROW.format(
                id="id",
                status="status",
                attempts="tries",
                run_after="run after",
                name="name",
                arguments="arguments",
            )
        )
        for task in tasks[: options["limit"]]:
            self.stdout.write(
                ROW.format(
                    id=task.pk,
                    status=task.status,
                    attempts=f"{task.attempts}/{task.max_attempts}",
                    run_after=task.run_after.isoformat(timespec="seconds"),
                    name=task.name,
                    arguments=task.arguments,
                )
            )
            if options["errors"] and task.last_error:
                self.stdout.write("    " + task.last_error.replace("\n", "\n    "))

    def _prune(self, options: dict[str, Any]) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        before = timezone.now() - dt.timedelta(days=options["days"])
        statuses = [TaskStatus.DONE, TaskStatus.FAILED] if options["failed"] else [TaskStatus.DONE]
        deleted, _ = Task.objects.filter(status__in=statuses, finished_at__lt=before).delete()
        self.stdout.write(f"{deleted} task(s) deleted")
