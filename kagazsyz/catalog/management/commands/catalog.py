"""``kagazsyz catalog check`` validates the service catalogue; ``kagazsyz catalog list`` prints it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.catalog.loader import DATA_DIR, Catalog, CatalogError, load_catalog
from kagazsyz.catalog.schema import Service, service_summary

LANGUAGES = ("ky", "ru", "en")
TABLE_ROW = "{code:<9} {decision:<7} {agency:<8} {days:>5} {fee:>6}  {name}"


def unconfirmed(service: Service) -> list[str]:
    """Which of the service's figures are stand-ins an agency still has to confirm."""
    checks = (("fee", service.fee_confirmed), ("deadline", service.deadline_confirmed))
    return [name for name, confirmed in checks if not confirmed]


def ordered_services(catalog: Catalog) -> list[Service]:
    """Services from birth to death: by life-event order, then by code."""
    order = {code: event.order for code, event in catalog.life_events.items()}
    return sorted(catalog.services.values(), key=lambda s: (order.get(s.life_event, 0), s.code))


def table_line(service: Service, language: str) -> str:
    def mark(confirmed: bool) -> str:
        return "" if confirmed else "?"

    return TABLE_ROW.format(
        code=service.code,
        decision=service.decision.mode,
        agency=service.agency,
        days=f"{service.deadline_working_days}{mark(service.deadline_confirmed)}",
        fee=f"{service.fee_som}{mark(service.fee_confirmed)}",
        name=service.names.get(language),
    )


def summary_lines(catalog: Catalog) -> list[str]:
    services = ordered_services(catalog)
    automatic = sum(1 for s in services if s.is_automatic)
    pending = [(s.code, unconfirmed(s)) for s in services if unconfirmed(s)]
    lines = [
        f"Catalogue OK: {len(services)} services ({automatic} automatic, "
        f"{len(services) - automatic} review), {len(catalog.agencies)} agencies, "
        f"{len(catalog.life_events)} life events.",
        f"Fee or deadline not confirmed ({len(pending)}):",
    ]
    return lines + [f"  {code}: {', '.join(what)}" for code, what in pending]


class Command(BaseCommand):
    help = "Check the service catalogue (check) or list its services (list)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{check,list}")
        check = actions.add_parser("check", help="validate every catalogue file")
        listing = actions.add_parser("list", help="print the services")
        listing.add_argument("--json", action="store_true", dest="as_json", help="a JSON array")
        listing.add_argument("--lang", choices=LANGUAGES, default="ky", help="names in the table")
        for sub in (check, listing):
            sub.add_argument("--data-dir", type=Path, default=DATA_DIR, help="catalogue directory")

    def handle(self, *args: Any, **options: Any) -> None:
        catalog = self._load(options["data_dir"])
        if options["action"] == "check":
            self.stdout.write("\n".join(summary_lines(catalog)))
        elif options["as_json"]:
            entries = [service_summary(s) for s in ordered_services(catalog)]
            self.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2))
        else:
            self._table(catalog, options["lang"])

    def _load(self, data_dir: Path) -> Catalog:
        try:
            return load_catalog(data_dir)
        except CatalogError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the catalogue", returncode=1
            ) from exc

    def _table(self, catalog: Catalog, language: str) -> None:
        header = TABLE_ROW.format(
            code="CODE", decision="MODE", agency="AGENCY", days="DAYS", fee="FEE", name="NAME"
        )
        self.stdout.write(header)
        for service in ordered_services(catalog):
            self.stdout.write(table_line(service, language))
        self.stdout.write("? = not confirmed yet (a stand-in figure)")
