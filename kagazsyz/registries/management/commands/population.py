"""``population generate|sample``: fill the sandbox registries, pick residents to test with."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kagazsyz.core.arguments import COUNT
from kagazsyz.registries.sandbox.load import population_generate
from kagazsyz.registries.sandbox.selectors import sample_residents

# A fixed date, so that the demo's residents (and their personal numbers) are the same every day
# and `make demo` run again reuses them.
POPULATION_DATE = dt.date(2026, 11, 1)


class Command(BaseCommand):
    help = "Generate the sandbox population, or show residents that suit common test cases."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{generate,sample}")
        generate = actions.add_parser(
            "generate", help="store a synthetic population (kept if already there)"
        )
        generate.add_argument(
            "--size", type=COUNT, default=10_000, help="number of residents (10000)"
        )
        generate.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
        generate.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=POPULATION_DATE,
            help=f"the date the population is made for, YYYY-MM-DD ({POPULATION_DATE})",
        )
        generate.add_argument(
            "--force", action="store_true", help="regenerate even if already stored"
        )
        sample = actions.add_parser("sample", help="show residents for typical test cases")
        sample.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options["size"], options["seed"], options["today"], options["force"])
        else:
            self._sample(as_json=options["json"])

    def _generate(self, size: int, seed: int, today: dt.date, force: bool) -> None:
        day = today
        started = time.perf_counter()
        count = population_generate(size=size, seed=seed, today=day, force=force)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Sandbox population: {count} residents (seed {seed}, as of {day}) in {elapsed:.2f} s"
        )

    def _sample(self, *, as_json: bool) -> None:
        samples = sample_residents()
        if as_json:
            self.stdout.write(json.dumps(samples, ensure_ascii=False, indent=2))
            return
        if not samples:
            self.stdout.write("The sandbox population is empty: run `population generate` first.")
            return
        for sample in samples:
            self.stdout.write(
                f"{sample['personal_number']}  {sample['full_name']}  — {sample['role']}"
            )
            facts = "; ".join(f"{key}: {_shown(value)}" for key, value in sample["facts"].items())
            self.stdout.write(f"    {facts}")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_shown(item)}" for key, item in value.items()) + "}"
    return "—" if value is None else str(value)
