"""``kagazsyz ledger verify | sequence | head``: check, extend and show the Merkle log."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.core.arguments import POSITIVE, seconds
from kagazsyz.ledger.tree import ledger_sequence, tree_head_latest
from kagazsyz.ledger.verify import ledger_verify


class Command(BaseCommand):
    help = "Verify the ledger's Merkle log, sequence pending entries, or print the latest head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute everything; exit 1 naming the first bad index")
        sequence = sub.add_parser("sequence", help="integrate all pending entries")
        sequence.add_argument("--batch", type=POSITIVE, default=1000)
        sequence.add_argument(
            "--every",
            type=seconds,
            default=0.0,
            help="keep running, sequencing every SECONDS (the sequencer process of a deployment)",
        )
        sub.add_parser("head", help="print the latest signed tree head as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sequence":
            self._sequence(options["batch"], options["every"])
        elif action == "head":
            self.stdout.write(json.dumps(tree_head_latest(), indent=2))
        else:
            self._verify()

    def _sequence(self, batch: int, every: float) -> None:
        while True:
            total = 0
            while (done := ledger_sequence(max_batch=batch)) > 0:
                total += done
            if every <= 0:
                self.stdout.write(f"integrated {total} entries")
                return
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return

    def _verify(self) -> None:
        report = ledger_verify()
        if report.ok:
            self.stdout.write(
                f"ledger OK: {report.tree_size} leaves, {report.nodes} nodes and "
                f"{report.heads} signed tree heads verified; {report.pending} entries pending"
            )
            return
        for fault in report.faults[:50]:
            self.stderr.write(f"FAULT {fault}")
        first = report.first_bad_index
        where = f"first bad index {first}" if first is not None else str(report.faults[0])
        raise CommandError(f"ledger verification FAILED ({len(report.faults)} faults): {where}")
