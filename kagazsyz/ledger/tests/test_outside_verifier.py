"""tools/verify_ledger.py against the read functions (HTTP replaced by direct calls)."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import transaction

from kagazsyz.ledger import tree
from kagazsyz.ledger.services import ledger_append

pytestmark = pytest.mark.django_db
TOOL = Path(__file__).resolve().parents[3] / "tools" / "verify_ledger.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_ledger", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _serve(path: str, query: dict[str, int]) -> Any:
    """What the lead's endpoints return, by URL path."""
    if path == "/tree-head":
        return tree.tree_head_latest()
    if path == "/entries":
        return tree.entries(query["start"], query["end"])
    if path == "/proof/inclusion":
        return tree.inclusion_proof(query["index"], query["tree_size"])
    if path == "/proof/consistency":
        return tree.consistency_proof(query["first"], query["second"])
    raise AssertionError(path)


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = _tool()
    prefix = "http://kagazsyz.test/api/v1/ledger"

    def get(self: Any, path: str, **params: int) -> bytes:
        assert self.base == prefix
        if path == "/public-key":
            return tree.ledger_public_key_pem().encode()
        return json.dumps(_serve(path, params)).encode()

    monkeypatch.setattr(module.Log, "_get", get)
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "1")
    return module


def _run(module: ModuleType, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    parser_args = ["http://kagazsyz.test", *args]
    namespace = argparse.Namespace(
        base=parser_args[0],
        state=None,
        all=False,
        max_entries=100_000,
        proofs=5,
        key_id=None,
        timeout=5.0,
    )
    for flag, value in zip(parser_args[1::2], parser_args[2::2], strict=True):
        setattr(namespace, flag.lstrip("-").replace("-", "_"), value)
    return module.run(namespace, out), out.getvalue()


def _append(count: int) -> None:
    with transaction.atomic():
        for n in range(count):
            ledger_append(kind="test.outside", payload={"n": n})


def test_an_outsider_verifies_and_then_follows_the_log(
    verifier: ModuleType, tmp_path: Path
) -> None:
    _append(30)
    state = tmp_path / "state.json"
    status, report = _run(verifier, "--state", str(state))
    assert status == 0, report
    assert "root rebuilt from all entries" in report and "FAIL" not in report
    first = json.loads(state.read_text())
    _append(17)
    status, report = _run(verifier, "--state", str(state))
    assert status == 0, report
    assert f"consistent with the saved head of size {first['tree_size']}" in report
    assert json.loads(state.read_text())["tree_size"] == first["tree_size"] + 17


def test_an_outsider_notices_a_rewritten_history(verifier: ModuleType, tmp_path: Path) -> None:
    _append(10)
    state = tmp_path / "state.json"
    assert _run(verifier, "--state", str(state))[0] == 0
    saved = json.loads(state.read_text())
    saved["root_hash"] = "ab" * 32  # as if the log had shown this root before
    state.write_text(json.dumps(saved))
    _append(3)
    status, report = _run(verifier, "--state", str(state))
    assert status == 1 and "[FAIL] consistent with the saved head" in report
    assert json.loads(state.read_text())["root_hash"] == "ab" * 32  # not overwritten


def test_an_outsider_notices_a_changed_entry(
    verifier: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(5)
    real = tree.entries

    def forged(start: int, end: int) -> list[dict[str, Any]]:
        rows = real(start, end)
        rows[-1]["canonical"] = rows[-1]["canonical"].replace('"n":4', '"n":5')
        return rows

    monkeypatch.setattr(tree, "entries", forged)
    status, report = _run(verifier)
    assert status == 1 and "leaf hash of its text" in report
