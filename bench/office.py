"""The back office: applications carried to a decision per second through the service layer,
beside a bare INSERT of an application row, and an official's queue page over 100,000 open cases
beside the same page over 100.

``office_benchmark()`` expects Django to be set up and migrated (``bench/run.py`` does both); run
alone (``python bench/office.py``) it borrows run.py's set-up.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from itertools import count
from typing import Any

Row = tuple[str, float, str, str]
OPEN_CASES = 100_000


def _rate(action: Callable[[], object], *, seconds: float, minimum: int = 20) -> float:
    action()
    done, start = 0, time.perf_counter()
    while done < minimum or time.perf_counter() - start < seconds:
        action()
        done += 1
    return done / (time.perf_counter() - start)


def _officials(agency: str, how_many: int) -> list[Any]:
    from kagazsyz.accounts.models import Role, User
    from kagazsyz.accounts.services import official_role_grant

    people = []
    for n in range(how_many):
        user, _ = User.objects.get_or_create(
            personal_number=f"2010119808{n:04d}", defaults={"full_name": f"Bench official {n}"}
        )
        official_role_grant(user=user, agency_code=agency, role=Role.OFFICIAL)
        people.append(user)
    return people


def decisions(seconds: float) -> list[Row]:
    from django.utils import timezone

    from kagazsyz.accounts.services import citizen_sandbox_login
    from kagazsyz.applications.models import Application, Status
    from kagazsyz.applications.services import application_process, application_submit
    from kagazsyz.office.services import case_approve
    from kagazsyz.registries.models import SandboxResident
    from kagazsyz.registries.sandbox.load import population_generate

    population_generate(size=2000, seed=2026, today=dt.date(2026, 11, 1))
    pins = [
        r.personal_number
        for r in SandboxResident.objects.order_by("personal_number")[:800]
        if r.datasets["tax.taxpayer_account"]["debt_som"] == 0.0
        and r.datasets["population.person"]["alive"]
        and r.datasets["population.person"]["birth_date"] < "2008-01-01"
    ]
    citizens = [citizen_sandbox_login(personal_number=pin) for pin in pins[:200]]
    _officials("DRN", 7)
    turn = count()

    def automatic() -> object:
        citizen = citizens[next(turn) % len(citizens)]
        application = application_submit(citizen=citizen, service_code="WORK-04", answers={})
        done = application_process(application_id=application.pk)
        assert done.status == Status.ISSUED, done.status
        return done

    def reviewed() -> object:
        citizen = citizens[next(turn) % len(citizens)]
        answers = {
            "birth_certificate_number": "I-AN 123456",
            "child_full_name": "Асанов Бакыт",
            "child_birth_date": "2026-10-01",
        }
        application = application_submit(citizen=citizen, service_code="BIR-02", answers=answers)
        case = application_process(application_id=application.pk)
        assert case.assigned_to is not None, case.status
        done = case_approve(official=case.assigned_to, application_id=case.pk)
        assert done.status == Status.ISSUED, done.status
        return done

    numbers = count(1)

    def bare_insert() -> object:
        return Application.objects.create(
            number=f"KG-2097-{next(numbers):06d}",
            citizen=citizens[0],
            service_code="WORK-04",
            service_version=1,
            agency_code="GNS",
            status=Status.SUBMITTED,
            submitted_at=timezone.now(),
        )

    return [
        (
            "auto service submitted to issued (WORK-04)",
            _rate(automatic, seconds=seconds),
            "/s",
            "service layer",
        ),
        (
            "review service submitted, assigned, approved, issued (BIR-02)",
            _rate(reviewed, seconds=seconds),
            "/s",
            "service layer",
        ),
        (
            "bare INSERT of an application row (baseline)",
            _rate(bare_insert, seconds=seconds, minimum=200),
            "/s",
            "Django ORM",
        ),
    ]


def _open_cases(official: Any, citizen: Any, how_many: int, prefix: str) -> None:
    from django.db import connection
    from django.utils import timezone

    from kagazsyz.applications.models import Application, Status

    today = timezone.localdate()
    batch = [
        Application(
            number=f"{prefix}-{n:06d}",
            citizen=citizen,
            service_code="BIR-02",
            service_version=1,
            agency_code="DRN",
            status=Status.IN_REVIEW if n % 5 else Status.INFORMATION_REQUESTED,
            submitted_at=timezone.now(),
            due_on=today + dt.timedelta(days=n % 40 - 10),
            assigned_to=official,
        )
        for n in range(how_many)
    ]
    Application.objects.bulk_create(batch, batch_size=5000)
    # What autovacuum (PostgreSQL) would do after a bulk load: statistics for the planner, and a
    # visibility map for index-only counts.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE applications_application")
        else:
            cursor.execute("ANALYZE applications_application")


def _queue_page(official: Any, repeat: int = 20) -> tuple[float, int]:
    """Milliseconds per queue page (median of ``repeat``) and its number of queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kagazsyz.web.access import OFFICE_SESSION_KEY

    client = Client()
    client.force_login(official)
    session = client.session
    session[OFFICE_SESSION_KEY] = str(official.pk)
    session.save()
    assert client.get("/office/").status_code == 200
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/office/?page=3")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return sorted(times)[len(times) // 2], len(queries.captured_queries)


def queue_page() -> list[Row]:
    from kagazsyz.accounts.models import Role, User
    from kagazsyz.accounts.services import official_role_grant

    citizen = User.objects.order_by("personal_number").first()
    small, large = (
        User.objects.create_user(f"2010119807{n:04d}", full_name=f"Queue {n}") for n in (1, 2)
    )
    for official in (small, large):
        official_role_grant(user=official, agency_code="DRN", role=Role.OFFICIAL)
    _open_cases(small, citizen, 150, "KG-2096")
    _open_cases(large, citizen, OPEN_CASES, "KG-2095")
    small_ms, _ = _queue_page(small)
    large_ms, queries = _queue_page(large)
    return [
        (f"queue page, {OPEN_CASES:,} open cases of one official", large_ms, "ms", "median of 20"),
        ("queue page, 150 open cases (baseline)", small_ms, "ms", "median of 20"),
        ("queries per queue page (any number of cases)", float(queries), "", "count"),
    ]


def office_benchmark(*, seconds: float = 3.0) -> list[Row]:
    return decisions(seconds) + queue_page()


if __name__ == "__main__":
    from django.core.management import call_command

    import bench.run  # noqa: F401  (sets Django up on a temporary database)

    call_command("migrate", verbosity=0)
    for name, value, unit, what in office_benchmark():
        print(f"| {name:<66} | {value:>10.1f} | {unit:<3} | {what:<14} |")
