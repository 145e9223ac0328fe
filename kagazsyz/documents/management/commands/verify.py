"""``kagazsyz verify FILE`` or ``kagazsyz verify --qr TEXT``: exit code 0 only for VALID."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kagazsyz.documents.pdf import display_value, format_date
from kagazsyz.documents.verification import Verdict, verify_pdf, verify_qr


class Command(BaseCommand):
    help = "Verify an issued document: a signed PDF file, or the text of its QR code (--qr)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the PDF to verify")
        parser.add_argument("--qr", help="the QR code's text (KG1:...)")
        parser.add_argument(
            "--offline",
            action="store_true",
            help="check the signatures only, without asking the register about revocation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = self._verify(options["file"], options["qr"], register=not options["offline"])
        self._print(verdict)
        if not verdict.is_valid:
            sys.exit(1)

    def _verify(self, file: str | None, qr: str | None, *, register: bool) -> Verdict:
        if (file is None) == (qr is None):
            raise CommandError("give either a PDF file or --qr TEXT")
        if qr is not None:
            return verify_qr(qr, register=register)
        assert file is not None
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        return verify_pdf(data, register=register)

    def _print(self, verdict: Verdict) -> None:
        write = self.stdout.write
        style = self.style.SUCCESS if verdict.is_valid else self.style.ERROR
        write(style(verdict.verdict))
        for language in ("ky", "ru", "en"):
            write(f"  {language}: {verdict.reason.get(language, '')}")
        if verdict.document_number is None:
            return
        write(f"Document: {verdict.document_number}  ({verdict.doc_type}, issuer {verdict.issuer})")
        if verdict.issued_at is not None:
            until = format_date(verdict.valid_until) if verdict.valid_until else "-"
            write(f"Issued: {format_date(verdict.issued_at)}  Valid until: {until}")
        if verdict.claims:
            write("Claims:")
            for name, value in verdict.claims.items():
                write(f"  {name}: {display_value(value)}")
