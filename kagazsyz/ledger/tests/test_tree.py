"""Sequencing, signed tree heads, proofs from stored nodes, and ``ledger verify`` vs. tampering."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kagazsyz.core.errors import DomainError
from kagazsyz.ledger import merkle, tree
from kagazsyz.ledger.models import Entry, Leaf, Node, Pending, TreeHead
from kagazsyz.ledger.services import leaf_hash, ledger_append
from kagazsyz.ledger.verify import ledger_verify

pytestmark = pytest.mark.django_db

ENTRY_TRIGGERS = importlib.import_module("kagazsyz.ledger.migrations.0002_append_only")
TREE_TRIGGERS = importlib.import_module("kagazsyz.ledger.migrations.0004_tree_append_only")


def _append(count: int, tag: str = "t") -> list[Entry]:
    with transaction.atomic():
        return [ledger_append(kind="test.tree", payload={"tag": tag, "n": n}) for n in range(count)]


def _sequence_all() -> None:
    while tree.ledger_sequence(max_batch=37):
        pass


def _memory_tree() -> merkle.MemoryTree:
    hashes = Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    return merkle.MemoryTree([bytes.fromhex(h) for h in hashes])


def test_sequencing_gives_contiguous_leaves_in_id_order(monkeypatch) -> None:
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "10")
    before = tree.tree_size()
    entries = _append(95)
    assert Pending.objects.filter(entry__in=entries).count() == 95
    _sequence_all()
    size = tree.tree_size()
    assert not Pending.objects.exists()
    assert list(Leaf.objects.order_by("index").values_list("index", flat=True)) == list(range(size))
    ours = list(Leaf.objects.filter(entry__in=entries).order_by("index"))
    assert [leaf.entry_id for leaf in ours] == [e.pk for e in entries]
    assert ours[-1].index == size - 1 and size - before >= 95
    assert all(
        leaf.leaf_hash == leaf_hash(e.canonical) for leaf, e in zip(ours, entries, strict=True)
    )
    memory = _memory_tree()
    assert Node.objects.count() == sum(len(level) for level in memory.levels[1:])
    for head in TreeHead.objects.all():
        assert head.root_hash == memory.root(head.tree_size).hex()
    assert tree.ledger_sequence() == 0


def test_proofs_from_stored_nodes_verify(monkeypatch) -> None:
    _append(70)
    head = tree.tree_head_latest()
    _sequence_all()
    size = tree.tree_size()
    memory = _memory_tree()
    for n in sorted({1, 2, 3, size // 2, size - 1, size, head["tree_size"]} - {0}):
        root = memory.root(n)
        assert tree.stored_root(n) == root
        for index in sorted({0, n // 3, n - 1}):
            proof = tree.inclusion_proof(index, n)
            assert proof["leaf_index"] == index and proof["tree_size"] == n
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            assert path == merkle.inclusion_proof(index, n, memory.get_node)
            assert merkle.verify_inclusion(index, n, bytes.fromhex(proof["leaf_hash"]), path, root)
        for first in sorted({1, n // 2 or 1, n}):
            answer = tree.consistency_proof(first, n)
            path = [bytes.fromhex(h) for h in answer["proof"]]
            assert merkle.verify_consistency(first, n, memory.root(first), root, path)


def test_tree_heads_are_signed_with_the_published_key(monkeypatch) -> None:
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "5")
    _append(12)
    head = tree.tree_head_latest()
    assert head["tree_size"] == tree.tree_size()
    public = load_pem_public_key(tree.ledger_public_key_pem().encode())
    assert isinstance(public, ed25519.Ed25519PublicKey)
    data = tree.signed_bytes(head["tree_size"], head["root_hash"], head["timestamp"])
    assert data.startswith(b'{"log":"kagazsyz-ledger/v1","root_hash":"')
    public.verify(bytes.fromhex(head["signature"]), data)
    assert len(head["key_id"]) == 16 and head["root_hash"] == head["root_hash"].lower()


def test_heads_wait_for_enough_entries_or_time(monkeypatch) -> None:
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "1000")
    monkeypatch.setenv("LEDGER_STH_EVERY_SECONDS", "3600")
    tree.tree_head_latest()
    heads = TreeHead.objects.count()
    _append(3)
    tree.ledger_sequence()
    assert TreeHead.objects.count() == heads
    monkeypatch.setenv("LEDGER_STH_EVERY_SECONDS", "0")
    assert tree.tree_head_latest()["tree_size"] == tree.tree_size()
    assert TreeHead.objects.count() == heads + 1


def test_reads_and_their_errors() -> None:
    entries = _append(5)
    tree.ledger_sequence()
    size = tree.tree_size()
    index = tree.leaf_index_for_entry(entries[2].pk)
    rows = tree.entries(index, index + 1)
    assert rows == [
        {"index": index, "canonical": entries[2].canonical, "leaf_hash": entries[2].leaf_hash}
    ]
    assert [r["index"] for r in tree.entries(max(0, size - 3), size + 50)] == list(
        range(max(0, size - 3), size)
    )
    late = _append(1)[0]
    assert tree.leaf_index_for_entry(late.pk) == size  # sequenced on demand
    size += 1
    bad: list[Callable[[], object]] = [
        lambda: tree.inclusion_proof(0, size + 1),
        lambda: tree.inclusion_proof(0, 0),
        lambda: tree.inclusion_proof(size, size),
        lambda: tree.inclusion_proof(-1, size),
        lambda: tree.consistency_proof(0, size),
        lambda: tree.consistency_proof(2, 1),
        lambda: tree.consistency_proof(1, size + 1),
        lambda: tree.entries(5, 5),
        lambda: tree.entries(-1, 3),
        lambda: tree.entries(0, 1001),
    ]
    for call in bad:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.status == 400
        assert all(caught.value.message.as_dict().values())
    with pytest.raises(DomainError) as missing:
        tree.leaf_index_for_entry(10**12)
    assert missing.value.status == 404


def test_the_sequencing_task_is_registered() -> None:
    from kagazsyz.tasks.registry import task_spec
    from kagazsyz.tasks.services import task_enqueue
    from kagazsyz.tasks.worker import run_until_empty

    assert task_spec("ledger.sequence").name == "ledger.sequence"
    _append(3)
    with transaction.atomic():
        task_enqueue("ledger.sequence", dedupe_key="ledger.sequence")
    run_until_empty()
    assert not Pending.objects.exists()


def test_the_tree_tables_refuse_rewrites() -> None:
    _append(2)
    tree.tree_head_latest()
    for statement in [
        "UPDATE ledger_leaf SET leaf_hash = 'x'",
        "DELETE FROM ledger_node",
        "UPDATE ledger_treehead SET root_hash = 'x'",
        "DELETE FROM ledger_leaf",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


# --- tampering behind the platform's back -------------------------------------------------------


@contextmanager
def _triggers_off() -> Iterator[None]:
    """Drop the append-only triggers (SQLite) or switch them off (PostgreSQL), then restore.

    PostgreSQL: ``session_replication_role = replica`` disables the user triggers *and* the
    foreign-key triggers for this transaction only, without DDL (ALTER TABLE ... DISABLE
    TRIGGER refuses while deferred foreign-key checks of this test's inserts are pending).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            for statement in ENTRY_TRIGGERS.SQLITE_REVERSE + TREE_TRIGGERS.REVERSE["sqlite"]:
                cursor.execute(statement)
            cursor.execute("PRAGMA defer_foreign_keys = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
            else:
                for statement in ENTRY_TRIGGERS.SQLITE + TREE_TRIGGERS.FORWARD["sqlite"][1:]:
                    cursor.execute(statement)


def _execute(sql: str, params: list[str | int] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def log(monkeypatch) -> list[Leaf]:
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "4")
    entries = _append(40, tag="tamper")
    _sequence_all()
    tree.tree_head_latest()
    call_command("ledger", "verify")  # sound before the tampering
    assert ledger_verify().ok
    return list(Leaf.objects.filter(entry__in=entries).order_by("index"))


def _expect_fault_at(index: int) -> None:
    report = ledger_verify()
    assert report.first_bad_index == index, [str(f) for f in report.faults]
    with pytest.raises(CommandError, match=f"first bad index {index}$"):
        call_command("ledger", "verify")


def test_verify_names_a_changed_text(log: list[Leaf]) -> None:
    target = log[13]
    with _triggers_off():
        _execute(
            "UPDATE ledger_entry SET canonical = %s WHERE id = %s",
            ['{"forged":1}', target.entry_id],
        )
    _expect_fault_at(target.index)


def test_verify_names_a_deleted_row(log: list[Leaf]) -> None:
    target = log[21]
    with _triggers_off():
        _execute('DELETE FROM ledger_leaf WHERE "index" = %s', [target.index])
        _execute("DELETE FROM ledger_entry WHERE id = %s", [target.entry_id])
    _expect_fault_at(target.index)


def test_verify_names_a_deleted_entry_whose_leaf_stays(log: list[Leaf]) -> None:
    target = log[30]
    entry = Entry.objects.get(pk=target.entry_id)
    with _triggers_off():
        _execute("DELETE FROM ledger_entry WHERE id = %s", [target.entry_id])
    _expect_fault_at(target.index)
    entry.save(force_insert=True)  # the foreign keys are checked when the test ends


def test_verify_names_swapped_rows(log: list[Leaf]) -> None:
    a, b = log[7], log[19]
    with _triggers_off():
        _execute('UPDATE ledger_leaf SET entry_id = %s WHERE "index" = %s', [-1, a.index])
        _execute('UPDATE ledger_leaf SET entry_id = %s WHERE "index" = %s', [a.entry_id, b.index])
        _execute('UPDATE ledger_leaf SET entry_id = %s WHERE "index" = %s', [b.entry_id, a.index])
    _expect_fault_at(a.index)


def test_verify_names_swapped_texts_even_with_their_hashes(log: list[Leaf]) -> None:
    a, b = log[8], log[9]
    first, second = Entry.objects.get(pk=a.entry_id), Entry.objects.get(pk=b.entry_id)
    with _triggers_off():
        for entry, other in [(first, second), (second, first)]:
            _execute(
                "UPDATE ledger_entry SET canonical = %s, leaf_hash = %s WHERE id = %s",
                [other.canonical, other.leaf_hash, entry.pk],
            )
        for leaf, other_leaf in [(a, b), (b, a)]:
            _execute(
                'UPDATE ledger_leaf SET leaf_hash = %s WHERE "index" = %s',
                [other_leaf.leaf_hash, leaf.index],
            )
    _expect_fault_at(a.index)  # the stored node over leaves 8..9 no longer matches


def test_verify_names_an_inserted_row(log: list[Leaf]) -> None:
    target = log[10] if log[10].index % 2 == 0 else log[11]
    with transaction.atomic():
        forged = Entry.objects.create(
            kind="forged",
            canonical='{"kind":"forged"}',
            leaf_hash=leaf_hash('{"kind":"forged"}'),
            created_at=log[0].entry.created_at,
        )
    with _triggers_off():
        _execute(
            'UPDATE ledger_leaf SET "index" = -"index" - 1 WHERE "index" >= %s', [target.index]
        )
        _execute('UPDATE ledger_leaf SET "index" = -"index" WHERE "index" < 0')
        _execute("DELETE FROM ledger_pending WHERE entry_id = %s", [forged.pk])
        _execute(
            'INSERT INTO ledger_leaf ("index", entry_id, leaf_hash) VALUES (%s, %s, %s)',
            [target.index, forged.pk, forged.leaf_hash],
        )
    _expect_fault_at(target.index)


def test_verify_reports_a_forged_tree_head(log: list[Leaf]) -> None:
    head = TreeHead.objects.order_by("-tree_size").first()
    assert head is not None
    with _triggers_off():
        _execute(
            "UPDATE ledger_treehead SET root_hash = %s WHERE tree_size = %s",
            ["00" * 32, head.tree_size],
        )
    report = ledger_verify()
    assert not report.ok and report.first_bad_index is None
    with pytest.raises(CommandError, match=f"tree head of size {head.tree_size}"):
        call_command("ledger", "verify")
