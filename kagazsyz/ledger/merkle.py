"""RFC 9162 (Certificate Transparency 2.0) Merkle trees, in pure Python with no Django.

Hashes are 32-byte ``bytes`` (SHA-256). ``leaf_hash(d) = SHA-256(0x00 || d)`` and
``node_hash(l, r) = SHA-256(0x01 || l || r)``; the tree over n leaves splits at the largest
power of two smaller than n (RFC 9162 §2.1.1).

Stored trees are reached through ``get_node(level, index)``: the hash of the *perfect* subtree of
``2**level`` leaves starting at leaf ``index * 2**level`` (level 0: the leaf hashes). Any root and
any proof needs O(log n) such nodes; :func:`nodes_needed` lists them before they are fetched,
so a database can read them all in one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

GetNode = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """The sizes or indexes asked for do not describe a proof."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(start: int, size: int, get_node: GetNode) -> bytes:
    """MTH(D[start:start+size]) for a range that starts at a multiple of its left split."""
    if size <= 0:
        raise ProofError("an empty range has no subtree hash")
    if size & (size - 1) == 0:  # a perfect subtree: one stored node
        level = size.bit_length() - 1
        return get_node(level, start >> level)
    k = _split(size)
    return node_hash(
        get_node(k.bit_length() - 1, start >> (k.bit_length() - 1)),
        subtree_hash(start + k, size - k, get_node),
    )


def tree_root(size: int, get_node: GetNode) -> bytes:
    """MTH of the first ``size`` leaves of a stored tree."""
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, get_node)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf *hashes* (already ``leaf_hash``-ed), built bottom-up in O(n)."""
    if not leaves:
        return EMPTY_ROOT
    return tree_root(len(leaves), MemoryTree(leaves).get_node)


def inclusion_proof(index: int, size: int, get_node: GetNode) -> list[bytes]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), nearest sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, m, n = 0, index, size
    while n > 1:
        k = _split(n)
        if m < k:
            path.append(subtree_hash(start + k, n - k, get_node))
            n = k
        else:
            path.append(subtree_hash(start, k, get_node))
            start, m, n = start + k, m - k, n - k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, get_node: GetNode) -> list[bytes]:
    """PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1); empty when first == second."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    path: list[bytes] = []
    start, m, n, whole = 0, first, second, True
    while m != n:
        k = _split(n)
        if m <= k:
            path.append(subtree_hash(start + k, n - k, get_node))
            n = k
        else:
            path.append(subtree_hash(start, k, get_node))
            start, m, n, whole = start + k, m - k, n - k, False
    if not whole:
        path.append(subtree_hash(start, n, get_node))
    path.reverse()
    return path


def nodes_needed(compute: Callable[[GetNode], object]) -> set[tuple[int, int]]:
    """The (level, index) nodes ``compute`` reads; which ones never depends on their hashes."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return bytes(32)

    compute(record)
    return seen


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2, step by step (first == second: an empty proof and equal roots)."""
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
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class MemoryTree:
    """Every perfect-subtree hash of a list of leaf hashes, kept level by level."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the new perfect nodes above level 0 as (level, index, hash)."""
        made: list[tuple[int, int, bytes]] = []
        index, level, value = len(self.levels[0]), 0, leaf
        self.levels[0].append(leaf)
        while index & 1:
            value = node_hash(self.levels[level][index - 1], value)
            level, index = level + 1, index >> 1
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(value)
            made.append((level, index, value))
        return made

    def get_node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return tree_root(self.size if size is None else size, self.get_node)
