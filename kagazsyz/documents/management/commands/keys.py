"""``kagazsyz keys init [AGENCY ...]``: make the document-signing PKI; ``keys list`` shows it;
``keys export-trust-list FILE`` writes the root-signed trust list (see ``trust_list.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.documents.keys import ensure_keys, ensure_root, trust_list
from kagazsyz.documents.trust_list import TrustListError, trust_list_jws


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
        parser.add_argument("action", choices=["init", "list", "export-trust-list"])
        parser.add_argument(
            "agencies",
            nargs="*",
            help="init: agency codes (default: the catalogue's agencies); "
            "export-trust-list: the FILE to write",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "init":
            self._init(options["agencies"])
        elif options["action"] == "export-trust-list":
            self._export(options["agencies"])
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

    def _export(self, arguments: list[str]) -> None:
        if len(arguments) != 1:
            raise CommandError("give the file to write: keys export-trust-list FILE")
        path = Path(arguments[0])
        try:
            jws = trust_list_jws()
        except TrustListError as exc:
            raise CommandError(str(exc)) from exc
        try:
            path.write_text(jws + "\n", encoding="ascii")
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"Trust list with {len(trust_list())} keys written to {path}")
