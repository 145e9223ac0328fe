"""The ``catalog`` management command: no database needed."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kagazsyz.catalog.loader import DATA_DIR


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_check_prints_a_summary_and_the_unconfirmed_figures():
    out, err = run("check")
    assert "56 services (28 automatic, 28 review), 15 agencies, 12 life events" in out
    assert "  BIR-01: fee, deadline" in out
    assert "  WORK-01: deadline" in out
    assert "EDU-01:" not in out
    assert err == ""


def test_check_reports_problems_and_fails(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "services" / "HOME-03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("agency: DRN", "agency: XYZ"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "check", "--data-dir", str(data), stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == ["HOME-03.yaml: agency: unknown agency 'XYZ'"]


def test_list_json():
    out, _ = run("list", "--json")
    entries = json.loads(out)
    assert len(entries) == 56
    assert entries[0]["code"] == "BIR-01"
    work = next(entry for entry in entries if entry["code"] == "WORK-04")
    assert work == {
        "code": "WORK-04",
        "version": 1,
        "names": {
            "ky": "Салык карызы жок экендиги тууралуу маалымкат",
            "ru": "Справка об отсутствии налоговой задолженности (физлицо)",
            "en": "Certificate of absence of tax debt",
        },
        "agency": "GNS",
        "life_event": "WORK",
        "decision": "auto",
        "deadline_working_days": 0,
        "deadline_confirmed": False,
        "fee_som": 0,
        "fee_confirmed": False,
    }
    assert "Салык" in out  # ensure_ascii=False keeps Cyrillic readable


@pytest.mark.parametrize(
    ("lang", "name"),
    [("ky", "Сөөк коюуга жөлөкпул"), ("ru", "Назначение пособия на погребение"), ("en", "Burial")],
)
def test_list_table(lang: str, name: str):
    out, _ = run("list", "--lang", lang)
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "MODE", "AGENCY", "DAYS", "FEE", "NAME"]
    assert len(lines) == 56 + 2
    dth = next(line for line in lines if line.startswith("DTH-02"))
    assert name in dth
    assert dth.split()[1:5] == ["auto", "MTSOM", "5?", "0"]
