"""The ledger's public API, and the outside auditor's tool against a real server over HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from kagazsyz.ledger import merkle
from kagazsyz.ledger.models import Entry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_tree_head_proofs_and_entries_fit_together(client: Client, submit, citizen) -> None:
    submit(citizen=citizen, service_code="WORK-04", answers={})
    first = client.get("/api/v1/ledger/tree-head").json()
    assert set(first) == {"tree_size", "root_hash", "timestamp", "signature", "key_id"}
    size = first["tree_size"]
    assert size >= Entry.objects.count() - 1 and len(first["root_hash"]) == 64
    rows = client.get(f"/api/v1/ledger/entries?start=0&end={min(size, 1000)}").json()
    for row in rows:
        assert row["leaf_hash"] == merkle.leaf_hash(row["canonical"].encode()).hex()
    index = size - 1
    proof = client.get(f"/api/v1/ledger/proof/inclusion?index={index}&tree_size={size}").json()
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    leaf = bytes.fromhex(proof["leaf_hash"])
    assert merkle.verify_inclusion(index, size, leaf, path, bytes.fromhex(first["root_hash"]))
    consistency = client.get(f"/api/v1/ledger/proof/consistency?first=1&second={size}").json()
    assert consistency["first"] == 1 and consistency["second"] == size
    assert client.get("/api/v1/ledger/public-key").content.startswith(b"-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ledger/proof/inclusion?index=5&tree_size=0",
        "/api/v1/ledger/proof/inclusion?index=10000000&tree_size=1",
        "/api/v1/ledger/proof/consistency?first=3&second=2",
        "/api/v1/ledger/entries?start=5&end=5",
        "/api/v1/ledger/entries?start=0&end=5000",
        "/api/v1/ledger/proof/inclusion?index=x&tree_size=1",
    ],
)
def test_bad_ledger_requests_are_problems(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in {400, 404, 422}
    assert response["Content-Type"] == "application/problem+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_outside_auditor_checks_a_live_log_over_http(tmp_path) -> None:
    """tools/verify_ledger.py (standard library + cryptography, no Django) against a real server."""
    env = {
        **os.environ,
        "KAGAZSYZ_ENV": "demo",
        "KAGAZSYZ_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LEDGER_STH_EVERY_ENTRIES": "1",  # a signed head after every sequencing, for the test
    }
    run = [sys.executable, "-m", "kagazsyz.cli"]
    subprocess.run([*run, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run(
        [*run, "population", "generate", "--size", "200"], env=env, check=True, timeout=300
    )
    port = _free_port()
    server = subprocess.Popen(
        [*run, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/v1/ledger/tree-head", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        pin = json.loads(
            subprocess.run(
                [*run, "population", "sample", "--json"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[1]["personal_number"]
        request = urllib.request.Request(  # noqa: S310
            base + "/api/v1/sandbox/login",
            data=json.dumps({"personal_number": pin}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]  # noqa: S310
        state = tmp_path / "state.json"
        verifier = [
            sys.executable,
            str(ROOT / "tools" / "verify_ledger.py"),
            base,
            "--state",
            str(state),
        ]
        first = subprocess.run(verifier, capture_output=True, text=True, timeout=120, check=False)
        assert first.returncode == 0, first.stdout + first.stderr
        apply = urllib.request.Request(  # noqa: S310
            base + "/api/v1/applications",
            data=json.dumps({"service": "HOME-03", "answers": {}}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        urllib.request.urlopen(apply, timeout=10)  # noqa: S310
        subprocess.run([*run, "worker", "--once"], env=env, check=True, timeout=120)
        second = subprocess.run(verifier, capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 0, second.stdout + second.stderr
        assert json.loads(state.read_text())["tree_size"] > 0
    finally:
        server.terminate()
        server.wait(timeout=10)
