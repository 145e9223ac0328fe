"""Two officials deciding one case at the same moment (PostgreSQL only): one wins, the other
gets a 409, and the case carries exactly one decision.

The rows must be committed for the two connections to meet on the row lock, so the test runs
outside pytest-django's wrapping transaction, as kagazsyz/ledger/tests/test_concurrency.py does,
and removes exactly what it added (ledger rows with the append-only triggers off for the
clean-up transaction only).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kagazsyz.accounts.models import Role, User
from kagazsyz.applications.models import Application, Status, Transition
from kagazsyz.applications.services import application_transition
from kagazsyz.core.errors import DomainError
from kagazsyz.ledger.models import Entry
from kagazsyz.office import services
from kagazsyz.office.tests.conftest import make_official

SQLITE_REASON = (
    "PostgreSQL only: the SQLite test database is in-memory with a shared cache whose table "
    "locks are not waited for"
)


@pytest.fixture
def committed_case(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(SQLITE_REASON)
        last_entry = Entry.objects.aggregate(m=Max("id"))["m"] or 0
        run = uuid.uuid4().int % 10_000
        people = {
            "official": make_official(run % 1000 + 300),
            "supervisor": make_official(run % 1000 + 1300, role=Role.SUPERVISOR),
            "citizen": User.objects.create_user(f"1010119807{run:04d}", full_name="Citizen"),
        }
        now = timezone.now()
        application = Application.objects.create(
            number=f"KG-2098-{run:06d}",
            citizen=people["citizen"],
            service_code="BIR-02",
            service_version=1,
            agency_code="DRN",
            status=Status.IN_REVIEW,
            submitted_at=now,
            due_on=now.date(),
            assigned_to=people["official"],
        )
        Transition.objects.create(
            application=application, to_status=Status.IN_REVIEW, actor="test", at=now
        )
        try:
            yield {"application": application, **people}
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("DELETE FROM ledger_pending WHERE entry_id > %s", [last_entry])
                cursor.execute("DELETE FROM ledger_entry WHERE id > %s", [last_entry])
                Application.objects.filter(pk=application.pk).delete()
                User.objects.filter(pk__in=[p.pk for p in people.values()]).delete()
                cursor.execute("SET LOCAL session_replication_role = origin")


def test_two_officials_deciding_at_once_one_wins_the_other_gets_409(
    committed_case: dict[str, Any],
) -> None:
    application = committed_case["application"]
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def decide(name: str, action: Any) -> None:
        try:
            start.wait()
            action()
            outcomes[name] = "won"
        except DomainError as error:
            outcomes[name] = (error.code, error.status)
        except BaseException as error:
            outcomes[name] = error
        finally:
            connection.close()

    refuse = lambda: services.case_refuse(  # noqa: E731
        official=committed_case["official"],
        application_id=application.pk,
        reason_code="not_eligible",
        text="Укук жок.",
    )
    ask = lambda: services.information_request(  # noqa: E731
        official=committed_case["supervisor"], application_id=application.pk, question="Ким?"
    )
    threads = [
        threading.Thread(target=decide, args=("refuse", refuse)),
        threading.Thread(target=decide, args=("ask", ask)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcomes.values())) == sorted(["won", str(("not_in_review", 409))]), (
        outcomes
    )
    application.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    expected = Status.REJECTED if winner == "refuse" else Status.INFORMATION_REQUESTED
    assert application.status == expected
    assert application.transitions.count() == 2  # the set-up row and the one decision


@pytest.fixture
def committed_intake(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Three officials of the medical commission and 60 cases about to enter review."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(SQLITE_REASON)
        last_entry = Entry.objects.aggregate(m=Max("id"))["m"] or 0
        run = uuid.uuid4().int % 10_000
        officials = [make_official(2000 + n, agency="MSEK") for n in range(3)]
        citizen = User.objects.create_user(f"1010119806{run:04d}", full_name="Citizen")
        now = timezone.now()
        cases = Application.objects.bulk_create(
            Application(
                number=f"KG-2094-{run:04d}{n:02d}",
                citizen=citizen,
                service_code="HLT-01",
                service_version=1,
                agency_code="MSEK",
                status=Status.GATHERING_EVIDENCE,
                submitted_at=now,
                due_on=now.date(),
            )
            for n in range(60)
        )
        try:
            yield {"officials": officials, "cases": cases}
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("DELETE FROM ledger_pending WHERE entry_id > %s", [last_entry])
                cursor.execute("DELETE FROM ledger_entry WHERE id > %s", [last_entry])
                Application.objects.filter(pk__in=[c.pk for c in cases]).delete()
                User.objects.filter(pk__in=[citizen.pk, *(o.pk for o in officials)]).delete()
                cursor.execute("SET LOCAL session_replication_role = origin")


def test_concurrent_assignments_keep_the_loads_level(committed_intake: dict[str, Any]) -> None:
    cases = committed_intake["cases"]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def enter_review(share: list[Application]) -> None:
        try:
            start.wait()
            for case in share:
                with transaction.atomic():
                    locked = Application.objects.select_for_update().get(pk=case.pk)
                    application_transition(
                        application=locked, target=Status.IN_REVIEW, actor="system"
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter_review, args=(cases[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    loads = Counter(
        Application.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "assigned_to", flat=True
        )
    )
    assert set(loads) == {official.pk for official in committed_intake["officials"]}
    assert sorted(loads.values()) == [20, 20, 20]
