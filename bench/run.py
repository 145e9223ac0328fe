"""``make bench``: benchmarks printed as a table, each beside a baseline measured in the same run.

Runs against a fresh SQLite database in a temporary directory (or DATABASE_URL when set), so the
demo's data is never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="kagazsyz-bench-"))
os.environ.setdefault("KAGAZSYZ_VAR", str(WORK))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kagazsyz.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

Row = tuple[str, float, str, str]


def rate(action: Callable[[], object], *, seconds: float = 3.0, minimum: int = 20) -> float:
    """Operations per second of ``action``, run for about ``seconds``."""
    action()  # warm caches (fonts, keys, compiled rules) as a long-running worker would have them
    count, start = 0, time.perf_counter()
    while count < minimum or time.perf_counter() - start < seconds:
        action()
        count += 1
    return count / (time.perf_counter() - start)


def certificate_benchmark() -> list[Row]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from kagazsyz.accounts.services import citizen_sandbox_login
    from kagazsyz.applications.services import application_process, application_submit
    from kagazsyz.documents.keys import signing_key_for
    from kagazsyz.registries.models import SandboxResident
    from kagazsyz.registries.sandbox.load import population_generate

    population_generate(size=2000, seed=2026, today=dt.date(2026, 11, 1))
    debt_free = [
        r.personal_number
        for r in SandboxResident.objects.order_by("personal_number")
        if r.datasets["tax.taxpayer_account"]["debt_som"] == 0.0
        and r.datasets["population.person"]["alive"]
        and r.datasets["population.person"]["birth_date"] < "2008-01-01"
    ]
    citizens = [citizen_sandbox_login(personal_number=pin) for pin in debt_free[:200]]
    turn = iter(range(10**9))

    def issue() -> object:
        citizen = citizens[next(turn) % len(citizens)]
        application = application_submit(citizen=citizen, service_code="WORK-04", answers={})
        done = application_process(application_id=application.pk)
        assert done.status == "issued", done.status
        return done

    key = signing_key_for("GNS").key
    message = b"x" * 200

    def raw_sign() -> object:
        return key.sign(message, ec.ECDSA(hashes.SHA256()))

    certificates = rate(issue, seconds=5)
    signatures = rate(raw_sign, seconds=2, minimum=1000)
    return [
        (
            "automatic certificates end to end (WORK-04, service layer)",
            certificates,
            "/s",
            "this platform",
        ),
        ("raw ECDSA P-256 signatures, same key (baseline)", signatures, "/s", "cryptography"),
        ("certificate cost in signatures", signatures / certificates, "×", "ratio"),
    ]


def certificates_over_http() -> list[Row]:
    """The same end-to-end certificate, with the registries reached over X-Road REST on loopback."""
    from kagazsyz.accounts.services import citizen_sandbox_login
    from kagazsyz.applications.services import application_process, application_submit
    from kagazsyz.registries.models import SandboxResident
    from kagazsyz.registries.sandbox_server import start_sandbox_server
    from kagazsyz.registries.xroad import XRoadTransport

    server = start_sandbox_server()
    transport = XRoadTransport(base_url=server.url)
    pins = [
        r.personal_number
        for r in SandboxResident.objects.order_by("-personal_number")[:600]
        if r.datasets["tax.taxpayer_account"]["debt_som"] == 0.0
        and r.datasets["population.person"]["alive"]
        and r.datasets["population.person"]["birth_date"] < "2008-01-01"
    ]
    citizens = [citizen_sandbox_login(personal_number=pin) for pin in pins[:200]]
    turn = iter(range(10**9))

    def issue() -> object:
        citizen = citizens[next(turn) % len(citizens)]
        application = application_submit(citizen=citizen, service_code="WORK-04", answers={})
        done = application_process(application_id=application.pk, transport=transport)
        assert done.status == "issued", done.status
        return done

    try:
        per_second = rate(issue, seconds=5)
    finally:
        transport.close()
        server.stop()
    return [
        (
            "automatic certificates end to end, registries over X-Road REST",
            per_second,
            "/s",
            "this platform",
        )
    ]


def main() -> None:
    call_command("migrate", verbosity=0)
    rows = certificate_benchmark()
    from bench.registries import registry_benchmark

    rows += registry_benchmark()
    rows += certificates_over_http()
    from bench.ledger import ledger_benchmark

    rows += ledger_benchmark()
    from bench.documents import documents_benchmark

    rows += documents_benchmark()
    from bench.office import office_benchmark

    rows += office_benchmark()
    from bench.notifications import notifications_benchmark

    rows += notifications_benchmark()
    from bench.journeys import journeys_benchmark

    rows += journeys_benchmark()
    from bench.oversight import oversight_benchmark

    rows += oversight_benchmark()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak resident memory of the benchmark process", peak_mib, "MiB", "ru_maxrss"))
    database = django.db.connection.vendor
    print(
        f"\nKagazsyz benchmarks ({database}, {os.cpu_count()} cores, Python {sys.version.split()[0]})\n"
    )
    print(f"| {'measure':<62} | {'value':>10} | {'unit':<4} | {'what':<14} |")
    print(f"|{'-' * 64}|{'-' * 12}|{'-' * 6}|{'-' * 16}|")
    for name, value, unit, what in rows:
        print(f"| {name:<62} | {value:>10.1f} | {unit:<4} | {what:<14} |")


if __name__ == "__main__":
    main()
