#!/usr/bin/env python3
"""Check the Kagazsyz ledger from outside: nothing but HTTP, the standard library and ``cryptography``.

    python tools/verify_ledger.py https://kagazsyz.example.kg --state ledger-state.json

1. fetches the latest signed tree head and the log's public key, checks the key id and the
   signature over the documented bytes (see docs/ledger.md);
2. fetches the entries (all of them the first time, then only those added since the saved head;
   at most ``--max-entries``), recomputes every leaf hash from the canonical text, and, when the
   fetch starts at leaf 0, the whole tree's root, which must equal the signed root;
3. checks inclusion proofs for a sample of the fetched entries against the signed root;
4. checks that the saved head (``--state``) is a prefix of the new one (consistency proof), then
   saves the new head. A log that rewrote or forked its history fails here.

Exit status: 0 all checks passed, 1 a check failed, 2 the log could not be read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

LOG_ID = "kagazsyz-ledger/v1"
PAGE = 1000


class Unreadable(Exception):
    """The log did not answer as documented."""


# --- RFC 9162 ------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, folding perfect subtrees left to right (RFC 9162 §2.1.1)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    for leaf in leaves:
        size, value = 1, leaf
        while stack and stack[-1][0] == size:
            left = stack.pop()[1]
            size, value = size * 2, node_hash(left, value)
        stack.append((size, value))
    value = stack.pop()[1]
    while stack:
        value = node_hash(stack.pop()[1], value)
    return value


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (equal sizes: an empty proof and equal roots)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if not path:
        return False
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# --- the signed tree head ---------------------------------------------------------------------


def signed_bytes(head: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, no spaces, UTF-8) of the fields the signature covers."""
    body = {
        "log": LOG_ID,
        "root_hash": head["root_hash"],
        "timestamp": head["timestamp"],
        "tree_size": head["tree_size"],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(pem: str) -> str:
    public = serialization.load_pem_public_key(pem.encode("ascii"))
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()[:16]


def signature_ok(pem: str, head: dict[str, Any]) -> bool:
    public = serialization.load_pem_public_key(pem.encode("ascii"))
    try:
        signature = bytes.fromhex(head["signature"])
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, signed_bytes(head))
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, signed_bytes(head), ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


# --- HTTP -----------------------------------------------------------------------------------------


class Log:
    def __init__(self, base: str, timeout: float) -> None:
        self.base = base.rstrip("/") + "/api/v1/ledger"
        self.timeout = timeout

    def _get(self, path: str, **params: int) -> bytes:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        if not url.startswith(("http://", "https://")):
            raise Unreadable(f"not an HTTP URL: {url}")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
                return bytes(response.read())
        except (urllib.error.URLError, OSError) as exc:
            raise Unreadable(f"GET {url}: {exc}") from exc

    def json(self, path: str, **params: int) -> Any:
        try:
            return json.loads(self._get(path, **params))
        except ValueError as exc:
            raise Unreadable(f"{path}: not JSON: {exc}") from exc

    def public_key(self) -> str:
        return self._get("/public-key").decode("ascii")


# --- the checks -----------------------------------------------------------------------------------


class Checker:
    def __init__(self, out: Any) -> None:
        self.failures = 0
        self.out = out

    def check(self, ok: bool, text: str) -> bool:
        self.out.write(f"  [{'ok' if ok else 'FAIL'}] {text}\n")
        self.failures += 0 if ok else 1
        return ok


def run(args: argparse.Namespace, out: Any) -> int:
    log = Log(args.base, args.timeout)
    checker = Checker(out)
    head = log.json("/tree-head")
    pem = log.public_key()
    size, root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
    out.write(f"Tree head: size {size}, root {head['root_hash']}, timestamp {head['timestamp']}\n")
    kid = key_id(pem)
    checker.check(kid == head["key_id"], f"head names the published key {kid}")
    if args.key_id:
        checker.check(kid == args.key_id, f"published key is the pinned key {args.key_id}")
    checker.check(signature_ok(pem, head), "tree head signature")

    state_path = Path(args.state) if args.state else None
    saved: dict[str, Any] | None = None
    if state_path is not None and state_path.exists():
        saved = json.loads(state_path.read_text(encoding="utf-8"))
    start = 0 if args.all or saved is None else min(int(saved["tree_size"]), size)
    if size - start > args.max_entries:
        start = size - args.max_entries
        out.write(f"  (checking only the last {args.max_entries} entries)\n")
    fetched: list[tuple[int, bytes]] = []
    bad_hashes = 0
    for page in range(start, size, PAGE):
        rows = log.json("/entries", start=page, end=min(page + PAGE, size))
        for offset, row in enumerate(rows):
            expected_index = page + offset
            value = leaf_hash(row["canonical"].encode("utf-8"))
            if row["index"] != expected_index or value.hex() != row["leaf_hash"]:
                bad_hashes += 1
                if bad_hashes <= 5:
                    checker.check(False, f"entry {expected_index}: leaf hash of its text")
            fetched.append((expected_index, value))
    checker.check(
        len(fetched) == size - start and not bad_hashes,
        f"{len(fetched)} entries [{start}, {size}) fetched, leaf hashes recomputed",
    )
    if start == 0 and fetched:
        checker.check(merkle_root([v for _, v in fetched]) == root, "root rebuilt from all entries")
    sample = (
        fetched
        if len(fetched) <= args.proofs
        else [
            fetched[0],
            fetched[-1],
            *random.sample(fetched, args.proofs - 2),
        ]
    )
    proved = 0
    for index, value in sample:
        proof = log.json("/proof/inclusion", index=index, tree_size=size)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        if verify_inclusion(index, size, value, path, root) and proof["leaf_hash"] == value.hex():
            proved += 1
        else:
            checker.check(False, f"inclusion proof of entry {index}")
    checker.check(proved == len(sample), f"{proved} inclusion proofs against the signed root")

    if saved is not None:
        old_size, old_root = int(saved["tree_size"]), bytes.fromhex(saved["root_hash"])
        if old_size > size:
            checker.check(False, f"log shrank from {old_size} to {size} entries")
        elif old_size == 0:
            checker.check(True, "saved head was the empty tree")
        else:
            proof = log.json("/proof/consistency", first=old_size, second=size)
            path = [bytes.fromhex(h) for h in proof["proof"]]
            checker.check(
                verify_consistency(old_size, size, old_root, root, path),
                f"consistent with the saved head of size {old_size}",
            )
    if checker.failures:
        out.write(f"FAILED: {checker.failures} check(s) failed; state not updated\n")
        return 1
    if state_path is not None:
        state_path.write_text(json.dumps(head, indent=2) + "\n", encoding="utf-8")
    out.write("OK: the log is consistent and the entries are in it\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base", help="the platform's base URL, e.g. https://kagazsyz.example.kg")
    parser.add_argument("--state", help="JSON file keeping the last verified head")
    parser.add_argument("--all", action="store_true", help="fetch every entry, not only new ones")
    parser.add_argument("--max-entries", type=int, default=100_000)
    parser.add_argument("--proofs", type=int, default=20, help="inclusion proofs to check")
    parser.add_argument("--key-id", help="expected key id (pin it after the first run)")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    args.proofs = max(args.proofs, 2)
    try:
        return run(args, sys.stdout)
    except (Unreadable, KeyError, TypeError, ValueError) as exc:
        sys.stdout.write(f"ERROR: the log could not be read as documented: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
