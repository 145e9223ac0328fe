"""Recompute the whole ledger from the stored canonical texts and compare with everything stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from kagazsyz.ledger import merkle
from kagazsyz.ledger.keys import ledger_key
from kagazsyz.ledger.models import Entry, Leaf, Node, Pending, TreeHead
from kagazsyz.ledger.services import leaf_hash
from kagazsyz.ledger.tree import signed_bytes

CHUNK = 5000
MISSING = bytes(32)  # stands in for a missing leaf so later checks still run


@dataclass
class Fault:
    index: int | None  # the first leaf index concerned, when one is known
    text: str

    def __str__(self) -> str:
        where = "" if self.index is None else f"index {self.index}: "
        return where + self.text


@dataclass
class Report:
    tree_size: int = 0
    nodes: int = 0
    heads: int = 0
    pending: int = 0
    faults: list[Fault] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    @property
    def first_bad_index(self) -> int | None:
        indexes = [fault.index for fault in self.faults if fault.index is not None]
        return min(indexes) if indexes else None


def ledger_verify() -> Report:
    report = Report()
    tree = _check_leaves(report)
    _check_nodes(tree, report, {f.index for f in report.faults if f.index is not None})
    _check_heads(tree, report)
    orphans = Entry.objects.filter(leaf__isnull=True, pending__isnull=True).values_list(
        "id", flat=True
    )
    for entry_id in orphans[:20]:
        report.faults.append(Fault(None, f"entry #{entry_id} is neither in the tree nor queued"))
    report.pending = Pending.objects.count()
    return report


def _check_leaves(report: Report) -> merkle.MemoryTree:
    """Leaves must be 0, 1, 2, ... each bound to a distinct entry whose text hashes to it."""
    tree = merkle.MemoryTree()
    seen: set[int] = set()
    last = -1
    while True:
        rows = list(
            Leaf.objects.filter(index__gt=last)
            .order_by("index")
            .values_list("index", "entry_id", "leaf_hash")[:CHUNK]
        )
        if not rows:
            break
        texts = dict(
            Entry.objects.filter(id__in=[r[1] for r in rows]).values_list("id", "canonical")
        )
        stored_hashes = dict(
            Entry.objects.filter(id__in=[r[1] for r in rows]).values_list("id", "leaf_hash")
        )
        for index, entry_id, stored in rows:
            while tree.size < index:
                report.faults.append(Fault(tree.size, "leaf missing (gap in the indexes)"))
                tree.append(MISSING)
            text = texts.get(entry_id)
            if text is None:
                report.faults.append(Fault(index, f"entry #{entry_id} of this leaf is missing"))
                tree.append(MISSING)
                continue
            value = leaf_hash(text)
            if entry_id in seen:
                report.faults.append(Fault(index, f"entry #{entry_id} is in the tree twice"))
            seen.add(entry_id)
            if value != stored:
                report.faults.append(Fault(index, "leaf hash differs from the entry's text"))
            elif value != stored_hashes[entry_id]:
                report.faults.append(Fault(index, f"entry #{entry_id}'s stored hash is wrong"))
            tree.append(bytes.fromhex(value))
        last = rows[-1][0]
    report.tree_size = tree.size
    return tree


def _check_nodes(tree: merkle.MemoryTree, report: Report, bad_leaves: set[int]) -> None:
    """Every stored node must equal the rebuilt one, and none may be missing.

    A node above a bad leaf or a differing node differs as a consequence and is not reported
    again, so a fault names the smallest range that differs: a stored node of level L localises
    a changed leaf to its 2**L leaves (level 1 for a row inserted with a valid hash).
    """
    counts: dict[int, int] = {}
    dirty = {(0, index) for index in bad_leaves}
    for level, index, value in (
        Node.objects.order_by("level", "index")
        .values_list("level", "index", "hash")
        .iterator(chunk_size=CHUNK)
    ):
        report.nodes += 1
        counts[level] = counts.get(level, 0) + 1
        first = index << level
        if level >= len(tree.levels) or index >= len(tree.levels[level]):
            report.faults.append(Fault(first, f"node {level}/{index} lies beyond the tree"))
        elif tree.levels[level][index].hex() != value:
            dirty.add((level, index))
            if (level - 1, 2 * index) in dirty or (level - 1, 2 * index + 1) in dirty:
                continue
            report.faults.append(
                Fault(
                    first,
                    f"node {level}/{index} (leaves {first}..{first + (1 << level) - 1}) differs",
                )
            )
    for level in range(1, len(tree.levels)):
        if counts.get(level, 0) < len(tree.levels[level]):
            report.faults.append(Fault(None, f"stored nodes of level {level} are missing"))


def _check_heads(tree: merkle.MemoryTree, report: Report) -> None:
    """Each head: root of the rebuilt tree, a valid signature, consistent with the previous."""
    key = ledger_key()
    previous: TreeHead | None = None
    for head in TreeHead.objects.order_by("tree_size").iterator(chunk_size=CHUNK):
        report.heads += 1
        label = f"tree head of size {head.tree_size}"
        if head.tree_size > tree.size:
            report.faults.append(Fault(tree.size, f"{label} covers leaves that are missing"))
            continue
        if tree.root(head.tree_size).hex() != head.root_hash:
            report.faults.append(Fault(None, f"{label}: root differs from the rebuilt tree"))
        data = signed_bytes(head.tree_size, head.root_hash, head.timestamp)
        if head.key_id != key.key_id:
            report.faults.append(Fault(None, f"{label}: signed by unknown key {head.key_id}"))
        elif not _signature_ok(key.verify, head.signature, data):
            report.faults.append(Fault(None, f"{label}: bad signature"))
        if previous is not None and previous.tree_size > 0:
            if head.timestamp < previous.timestamp:
                report.faults.append(Fault(None, f"{label}: timestamp goes back in time"))
            proof = merkle.consistency_proof(previous.tree_size, head.tree_size, tree.get_node)
            if not merkle.verify_consistency(
                previous.tree_size,
                head.tree_size,
                bytes.fromhex(previous.root_hash),
                bytes.fromhex(head.root_hash),
                proof,
            ):
                report.faults.append(
                    Fault(None, f"{label} is not consistent with size {previous.tree_size}")
                )
        previous = head


def _signature_ok(verify: object, signature: str, data: bytes) -> bool:
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return False
    assert callable(verify)
    return bool(verify(raw, data))
