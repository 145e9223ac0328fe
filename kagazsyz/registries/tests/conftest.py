"""The sandbox registries served over real HTTP, against the test database.

The server's threads read ``SandboxResident`` rows. The population loaded once per test database
(``kagazsyz/conftest.py``) is committed, so on PostgreSQL they see it through connections of
their own. On SQLite the test database lives in memory and exists only behind the connection that
made it, so ``start_sandbox_server`` (called here, from the thread that owns that connection)
hands that very connection to its threads, made shareable as Django's ``LiveServerThread`` does;
they then see what the test sees. Either way the tests must be marked ``django_db``: pytest-django
blocks database access in every thread otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def sandbox_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    from kagazsyz.registries.sandbox_server import start_sandbox_server

    with django_db_blocker.unblock():
        handle = start_sandbox_server("127.0.0.1", 0)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def sandbox(sandbox_server: Any) -> Iterator[Any]:
    """The module's sandbox server, with no faults before and after the test."""
    sandbox_server.set_faults()
    yield sandbox_server
    sandbox_server.set_faults()
