"""``kagazsyz verify FILE`` or ``kagazsyz verify --qr TEXT``: exit code 0 only for VALID. The
``--qr`` text may also be a holder's selective disclosure (SD-JWT ``<JWT>~<disclosure>~``).

With ``--trust-list FILE`` (a trust list from ``GET /api/v1/trust-list`` or
``kagazsyz keys export-trust-list``) the check is fully offline: the keys come from that file
only (not from the key directory) and the register (the database) is not asked. Add
``--status-list FILE`` (from ``GET /api/v1/status-list``) to learn revocations as of that list:
a revoked document then says REVOKED. A list that is not signed by the trust list's root, or is
out of date, is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.documents.pdf import display_value, format_date
from kagazsyz.documents.sd_jwt import verify_text
from kagazsyz.documents.status_list import StatusList, StatusListError, read_status_list
from kagazsyz.documents.trust_list import TrustList, TrustListError, read_trust_list
from kagazsyz.documents.verification import Verdict, verify_pdf


class Command(BaseCommand):
    help = "Verify an issued document: a signed PDF file, or the text of its QR code (--qr)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the PDF to verify")
        parser.add_argument(
            "--qr", help="the QR code's text (KG1:...), or an SD-JWT proof of one fact"
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help="check the signatures only, without asking the register about revocation",
        )
        parser.add_argument(
            "--trust-list",
            metavar="FILE",
            help="trust only the keys of this signed trust list (JWS); implies --offline",
        )
        parser.add_argument(
            "--trust-root",
            metavar="FILE",
            help="with --trust-list: the root certificate (PEM or DER) that must have signed it",
        )
        parser.add_argument(
            "--status-list",
            metavar="FILE",
            help="with --trust-list: the signed revocation status list downloaded last",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["trust_list"] is not None:
            trust = self._trust_list(options["trust_list"], options["trust_root"])
            status_list = None
            if options["status_list"] is not None:
                status_list = self._status_list(options["status_list"], trust)
            verdict = self._verify(
                options["file"],
                options["qr"],
                register=False,
                trust=trust,
                status_list=status_list,
            )
        elif options["trust_root"] is not None or options["status_list"] is not None:
            raise CommandError("--trust-root and --status-list go with --trust-list")
        else:
            verdict = self._verify(options["file"], options["qr"], register=not options["offline"])
        self._print(verdict)
        if not verdict.is_valid:
            sys.exit(1)

    def _status_list(self, path: str, trust: TrustList) -> StatusList:
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename}: {exc.strerror}") from exc
        try:
            return read_status_list(text, root_certificate=trust.root)
        except StatusListError as exc:
            raise CommandError(f"{path}: {exc}") from exc

    def _trust_list(self, path: str, root_path: str | None) -> TrustList:
        try:
            text = Path(path).read_bytes()
            pinned = Path(root_path).read_bytes() if root_path is not None else None
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename}: {exc.strerror}") from exc
        try:
            return read_trust_list(text, root_pem_or_der=pinned)
        except TrustListError as exc:
            raise CommandError(f"{path} is not a valid trust list: {exc}") from exc

    def _verify(
        self,
        file: str | None,
        qr: str | None,
        *,
        register: bool,
        trust: TrustList | None = None,
        status_list: StatusList | None = None,
    ) -> Verdict:
        if (file is None) == (qr is None):
            raise CommandError("give either a PDF file or --qr TEXT")
        if qr is not None:
            return verify_text(qr, register=register, trust=trust, status_list=status_list)
        assert file is not None
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        return verify_pdf(data, register=register, trust=trust, status_list=status_list)

    def _print(self, verdict: Verdict) -> None:
        write = self.stdout.write
        style = self.style.SUCCESS if verdict.is_valid else self.style.ERROR
        write(style(verdict.verdict))
        for language in ("ky", "ru", "en"):
            write(f"  {language}: {verdict.reason.get(language, '')}")
        if verdict.issuer is None:
            return
        if verdict.document_number is None:  # a selective disclosure shows no number
            write(f"Shared fact of a {verdict.doc_type} by issuer {verdict.issuer}")
        else:
            number = verdict.document_number
            write(f"Document: {number}  ({verdict.doc_type}, issuer {verdict.issuer})")
        if verdict.issued_at is not None:
            until = format_date(verdict.valid_until) if verdict.valid_until else "-"
            write(f"Issued: {format_date(verdict.issued_at)}  Valid until: {until}")
        if verdict.claims:
            write("Claims:")
            for name, value in verdict.claims.items():
                write(f"  {name}: {display_value(value)}")
