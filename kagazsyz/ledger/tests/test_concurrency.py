"""Hundreds of appends committed from threads while several sequencers race (PostgreSQL only).

The rows must really be committed, so this test runs outside pytest-django's wrapping
transaction (``django_db_blocker``, as kagazsyz/tasks/tests/test_concurrency.py does). Ledger rows
cannot be deleted while the append-only triggers are on, so the clean-up runs in one transaction
with ``session_replication_role = replica`` (user and foreign-key triggers off for that
transaction only, nothing dropped, nothing for other sessions to see) and removes exactly what
the test added: its entries, and the leaves, nodes and heads made after the test began; entries
that were pending before the test get their pending rows back. The committed state is then what
it was before.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Max

from kagazsyz.ledger import tree
from kagazsyz.ledger.models import Entry, Leaf, Node, Pending, TreeHead
from kagazsyz.ledger.services import ledger_append
from kagazsyz.ledger.verify import ledger_verify

SQLITE_REASON = (
    "PostgreSQL only: the SQLite test database is in-memory with a shared cache whose table "
    "locks are not waited for; on SQLite, IMMEDIATE transactions serialise every sequencer"
)
THREADS, PER_THREAD, SEQUENCERS = 8, 40, 4


@pytest.fixture
def committed_db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(SQLITE_REASON)
        before = {
            "entry": Entry.objects.aggregate(m=Max("id"))["m"] or 0,
            "leaf": tree.tree_size(),
            "node": Node.objects.aggregate(m=Max("id"))["m"] or 0,
            "head": TreeHead.objects.aggregate(m=Max("tree_size"))["m"],
            "pending": list(Pending.objects.values_list("entry_id", flat=True)),
        }
        try:
            yield before
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute('DELETE FROM ledger_leaf WHERE "index" >= %s', [before["leaf"]])
                cursor.execute("DELETE FROM ledger_node WHERE id > %s", [before["node"]])
                cursor.execute(
                    "DELETE FROM ledger_treehead WHERE tree_size > %s", [before["head"] or -1]
                )
                cursor.execute("DELETE FROM ledger_pending WHERE entry_id > %s", [before["entry"]])
                cursor.execute("DELETE FROM ledger_entry WHERE id > %s", [before["entry"]])
                cursor.execute("SET LOCAL session_replication_role = origin")
            Pending.objects.bulk_create(
                [Pending(entry_id=e) for e in before["pending"]], ignore_conflicts=True
            )
            assert tree.tree_size() == before["leaf"]


def test_racing_appends_and_sequencers_make_one_gapless_log(
    committed_db: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_STH_EVERY_ENTRIES", "25")
    run = uuid.uuid4().hex[:8]
    errors: list[BaseException] = []
    appending = threading.Event()
    appending.set()
    start = threading.Barrier(THREADS + SEQUENCERS)
    done = [0] * THREADS

    def append(number: int) -> None:
        try:
            start.wait()
            for n in range(PER_THREAD):
                with transaction.atomic():
                    ledger_append(kind="test.race", payload={"run": run, "t": number, "n": n})
                done[number] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def sequence() -> None:
        try:
            start.wait()
            while appending.is_set() or Pending.objects.exists():
                tree.ledger_sequence(max_batch=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    appenders = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    sequencers = [threading.Thread(target=sequence) for _ in range(SEQUENCERS)]
    for thread in appenders + sequencers:
        thread.start()
    for thread in appenders:
        thread.join(timeout=120)
    appending.clear()
    for thread in sequencers:
        thread.join(timeout=120)
    assert not errors, errors
    assert done == [PER_THREAD] * THREADS

    size = tree.tree_size()
    indexes = list(Leaf.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(size)), "a gap or a duplicate index"
    entry_ids = list(Leaf.objects.values_list("entry_id", flat=True))
    assert len(entry_ids) == len(set(entry_ids)), "an entry sequenced twice"
    ours = Entry.objects.filter(kind="test.race", canonical__contains=run)
    assert ours.count() == THREADS * PER_THREAD
    assert not ours.filter(leaf__isnull=True).exists(), "an entry skipped"
    assert not Pending.objects.exists()
    heads = list(TreeHead.objects.order_by("tree_size"))
    assert len(heads) >= (THREADS * PER_THREAD) // 25
    for head in heads:  # no fork: every head is the root of the one stored tree
        assert tree.stored_root(head.tree_size).hex() == head.root_hash
    report = ledger_verify()
    assert report.ok, [str(fault) for fault in report.faults]
