"""Ledger benchmarks: appends, sequencing, and proofs at a million leaves beside pymerkle.

``ledger_benchmark()`` needs Django set up (bench/run.py does it); ``python bench/ledger.py``
runs it alone on a fresh temporary SQLite database (or DATABASE_URL).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, transaction

Row = tuple[str, float, str, str]
MILLION = 1_000_000


def _rate(action: Callable[[], object], *, seconds: float = 2.0, minimum: int = 20) -> float:
    action()
    count, start = 0, time.perf_counter()
    while count < minimum or time.perf_counter() - start < seconds:
        action()
        count += 1
    return count / (time.perf_counter() - start)


def _mean_seconds(action: Callable[[int], object], runs: int) -> float:
    start = time.perf_counter()
    for n in range(runs):
        action(n)
    return (time.perf_counter() - start) / runs


def _append_rows() -> list[Row]:
    from kagazsyz.ledger.services import ledger_append

    payload = {"application": "APP-2026-000001", "status": "issued", "agency": "GNS"}

    def single() -> None:
        with transaction.atomic():
            ledger_append(kind="bench.event", payload=payload)

    def batch() -> None:
        with transaction.atomic():
            for _ in range(100):
                ledger_append(kind="bench.event", payload=payload)

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_plain (id INTEGER PRIMARY KEY, body TEXT)")
    serial = iter(range(1, 10**9))

    def raw_single() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain VALUES (%s, %s)", [next(serial), "x" * 120])

    def raw_batch() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_plain VALUES (%s, %s)",
                [(next(serial), "x" * 120) for _ in range(100)],
            )

    return [
        ("ledger appends, one per transaction", _rate(single), "/s", "this platform"),
        (
            "ledger appends, 100 per transaction",
            100 * _rate(batch, minimum=5),
            "/s",
            "this platform",
        ),
        ("raw INSERTs, one per transaction (baseline)", _rate(raw_single), "/s", "same database"),
        (
            "raw INSERTs, 100 per transaction (baseline)",
            100 * _rate(raw_batch, minimum=5),
            "/s",
            "same database",
        ),
    ]


def _sequencing_rows() -> list[Row]:
    from kagazsyz.ledger import tree
    from kagazsyz.ledger.models import Pending

    pending = Pending.objects.count()
    start = time.perf_counter()
    while tree.ledger_sequence(max_batch=1000):
        pass
    elapsed = time.perf_counter() - start
    size = tree.tree_size()
    rng = random.Random(1)
    proof = _mean_seconds(lambda _: tree.inclusion_proof(rng.randrange(size), size), 200)
    consistency = _mean_seconds(lambda _: tree.consistency_proof(rng.randrange(1, size), size), 200)
    return [
        ("sequencing (integrate + nodes + signed heads)", pending / elapsed, "/s", "entries"),
        (f"inclusion proof from stored nodes, {size} leaves", proof * 1e3, "ms", "2 queries"),
        (
            f"consistency proof from stored nodes, {size} leaves",
            consistency * 1e3,
            "ms",
            "2 queries",
        ),
    ]


def _million_rows() -> list[Row]:
    """1,000,000 leaves in memory: this module beside pymerkle (the stored-node tree is timed at
    the size the sequencing benchmark reached; its proofs read O(log n) nodes in 2 queries)."""
    from pymerkle import InmemoryTree  # type: ignore[import-untyped]

    from kagazsyz.ledger import merkle

    data = [f"entry {i}".encode() for i in range(MILLION)]
    start = time.perf_counter()
    ours = merkle.MemoryTree([merkle.leaf_hash(d) for d in data])
    built = time.perf_counter() - start
    start = time.perf_counter()
    theirs = InmemoryTree(algorithm="sha256")
    for item in data:
        theirs.append_entry(item)
    their_build = time.perf_counter() - start
    assert theirs.get_root(MILLION) == ours.root()
    rng = random.Random(2)
    indexes = [rng.randrange(MILLION) for _ in range(2000)]
    firsts = [rng.randrange(1, MILLION) for _ in range(2000)]
    path = merkle.inclusion_proof(indexes[0], MILLION, ours.get_node)
    consistency = merkle.consistency_proof(firsts[0], MILLION, ours.get_node)
    our_inclusion = _mean_seconds(
        lambda n: merkle.inclusion_proof(indexes[n], MILLION, ours.get_node), 2000
    )
    their_inclusion = _mean_seconds(lambda n: theirs.prove_inclusion(indexes[n] + 1, MILLION), 2000)
    our_consistency = _mean_seconds(
        lambda n: merkle.consistency_proof(firsts[n], MILLION, ours.get_node), 2000
    )
    their_consistency = _mean_seconds(lambda n: theirs.prove_consistency(firsts[n], MILLION), 2000)
    root = ours.root()
    verify = _mean_seconds(
        lambda n: merkle.verify_inclusion(
            indexes[0], MILLION, ours.get_node(0, indexes[0]), path, root
        ),
        2000,
    )
    return [
        ("1M-leaf tree built in memory", built, "s", "this module"),
        ("1M-leaf tree built in memory", their_build, "s", "pymerkle 7"),
        ("inclusion proof at 1M leaves", our_inclusion * 1e6, "µs", "this module"),
        ("inclusion proof at 1M leaves", their_inclusion * 1e6, "µs", "pymerkle 7"),
        ("inclusion proof size at 1M leaves", len(path) * 32, "B", f"{len(path)} hashes"),
        ("consistency proof at 1M leaves", our_consistency * 1e6, "µs", "this module"),
        ("consistency proof at 1M leaves", their_consistency * 1e6, "µs", "pymerkle 7"),
        (
            "consistency proof size at 1M leaves",
            len(consistency) * 32,
            "B",
            f"{len(consistency)} hashes",
        ),
        ("inclusion proof verification at 1M leaves", verify * 1e6, "µs", "RFC 9162 §2.1.3.2"),
    ]


def _stored_million_rows() -> list[Row]:
    """Grow the stored tree to 1M leaves with raw bulk INSERTs (entries, leaves, nodes made by
    the in-memory tree: the same hashes the sequencer stores), then time proofs from the DB."""
    from django.utils import timezone

    from kagazsyz.ledger import merkle, tree
    from kagazsyz.ledger.models import Leaf
    from kagazsyz.ledger.services import canonical_json, leaf_hash

    size = tree.tree_size()
    hashes = Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    memory = merkle.MemoryTree([bytes.fromhex(h) for h in hashes])
    start = time.perf_counter()
    now = timezone.now().isoformat()
    chunk = 20_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_entry")
        next_id = int(cursor.fetchone()[0]) + 1
    for base in range(size, MILLION, chunk):
        entries, leaves, nodes = [], [], []
        for index in range(base, min(base + chunk, MILLION)):
            text = canonical_json({"kind": "bench.bulk", "at": now, "n": index})
            value = leaf_hash(text)
            entries.append((next_id, "bench.bulk", text, value, now))
            leaves.append((index, next_id, value))
            nodes += [(lv, ix, h.hex()) for lv, ix, h in memory.append(bytes.fromhex(value))]
            next_id += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO ledger_entry (id, kind, canonical, leaf_hash, created_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                entries,
            )
            cursor.executemany(
                'INSERT INTO ledger_leaf ("index", entry_id, leaf_hash) VALUES (%s, %s, %s)',
                leaves,
            )
            cursor.executemany(
                'INSERT INTO ledger_node (level, "index", hash) VALUES (%s, %s, %s)', nodes
            )
    filled = time.perf_counter() - start
    assert tree.stored_root(MILLION) == memory.root()
    rng = random.Random(3)
    proof = _mean_seconds(lambda _: tree.inclusion_proof(rng.randrange(MILLION), MILLION), 500)
    consistency = _mean_seconds(
        lambda _: tree.consistency_proof(rng.randrange(1, MILLION), MILLION), 500
    )
    return [
        ("stored tree grown to 1M leaves by bulk INSERT (setup)", filled, "s", "raw SQL"),
        ("inclusion proof from stored nodes, 1M leaves", proof * 1e3, "ms", "2 queries"),
        ("consistency proof from stored nodes, 1M leaves", consistency * 1e3, "ms", "2 queries"),
    ]


def ledger_benchmark(*, stored_million: bool = True) -> list[Row]:
    rows = _append_rows() + _sequencing_rows() + _million_rows()
    return rows + (_stored_million_rows() if stored_million else [])


if __name__ == "__main__":
    from django.core.management import call_command

    import bench.run  # noqa: F401  (sets Django up on a temporary database)

    call_command("migrate", verbosity=0)
    rows = ledger_benchmark()
    print(f"\nLedger benchmarks ({connection.vendor})\n")
    for name, value, unit, what in rows:
        print(f"| {name:<58} | {value:>12.1f} | {unit:<3} | {what:<18} |")
