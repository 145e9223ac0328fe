"""The Merkle tree over ledger entries: sequencing, signed tree heads, proofs, verification.

Sequencing. ``ledger_append`` inserts an :class:`Entry` and a :class:`Pending` row inside the
caller's transaction. :func:`ledger_sequence` takes committed pending entries in ``Entry.id``
order, gives them the next contiguous leaf indexes, stores the new perfect-subtree nodes and
deletes their pending rows, all in one transaction that first takes a lock:

* PostgreSQL: ``pg_advisory_xact_lock`` (held to commit), so sequencers run one at a time; every
  statement after the lock sees what earlier sequencers committed (READ COMMITTED), hence the
  next index and the remaining pending rows are exact. An entry committed later, even with a
  smaller id, stays pending until the next run: never skipped; ``Leaf.entry`` is unique and
  ``Leaf.index`` the primary key, so it can never be sequenced twice or a leaf forked.
* SQLite: transactions begin IMMEDIATE (see settings), so writers are serialised anyway.

Each leaf adds on average one node (O(1) amortised, O(log n) worst case); roots and proofs read
O(log n) nodes, fetched in one query per level kind (see :func:`merkle.nodes_needed`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q

from kagazsyz.core.env import env_int
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.ledger import merkle
from kagazsyz.ledger.keys import ledger_key
from kagazsyz.ledger.models import Entry, Leaf, Node, Pending, TreeHead
from kagazsyz.ledger.services import canonical_json, leaf_hash

ADVISORY_LOCK_KEY = 0x6B61_6761_7A6C_6467  # "kagazldg": one sequencer at a time
MAX_ENTRIES_PER_CALL = 1000
SIGNED_LOG_ID = "kagazsyz-ledger/v1"


def sth_every_entries() -> int:
    return env_int("LEDGER_STH_EVERY_ENTRIES", 100, minimum=1)


def sth_every_seconds() -> int:
    return env_int("LEDGER_STH_EVERY_SECONDS", 60, minimum=0)


# --- errors -----------------------------------------------------------------------------------

BAD_SIZE = Message(
    ky="Дарактын өлчөмү {size} туура эмес: 1ден {current}ге чейин болушу керек.",
    ru="Недопустимый размер дерева {size}: допустимо от 1 до {current}.",
    en="Tree size {size} is out of range: it must be from 1 to {current}.",
)
BAD_INDEX = Message(
    ky="Жалбырак {index} өлчөмү {size} болгон даракта жок.",
    ru="Листа {index} нет в дереве размера {size}.",
    en="Leaf {index} is not in a tree of size {size}.",
)
BAD_PAIR = Message(
    ky="{first} жана {second} өлчөмдөрүнүн ортосунда далил жок: 1 ≤ first ≤ second ≤ {current}.",
    ru="Нет доказательства между размерами {first} и {second}: нужно 1 ≤ first ≤ second ≤ {current}.",
    en="No proof between sizes {first} and {second}: 1 ≤ first ≤ second ≤ {current} is required.",
)
BAD_RANGE = Message(
    ky="Жазуулардын аралыгы туура эмес: 0 ≤ start < end, эң көп {limit} жазуу.",
    ru="Неверный диапазон записей: 0 ≤ start < end, не более {limit} записей.",
    en="Bad range of entries: 0 ≤ start < end, at most {limit} entries.",
)
NO_ENTRY = Message(
    ky="Мындай журнал жазуусу жок же ал азырынча даракка кошула элек.",
    ru="Такой записи журнала нет, или она ещё не включена в дерево.",
    en="No such ledger entry, or it is not in the tree yet.",
)


def _error(code: str, message: Message, status: int = 400, **params: Any) -> DomainError:
    return DomainError(code, message.format(**params), status=status, details=params)


# --- stored nodes ---------------------------------------------------------------------------


def tree_size() -> int:
    """How many entries are integrated into the tree (sequenced leaves)."""
    last = Leaf.objects.aggregate(last=Max("index"))["last"]
    return 0 if last is None else int(last) + 1


def fetch_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored hashes of perfect subtrees (level 0: the leaves), in at most two queries."""
    keys = set(keys)
    found: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    if leaves:
        for index, value in Leaf.objects.filter(index__in=leaves).values_list("index", "leaf_hash"):
            found[(0, index)] = bytes.fromhex(value)
    inner = [key for key in keys if key[0] > 0]
    if inner:
        condition = Q()
        for level, index in inner:
            condition |= Q(level=level, index=index)
        for level, index, value in Node.objects.filter(condition).values_list(
            "level", "index", "hash"
        ):
            found[(level, index)] = bytes.fromhex(value)
    missing = keys - found.keys()
    if missing:
        raise RuntimeError(f"ledger tree nodes missing: {sorted(missing)[:5]}")
    return found


def _stored(compute: Any) -> Any:
    """Run ``compute(get_node)`` against stored nodes, read in one go."""
    nodes = fetch_nodes(merkle.nodes_needed(compute))
    return compute(lambda level, index: nodes[(level, index)])


def stored_root(size: int) -> bytes:
    return bytes(_stored(lambda get: merkle.tree_root(size, get)))


