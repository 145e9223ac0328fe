"""Registry queries over X-Road REST against the sandbox server, beside a bare HTTP round trip.

``registry_benchmark()`` expects Django to be set up and migrated (``bench/run.py`` does both);
run alone (``python bench/registries.py``) it borrows run.py's set-up.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from itertools import count

Row = tuple[str, float, str, str]


def _rate(action: Callable[[], object], *, seconds: float, minimum: int = 50) -> float:
    """Operations per second of ``action``, run for about ``seconds`` after one warm-up call."""
    action()
    done, start = 0, time.perf_counter()
    while done < minimum or time.perf_counter() - start < seconds:
        action()
        done += 1
    return done / (time.perf_counter() - start)


def registry_benchmark(*, seconds: float = 3.0) -> list[Row]:
    import httpx

    from kagazsyz.registries.client import Purpose, Query, registry_query
    from kagazsyz.registries.directory import registries
    from kagazsyz.registries.models import SandboxResident
    from kagazsyz.registries.sandbox.load import population_generate
    from kagazsyz.registries.sandbox_server import start_sandbox_server
    from kagazsyz.registries.xroad import XRoadTransport

    population_generate(size=2000, seed=2026, today=dt.date(2026, 11, 1))
    subjects = list(
        SandboxResident.objects.order_by("personal_number").values_list(
            "personal_number", flat=True
        )[:200]
    )
    tax = registries()["tax"]
    purpose = Purpose(
        legal_basis="WORK-04", application_number="KG-2026-000001", description="WORK-04: bench"
    )
    quiet = logging.getLogger("httpx")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # httpx logs every request at INFO
    server = start_sandbox_server("127.0.0.1", 0)
    transport = XRoadTransport(base_url=server.url, timeout=5.0, retries=0, failure_threshold=1000)
    bare = httpx.Client(trust_env=False, timeout=5.0)
    turn = count()

    def query(subject: str) -> Query:
        return Query(
            registry=tax,
            dataset="taxpayer_account",
            subject=subject,
            message_id=str(uuid.uuid4()),
            user_id="",
        )

    # The same requests the transport sends, prepared once: the round trip and nothing else.
    prepared = [(transport.url(q), transport.headers(q)) for q in map(query, subjects)]

    def fetch() -> object:
        envelope = transport.fetch(query(subjects[next(turn) % len(subjects)]))
        assert envelope["data"]
        return envelope

    def round_trip() -> object:
        url, headers = prepared[next(turn) % len(prepared)]
        response = bare.get(url, headers=headers)
        assert response.status_code == 200
        return response.content

    def logged() -> object:
        subject = subjects[next(turn) % len(subjects)]
        return registry_query(
            dataset_key="tax.taxpayer_account",
            subject=subject,
            purpose=purpose,
            transport=transport,
        )

    try:
        fetches = _rate(fetch, seconds=seconds)
        round_trips = _rate(round_trip, seconds=seconds)
        queries = _rate(logged, seconds=seconds)
    finally:
        bare.close()
        transport.close()
        server.stop()
        quiet.setLevel(level)
    return [
        (
            "registry queries, XRoadTransport.fetch (sandbox, loopback)",
            fetches,
            "/s",
            "this platform",
        ),
        ("bare HTTP round trips, same URL and headers (baseline)", round_trips, "/s", "httpx"),
        ("registry_query over X-Road, with access log and ledger", queries, "/s", "this platform"),
        (
            "transport cost per query beyond the round trip",
            1e6 / fetches - 1e6 / round_trips,
            "µs",
            "difference",
        ),
        ("access log cost per query", 1e6 / queries - 1e6 / fetches, "µs", "difference"),
    ]
