"""``registries serve|list``: run the sandbox registries over X-Road REST, or show what exists."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.core.arguments import COUNT, PORT
from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox_server import iter_registry_lines, start_sandbox_server
from kagazsyz.registries.xroad import DEFAULT_INSTANCE


def _codes(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class Command(BaseCommand):
    help = "Serve the sandbox registries as X-Road REST services, or list registries and datasets."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{serve,list}")
        serve = actions.add_parser(
            "serve", help="answer X-Road REST queries from the sandbox population until Ctrl-C"
        )
        serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        serve.add_argument("--port", type=PORT, default=8100, help="port (8100; 0 picks one)")
        serve.add_argument(
            "--instance", default=DEFAULT_INSTANCE, help=f"X-Road instance ({DEFAULT_INSTANCE})"
        )
        serve.add_argument(
            "--latency-ms", type=COUNT, default=0, help="delay every answer by N ms (0)"
        )
        serve.add_argument(
            "--error-rate", type=float, default=0.0, help="share of answers that are HTTP 500 (0)"
        )
        serve.add_argument(
            "--outage",
            type=_codes,
            default=[],
            help="registry codes that are down, comma-separated",
        )
        serve.add_argument(
            "--malformed", type=_codes, default=[], help="registry codes answering broken JSON"
        )
        serve.add_argument(
            "--wrong-subject",
            type=_codes,
            default=[],
            help="registry codes answering about another person",
        )
        serve.add_argument("--seed", type=int, default=0, help="seed of the random errors (0)")
        listing = actions.add_parser("list", help="show registries, their X-Road ids and datasets")
        listing.add_argument(
            "--instance", default=DEFAULT_INSTANCE, help=f"X-Road instance ({DEFAULT_INSTANCE})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for line in iter_registry_lines(options["instance"]):
                self.stdout.write(line)
            return
        self._serve(options)

    def _serve(self, options: dict[str, Any]) -> None:
        try:
            handle = start_sandbox_server(
                options["host"],
                options["port"],
                instance=options["instance"],
                seed=options["seed"],
                latency_ms=options["latency_ms"],
                error_rate=options["error_rate"],
                outage=options["outage"],
                malformed=options["malformed"],
                wrong_subject=options["wrong_subject"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        residents = SandboxResident.objects.count()
        self.stdout.write(f"Sandbox registries (X-Road REST r1, instance {handle.instance})")
        self.stdout.write(f"Serving on {handle.url}  — {residents} sandbox residents")
        if not residents:
            self.stdout.write("The sandbox population is empty: run `population generate` first.")
        faults = handle.faults.as_json()
        if any(faults.values()):
            self.stdout.write(f"Faults: {faults}")
        self.stdout.write(f"Faults can be changed with POST {handle.url}/_sandbox/faults")
        self.stdout.write("Ctrl-C to stop.")
        self.stdout.flush()
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())  # as Ctrl-C
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            handle.stop()
            self.stdout.write("Stopped.")
