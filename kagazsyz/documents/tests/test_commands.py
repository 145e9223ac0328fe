"""``kagazsyz verify`` and ``kagazsyz keys``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from kagazsyz.documents import keys
from kagazsyz.documents.tests.conftest import Made


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_verify_a_valid_pdf(made: Made, tmp_path: Path) -> None:
    path = tmp_path / "document.pdf"
    path.write_bytes(made.pdf)
    code, out = _verify(str(path))
    assert code == 0
    assert out.splitlines()[0].endswith("VALID")
    assert "ru: Подпись действительна, документ действует." in out
    assert made.number in out
    assert "full_name: Үсөнбаев Нурлан Бакытович" in out
    assert "has_criminal_record: Жок / Нет" in out


@pytest.mark.django_db
def test_verify_a_tampered_pdf(made: Made, tmp_path: Path) -> None:
    path = tmp_path / "document.pdf"
    data = bytearray(made.pdf)
    data[made.pdf.index(b"/Kagazsyz") + 30] ^= 1
    path.write_bytes(bytes(data))
    code, out = _verify(str(path))
    assert code == 1
    assert "INVALID" in out
    assert "full_name" not in out


@pytest.mark.django_db
def test_verify_qr_text(made: Made) -> None:
    assert _verify("--qr", made.payload)[0] == 0
    code, out = _verify("--qr", "KG1:NOT-A-CODE")
    assert code == 1
    assert "INVALID" in out


def test_verify_offline_needs_no_database(made: Made) -> None:
    assert _verify("--offline", "--qr", made.payload)[0] == 0


def test_verify_needs_exactly_one_input(made: Made, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("verify", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("verify", "x.pdf", "--qr", made.payload, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("verify", str(tmp_path / "missing.pdf"), stdout=io.StringIO())


def test_the_kagazsyz_command_exits_non_zero_for_a_bad_document(made: Made, tmp_path: Path) -> None:
    """The real command line (exit code through Django's runner); the 0 case is tested above."""
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(made.pdf + b"\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kagazsyz.settings"}
    command = [sys.executable, "-m", "kagazsyz.cli", "verify", "--offline", str(bad)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("INVALID")


def test_keys_init_for_named_agencies(other_pki: Path) -> None:
    out = io.StringIO()
    call_command("keys", "init", "MVD", "GNS", stdout=out)
    assert (other_pki / "agency-MVD.key.pem").exists()
    assert (other_pki / "agency-GNS.cert.pem").exists()
    assert keys.signing_key_for("GNS").key_id in out.getvalue()
    listing = io.StringIO()
    call_command("keys", "list", stdout=listing)
    assert "MVD" in listing.getvalue() and "GNS" in listing.getvalue()


def test_keys_init_uses_the_catalogue(other_pki: Path) -> None:
    catalogue: Any = mock.Mock(agencies={"DRN": object(), "MVD": object()})
    with mock.patch("kagazsyz.catalog.loader.get_catalog", return_value=catalogue):
        call_command("keys", "init", stdout=io.StringIO())
    assert sorted(path.name for path in other_pki.glob("agency-*.cert.pem")) == [
        "agency-DRN.cert.pem",
        "agency-MVD.cert.pem",
    ]


def test_keys_init_survives_an_unfinished_catalogue(other_pki: Path) -> None:
    err = io.StringIO()
    with mock.patch("kagazsyz.catalog.loader.get_catalog", side_effect=RuntimeError("broken")):
        call_command("keys", "init", stdout=io.StringIO(), stderr=err)
    assert (other_pki / "root-ca.cert.pem").exists()
    assert "root only" in err.getvalue()


def test_keys_init_refuses_bad_codes(other_pki: Path) -> None:
    with pytest.raises(CommandError):
        call_command("keys", "init", "../x", stdout=io.StringIO())
