"""Concurrent workers on PostgreSQL, with rows committed for real.

pytest-django's ``transaction=True`` would flush every table afterwards, and the ledger's
triggers refuse that; so these tests take database access with ``django_db_blocker`` (no
wrapping transaction, no flush), commit their own Task rows and delete exactly those rows.
Each thread has its own connection (Django's connections are per thread) and closes it.
"""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from kagazsyz.tasks.models import Task, TaskStatus
from kagazsyz.tasks.services import task_enqueue
from kagazsyz.tasks.tests import sample
from kagazsyz.tasks.worker import run_next

SQLITE_REASON = (
    "PostgreSQL only: the SQLite test database is in-memory with a shared cache, whose table "
    "locks are not waited for; on SQLite, claims are serialised by IMMEDIATE transactions and "
    "test_a_claim_is_a_compare_and_set covers the conditional UPDATE"
)


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(SQLITE_REASON)
        assert not Task.objects.exists(), "the committed state must hold no tasks"
        sample.reset()
        try:
            yield
        finally:
            Task.objects.filter(name__startswith="tests.").delete()
            sample.reset()


def test_concurrent_workers_never_run_a_task_twice(committed_db) -> None:
    run = uuid.uuid4().hex[:8]
    tokens = [f"{run}-{n}" for n in range(200)]
    with transaction.atomic():
        for token in tokens:
            task_enqueue("tests.echo", token=token)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(number: int) -> None:
        try:
            start.wait()
            while run_next(f"thread-{number}") is not None:
                pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert dict.fromkeys(tokens, 1) == sample.RUNS
    statuses = Task.objects.filter(arguments__token__startswith=run).values_list(
        "status", "attempts"
    )
    assert sorted(set(statuses)) == [(TaskStatus.DONE, 1)]
    assert len({worker for worker in Task.objects.values_list("worker", flat=True)}) > 1


def test_racing_enqueues_with_one_dedupe_key_make_one_task(committed_db) -> None:
    key = f"race:{uuid.uuid4().hex}"
    both_inside = threading.Barrier(2)
    found: list[int] = []
    errors: list[BaseException] = []

    def enqueue(delay: float) -> None:
        try:
            with transaction.atomic():
                both_inside.wait()
                time.sleep(delay)  # the second insert waits on the first's unique-index entry
                found.append(task_enqueue("tests.echo", dedupe_key=key, token="race").pk)
                time.sleep(0.3)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enqueue, args=(d,)) for d in (0.0, 0.1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(found) == 2 and found[0] == found[1]
    assert Task.objects.filter(dedupe_key=key).count() == 1
