"""The Merkle module against a literal transcription of RFC 9162 §2.1 and against pymerkle."""

from __future__ import annotations

import hashlib
import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import (  # type: ignore[import-untyped]
    InmemoryTree,
    verify_consistency,
    verify_inclusion,
)

from kagazsyz.ledger import merkle

MAX = 1000
DATA = [f"entry {i}".encode() for i in range(MAX)]


# --- the reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 word for word, over D[lo:hi] ------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:  # the largest power of two smaller than n
        k *= 2
    return k


@cache
def mth(lo: int, hi: int) -> bytes:
    n = hi - lo
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + DATA[lo])
    k = _k(n)
    return _h(b"\x01" + mth(lo, lo + k) + mth(lo + k, hi))


def path(m: int, lo: int, hi: int) -> list[bytes]:
    n = hi - lo
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, lo, lo + k), mth(lo + k, hi)]
    return [*path(m - k, lo + k, hi), mth(lo, lo + k)]


def subproof(m: int, lo: int, hi: int, b: bool) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if b else [mth(lo, hi)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, lo, lo + k, b), mth(lo + k, hi)]
    return [*subproof(m - k, lo + k, hi, False), mth(lo, lo + k)]


def proof(m: int, n: int) -> list[bytes]:
    return subproof(m, 0, n, True)


# --- the module under test ---------------------------------------------------------------------

TREE = merkle.MemoryTree([merkle.leaf_hash(d) for d in DATA])


def _samples(n: int, rng: random.Random, count: int) -> list[int]:
    return sorted({0, n - 1, n // 2, *(rng.randrange(n) for _ in range(count))})


def test_hashes_are_the_rfc_ones() -> None:
    assert merkle.leaf_hash(b"x") == _h(b"\x00x")
    assert merkle.node_hash(b"a", b"b") == _h(b"\x01ab")
    assert merkle.root([]) == _h(b"")


def test_every_size_to_1000_against_the_reference() -> None:
    rng = random.Random(9162)
    for n in range(1, MAX + 1):
        assert TREE.root(n) == mth(0, n), n
        indexes = range(n) if n <= 64 else _samples(n, rng, 4)
        for m in indexes:
            got = merkle.inclusion_proof(m, n, TREE.get_node)
            assert got == path(m, 0, n), (m, n)
            assert merkle.verify_inclusion(m, n, TREE.get_node(0, m), got, mth(0, n))
        firsts = range(1, n + 1) if n <= 64 else _samples(n, rng, 4)
        for m in firsts:
            m = max(m, 1)
            got = merkle.consistency_proof(m, n, TREE.get_node)
            assert got == (proof(m, n) if m < n else []), (m, n)
            assert merkle.verify_consistency(m, n, mth(0, m), mth(0, n), got), (m, n)


def test_roots_and_proofs_match_pymerkle() -> None:
    """pymerkle 7 with its defaults (sha256, security on) hashes exactly as RFC 9162:
    0x00 before leaves, 0x01 before nodes, splits at the largest power of two below n."""
    reference = InmemoryTree(algorithm="sha256")
    rng = random.Random(7)
    for n, data in enumerate(DATA, start=1):
        reference.append_entry(data)
        assert reference.get_root(n) == TREE.root(n), n
        if n % 7 == 0:
            m = rng.randrange(n)
            theirs = reference.prove_inclusion(m + 1, n)  # pymerkle counts leaves from 1
            ours = merkle.inclusion_proof(m, n, TREE.get_node)
            assert merkle.verify_inclusion(m, n, TREE.get_node(0, m), ours, TREE.root(n))
            assert {bytes(x) for x in ours} <= {bytes(x) for x in theirs.path}
            verify_inclusion(TREE.get_node(0, m), TREE.root(n), theirs)  # raises if invalid
            first = rng.randrange(1, n + 1)
            assert reference.get_root(first) == TREE.root(first)
            verify_consistency(
                TREE.root(first), TREE.root(n), reference.prove_consistency(first, n)
            )


def test_malformed_requests_are_refused() -> None:
    for index, size in [(-1, 3), (3, 3), (0, 0)]:
        with pytest.raises(merkle.ProofError):
            merkle.inclusion_proof(index, size, TREE.get_node)
    for first, second in [(0, 3), (4, 3)]:
        with pytest.raises(merkle.ProofError):
            merkle.consistency_proof(first, second, TREE.get_node)
    assert merkle.consistency_proof(5, 5, TREE.get_node) == []
    assert not merkle.verify_consistency(5, 5, TREE.root(5), TREE.root(5), [TREE.root(5)])
    assert not merkle.verify_consistency(3, 5, TREE.root(3), TREE.root(5), [])


def _flip(value: bytes, position: int) -> bytes:
    changed = bytearray(value)
    changed[position % len(changed)] ^= 1
    return bytes(changed)


sizes = st.integers(min_value=1, max_value=MAX)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=sizes)
def test_inclusion_proofs_verify_and_any_change_fails(data: st.DataObject, n: int) -> None:
    m = data.draw(st.integers(0, n - 1))
    leaf, root = TREE.get_node(0, m), TREE.root(n)
    audit = merkle.inclusion_proof(m, n, TREE.get_node)
    assert merkle.verify_inclusion(m, n, leaf, audit, root)
    byte = data.draw(st.integers(0, 31))
    assert not merkle.verify_inclusion(m, n, _flip(leaf, byte), audit, root)
    assert not merkle.verify_inclusion(m, n, leaf, audit, _flip(root, byte))
    if audit:
        at = data.draw(st.integers(0, len(audit) - 1))
        changed = [*audit[:at], _flip(audit[at], byte), *audit[at + 1 :]]
        assert not merkle.verify_inclusion(m, n, leaf, changed, root)
        assert not merkle.verify_inclusion(m, n, leaf, audit[:-1], root)
    assert not merkle.verify_inclusion(m, n, leaf, [*audit, root], root)
    other = data.draw(st.integers(0, n - 1).filter(lambda i: i != m) if n > 1 else st.just(m))
    if other != m:
        assert not merkle.verify_inclusion(other, n, leaf, audit, root)
    # a size is bound to its root by the signed head: the proof must fail against any other head
    other_size = data.draw(st.integers(m + 1, MAX).filter(lambda s: s != n))
    assert not merkle.verify_inclusion(m, other_size, leaf, audit, TREE.root(other_size))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=st.integers(2, MAX))
def test_consistency_proofs_verify_and_any_change_fails(data: st.DataObject, n: int) -> None:
    m = data.draw(st.integers(1, n - 1))
    first, second = TREE.root(m), TREE.root(n)
    consistency = merkle.consistency_proof(m, n, TREE.get_node)
    assert merkle.verify_consistency(m, n, first, second, consistency)
    byte = data.draw(st.integers(0, 31))
    assert not merkle.verify_consistency(m, n, _flip(first, byte), second, consistency)
    assert not merkle.verify_consistency(m, n, first, _flip(second, byte), consistency)
    at = data.draw(st.integers(0, len(consistency) - 1))
    changed = [*consistency[:at], _flip(consistency[at], byte), *consistency[at + 1 :]]
    assert not merkle.verify_consistency(m, n, first, second, changed)
    assert not merkle.verify_consistency(m, n, first, second, [*consistency, first])
    other = data.draw(st.integers(2, MAX).filter(lambda s: s not in (m, n)))
    assert not merkle.verify_consistency(other, n, TREE.root(other), second, consistency)
    assert not merkle.verify_consistency(m, other, first, TREE.root(other), consistency)
    assert not merkle.verify_consistency(m, n, second, first, consistency)