def _frontier(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees a tree of ``size`` leaves ends with, largest first."""
    keys, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


# --- sequencing -------------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def ledger_sequence(max_batch: int = 1000) -> int:
    """Integrate up to ``max_batch`` committed pending entries; sign a head when one is due.

    Returns how many entries were integrated. Safe to run from many processes at once.
    """
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    with transaction.atomic():
        _lock()
        size = tree_size()
        pending = list(
            Pending.objects.order_by("entry_id").values_list("entry_id", flat=True)[:max_batch]
        )
        if pending:
            _integrate(size, pending)
            size += len(pending)
        _maybe_sign(size)
    return len(pending)


def _integrate(size: int, entry_ids: list[int]) -> None:
    cache = fetch_nodes(_frontier(size))
    rows = dict(Entry.objects.filter(id__in=entry_ids).values_list("id", "canonical"))
    leaves: list[Leaf] = []
    nodes: list[Node] = []
    for entry_id in entry_ids:  # id order; the leaf order is this sequencing order
        value = bytes.fromhex(leaf_hash(rows[entry_id]))
        index, level = size + len(leaves), 0
        leaves.append(Leaf(index=index, entry_id=entry_id, leaf_hash=value.hex()))
        cache[(0, index)] = value
        while index & 1:
            value = merkle.node_hash(cache[(level, index - 1)], value)
            level, index = level + 1, index >> 1
            cache[(level, index)] = value
            nodes.append(Node(level=level, index=index, hash=value.hex()))
    Leaf.objects.bulk_create(leaves)
    Node.objects.bulk_create(nodes)
    Pending.objects.filter(entry_id__in=entry_ids).delete()


def signed_bytes(tree_size: int, root_hash: str, timestamp: int) -> bytes:
    """What a tree head's signature covers: canonical JSON (UTF-8) of the head's fields."""
    return canonical_json(
        {
            "log": SIGNED_LOG_ID,
            "root_hash": root_hash,
            "timestamp": timestamp,
            "tree_size": tree_size,
        }
    ).encode("utf-8")


def _maybe_sign(size: int) -> TreeHead | None:
    last = TreeHead.objects.order_by("-tree_size").first()
    now = int(time.time() * 1000)
    if last is not None:
        if size <= last.tree_size:
            return None
        fresh = size - last.tree_size < sth_every_entries()
        if fresh and now - last.timestamp < sth_every_seconds() * 1000:
            return None
        now = max(now, last.timestamp)
    root = stored_root(size).hex()
    key = ledger_key()
    signature = key.sign(signed_bytes(size, root, now)).hex()
    return TreeHead.objects.create(
        tree_size=size, root_hash=root, timestamp=now, signature=signature, key_id=key.key_id
    )


# --- reading ----------------------------------------------------------------------------------


def head_dict(head: TreeHead) -> dict[str, Any]:
    return {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": head.timestamp,
        "signature": head.signature,
        "key_id": head.key_id,
    }


def tree_head_latest() -> dict[str, Any]:
    """The newest signed tree head, after integrating what is pending (a head is signed when
    ``LEDGER_STH_EVERY_ENTRIES`` entries or ``LEDGER_STH_EVERY_SECONDS`` have passed)."""
    ledger_sequence()
    head = TreeHead.objects.order_by("-tree_size").first()
    assert head is not None  # the first sequencing signs a head, even of the empty tree
    return head_dict(head)


def ledger_public_key_pem() -> str:
    """The PEM (SubjectPublicKeyInfo) of the Ed25519 key that signs tree heads."""
    return ledger_key().public_pem


def _check_size(size: int, current: int) -> None:
    if not 1 <= size <= current:
        raise _error("ledger_bad_tree_size", BAD_SIZE, size=size, current=current)


def inclusion_proof(index: int, tree_size_: int) -> dict[str, Any]:
    current = tree_size()
    _check_size(tree_size_, current)
    if not 0 <= index < tree_size_:
        raise _error("ledger_bad_index", BAD_INDEX, index=index, size=tree_size_)
    path: list[bytes] = _stored(lambda get: merkle.inclusion_proof(index, tree_size_, get))
    leaf = Leaf.objects.values_list("leaf_hash", flat=True).get(index=index)
    return {
        "leaf_index": index,
        "tree_size": tree_size_,
        "leaf_hash": leaf,
        "audit_path": [node.hex() for node in path],
    }


def consistency_proof(first: int, second: int) -> dict[str, Any]:
    current = tree_size()
    if not 1 <= first <= second <= current:
        raise _error("ledger_bad_sizes", BAD_PAIR, first=first, second=second, current=current)
    proof: list[bytes] = _stored(lambda get: merkle.consistency_proof(first, second, get))
    return {"first": first, "second": second, "proof": [node.hex() for node in proof]}


def entries(start: int, end: int) -> list[dict[str, Any]]:
    """Leaves ``start`` to ``end - 1`` (half-open, at most 1000) with their canonical text."""
    if not 0 <= start < end or end - start > MAX_ENTRIES_PER_CALL:
        raise _error("ledger_bad_range", BAD_RANGE, limit=MAX_ENTRIES_PER_CALL)
    rows = (
        Leaf.objects.filter(index__gte=start, index__lt=end)
        .order_by("index")
        .values_list("index", "entry__canonical", "leaf_hash")
    )
    return [{"index": i, "canonical": c, "leaf_hash": h} for i, c, h in rows]


def leaf_index_for_entry(entry_id: int) -> int:
    """The leaf index of an entry (sequencing it first if it is still pending)."""
    for attempt in range(2):
        found = Leaf.objects.filter(entry_id=entry_id).values_list("index", flat=True).first()
        if found is not None:
            return int(found)
        if attempt == 0 and Pending.objects.filter(entry_id=entry_id).exists():
            while ledger_sequence() and not Leaf.objects.filter(entry_id=entry_id).exists():
                pass
    raise _error("ledger_no_entry", NO_ENTRY, status=404, entry_id=entry_id)
