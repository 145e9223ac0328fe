"""``kagazsyz keys init [AGENCY ...]``: make the document-signing PKI; ``keys list`` shows it;
``keys export-trust-list FILE`` writes the root-signed trust list (see ``trust_list.py``);
``keys rotate AGENCY`` gives an agency a new key (documents signed with the old one stay valid);
``keys revoke KID REASON`` revokes a key (documents it signed become invalid)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kagazsyz.documents.keys import (
    ensure_keys,
    ensure_root,
    revoke_key,
    rotate_agency_key,
    signing_key_for,
    trust_list,
)
from kagazsyz.documents.trust_list import TrustListError, trust_list_jws
from kagazsyz.ledger.services import ledger_append, salted_reference


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
        parser.add_argument(
            "action", choices=["init", "list", "export-trust-list", "rotate", "revoke"]
        )
        parser.add_argument(
            "agencies",
            nargs="*",
            help="init: agency codes (default: the catalogue's agencies); "
            "export-trust-list: the FILE to write; rotate: AGENCY; revoke: KID REASON",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "init":
            self._init(options["agencies"])
        elif action == "export-trust-list":
            self._export(options["agencies"])
        elif action == "rotate":
            self._rotate(options["agencies"])
        elif action == "revoke":
            self._revoke(options["agencies"])
        else:
            self._list()

    def _rotate(self, arguments: list[str]) -> None:
        if len(arguments) != 1:
            raise CommandError("give one agency code: keys rotate AGENCY")
        try:
            old, new = rotate_agency_key(arguments[0])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            ledger_append(
                ref=f"key:{new.agency_code}",
                kind="documents.key_rotated",
                payload={"agency": new.agency_code, "old_key": old, "new_key": new.key_id},
            )
        self.stdout.write(f"{new.agency_code}: new key {new.key_id} (was {old or 'none'})")

    def _revoke(self, arguments: list[str]) -> None:
        if len(arguments) < 2:
            raise CommandError("give the key id and a reason: keys revoke KID REASON")
        key_id, reason = arguments[0], " ".join(arguments[1:])
        try:
            key = revoke_key(key_id, reason)
        except KeyError as exc:
            raise CommandError(f"no key {key_id} on the trust list") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            ledger_append(
                ref=f"key:{key.agency_code}",
                kind="documents.key_revoked",
                payload={
                    "agency": key.agency_code,
                    "key": key.key_id,
                    "reason": salted_reference(reason, purpose="revocation"),
                },
            )
        current = signing_key_for(key.agency_code).key_id
        self.stdout.write(f"{key.agency_code}: key {key_id} revoked; current key {current}")

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
            state = "current" if signing_key_for(key.agency_code).key_id == key.key_id else "old"
            if key.revoked_at is not None:
                state = f"REVOKED {key.revoked_at.date().isoformat()}"
            self.stdout.write(
                f"  {key.agency_code:<16} key {key.key_id}  valid until {until}  {state}"
            )

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
