"""``kagazsyz keys init [AGENCY ...]``: make the document-signing PKI; ``keys list`` shows it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.documents.keys import ensure_keys, ensure_root, trust_list


def catalogue_agencies() -> list[str]:
    """The catalogue's agency codes, or none while the catalogue cannot be loaded."""
    try:
        from kagazsyz.catalog.loader import get_catalog

        return sorted(get_catalog().agencies)
    except Exception:  # an unfinished catalogue must not block making keys
        return []


class Command(BaseCommand):
    help = "Make the document-signing keys (root CA and one key per agency), or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["init", "list"])
        parser.add_argument(
            "agencies", nargs="*", help="agency codes (default: the catalogue's agencies)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "init":
            self._init(options["agencies"])
        else:
            self._list()

    def _init(self, codes: list[str]) -> None:
        root = ensure_root()
        self.stdout.write(f"Root CA: {root.subject.rfc4514_string()}  ({settings.KEYS_DIR})")
        if not codes:
            codes = catalogue_agencies()
            if not codes:
                self.stderr.write("The catalogue lists no agencies (yet): made the root only.")
        try:
            made = ensure_keys(codes)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for key in made:
            self.stdout.write(f"  {key.agency_code:<16} key {key.key_id}")

    def _list(self) -> None:
        trusted = trust_list()
        if not trusted:
            self.stdout.write(f"No keys in {settings.KEYS_DIR}: run `kagazsyz keys init`.")
        for key in sorted(trusted.values(), key=lambda item: item.agency_code):
            until = key.certificate.not_valid_after_utc.date().isoformat()
            self.stdout.write(f"  {key.agency_code:<16} key {key.key_id}  valid until {until}")
