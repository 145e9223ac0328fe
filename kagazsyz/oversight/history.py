"""A year of demo history: past applications generated in bulk so the scoreboard has data.

Generated history is demo data, not events: its application numbers start with ``DEMO-``, its
answers say ``{"demo_history": true}``, its citizens and officials are inactive placeholder
accounts, and nothing of it is written to the ledger, because the ledger records only what
really happened on this platform. It is inserted with multi-row inserts (``executemany`` or, in
the benchmark, PostgreSQL's COPY) rather than the services' write path, which would take hours.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from kagazsyz.accounts.models import OfficialRole, Role, User
from kagazsyz.applications.models import Application, Assignment, Transition
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.schema import Service
from kagazsyz.core.workdays import is_working_day
from kagazsyz.registries.models import DataAccess, DataAccessCase

NUMBER_PREFIX = "DEMO-"
BISHKEK = dt.timezone(dt.timedelta(hours=6))  # no daylight saving time since 2005
CITIZENS = 300
# Relative daily volume of the busiest services; others weigh 1.
POPULARITY = {
    "WORK-04": 14, "HOME-03": 10, "PROP-01": 9, "WORK-02": 8, "HOME-04": 7, "PROP-02": 6,
    "WORK-01": 6, "PEN-02": 5, "EDU-03": 5, "BUS-04": 5, "ID-05": 4, "ID-06": 4, "WORK-05": 4,
    "BUS-02": 3, "EDU-01": 3, "BIR-04": 2, "FAM-05": 2, "HLT-02": 3, "ID-02": 3, "ID-04": 3,
    "BIR-01": 2, "BIR-07": 2, "HOME-01": 3, "PROP-04": 3, "PROP-03": 2, "EDU-05": 2,
}  # fmt: skip
# Months in which a life event's services are busier (kindergarten queues in summer, tax
# declarations before the 1 April deadline).
SEASON = {
    "CHILD": {4: 1.4, 5: 1.6, 6: 2.0, 7: 2.2, 8: 2.4, 9: 1.3},
    "BUSINESS": {1: 1.3, 2: 1.4, 3: 1.8},
    "PROPERTY": {4: 1.3, 5: 1.4, 6: 1.4, 7: 1.3, 8: 1.2},
    "BIRTH": {7: 1.2, 8: 1.3, 9: 1.2},
}
WORK05_SEASON = {1: 2.0, 2: 3.0, 3: 5.0, 4: 0.6}
# How slow each agency's reviewers are, as a share of the legal deadline they typically use.
AGENCY_PACE = {
    "DRN": 0.55, "SF": 0.9, "MTSOM": 0.7, "MINJUST": 0.5, "MSEK": 1.0, "UNAA": 0.8,
    "MP": 0.75, "GOSREG": 0.6, "MO": 0.85, "MVD": 0.7, "GNS": 0.5, "MZ": 0.6,
    "CEOM": 0.5, "FOMS": 0.5, "TUNDUK": 0.5,
}  # fmt: skip
REFUSALS = (
    ("incomplete_documents", 5),
    ("not_eligible", 4),
    ("registry_mismatch", 2),
    ("duplicate_application", 1),
)
# Services the platform starts itself from a birth or death record (proactive journeys), and the
# day from which it does: the share the scoreboard shows rises after that day.
PROACTIVE_FROM_DAYS_AGO = {"BIR-05": 120, "BIR-07": 150, "DTH-02": 60}


@dataclass
class Batch:
    applications: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    accesses: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.applications)


@dataclass(frozen=True)
class Staff:
    officials: dict[str, list[User]]
    supervisors: dict[str, User]
    citizens: list[User]
    # The three officials who stand out, so the auditor's signals list has something to show.
    refuser: User | None
    slow: User | None
    snooper: User | None


@dataclass(frozen=True)
class Calendar:
    """Working days as indices, so "n working days after" is a list lookup."""

    working: list[dt.date]
    index_after: dict[dt.date, int]  # index of the first working day strictly after a date

    @classmethod
    def spanning(cls, first: dt.date, last: dt.date) -> Calendar:
        working: list[dt.date] = []
        index_after: dict[dt.date, int] = {}
        day = first
        while day <= last + dt.timedelta(days=400):
            index_after[day] = len(working) if not is_working_day(day) else len(working) + 1
            if is_working_day(day):
                working.append(day)
            day += dt.timedelta(days=1)
        return cls(working, index_after)

    def add(self, day: dt.date, working_days: int) -> dt.date:
        """The same date as kagazsyz.core.workdays.add_working_days, by lookup."""
        after = self.index_after[day]
        if working_days == 0:
            return day if is_working_day(day) else self.working[after]
        return self.working[after + working_days - 1]


def _placeholder_pin(kind: int, number: int) -> str:
    """14 digits starting with 5..7, which no real personal number does (they start with 1 or 2)."""
    return f"{kind}{number:013d}"


def staff_ensure(services: list[Service]) -> Staff:
    """Placeholder accounts (inactive: nobody can log in as them) for history's people."""
    agencies = sorted({s.agency for s in services if _reviewed_share(s) > 0})
    citizens = [
        _account(_placeholder_pin(5, i), f"Demo history citizen {i + 1}") for i in range(CITIZENS)
    ]
    officials: dict[str, list[User]] = {}
    supervisors: dict[str, User] = {}
    for index, agency in enumerate(agencies):
        size = 4 + (index * 3) % 7
        officials[agency] = [
            _official(_placeholder_pin(6, index * 100 + n), agency, n, Role.OFFICIAL)
            for n in range(size)
        ]
        supervisors[agency] = _official(_placeholder_pin(7, index), agency, 99, Role.SUPERVISOR)
    busiest = officials.get("DRN", [])
    return Staff(
        officials=officials,
        supervisors=supervisors,
        citizens=citizens,
        refuser=busiest[1] if len(busiest) > 2 else None,
        slow=officials["SF"][0] if officials.get("SF") else None,
        snooper=busiest[2] if len(busiest) > 3 else None,
    )


def _account(personal_number: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        personal_number=personal_number, defaults={"full_name": name, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _official(personal_number: str, agency: str, number: int, role: Role) -> User:
    title = "supervisor" if role == Role.SUPERVISOR else f"official {number + 1}"
    user = _account(personal_number, f"Demo {agency} {title}")
    OfficialRole.objects.get_or_create(user=user, agency_code=agency, role=role)
    return user


def _reviewed_share(service: Service) -> float:
    """The share of a service's cases an official decides."""
    if not service.is_automatic:
        return 1.0
    return 0.08 if service.decision.on_false == "review" else 0.0


def _day_weight(day: dt.date, first: dt.date, days: int) -> float:
    growth = 0.7 + 0.6 * (day - first).days / max(days, 1)  # adoption grows over the year
    if day.weekday() >= 5:
        return growth * (0.35 if day.weekday() == 5 else 0.25)
    return growth * (1.0 if is_working_day(day) else 0.3)  # a public holiday


def _service_weight(service: Service, day: dt.date) -> float:
    base = float(POPULARITY.get(service.code, 1))
    if service.code == "WORK-05":
        return base * WORK05_SEASON.get(day.month, 0.3)
    return base * SEASON.get(service.life_event, {}).get(day.month, 1.0)


@dataclass
class Generator:
    """Turns (day, service) volumes into rows; one instance per run, seeded for repeatability."""

    rng: random.Random
    staff: Staff
    calendar: Calendar
    today: dt.date
    sequence: int = 0

    def application(self, service: Service, day: dt.date, batch: Batch) -> None:
        rng = self.rng
        self.sequence += 1
        pk = uuid.UUID(int=rng.getrandbits(128), version=4)
        minute = int(rng.triangular(7 * 60, 23 * 60, 11 * 60))
        submitted = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), BISHKEK)
        citizen = rng.choice(self.staff.citizens)
        due_on = self.calendar.add(day, service.deadline_working_days)
        started_by_platform = self._proactive(service, day)
        row: dict[str, Any] = {
            "id": pk,
            "number": f"{NUMBER_PREFIX}{day.year}-{self.sequence:07d}",
            "citizen_id": citizen.pk,
            "service_code": service.code,
            "service_version": service.version,
            "agency_code": service.agency,
            "answers": {"demo_history": True},
            "status": "in_review",
            "idempotency_key": None,
            "submitted_at": submitted,
            "decided_at": None,
            "decision_reason": None,
            "waiting_for": "",
            "due_on": due_on,
            "assigned_to_id": None,
            "refusal_code": "",
            "rating": None,
        }
        batch.applications.append(row)
        self._transition(
            batch, pk, "", "submitted", "system" if started_by_platform else "citizen", submitted
        )
        if rng.random() < _reviewed_share(service):
            self._review(service, row, citizen, batch)
        else:
            self._automatic(service, row, batch)

    def _proactive(self, service: Service, day: dt.date) -> bool:
        days_ago = PROACTIVE_FROM_DAYS_AGO.get(service.code)
        if days_ago is None or (self.today - day).days > days_ago:
            return False
        return self.rng.random() < 0.7

    def _transition(
        self, batch: Batch, pk: uuid.UUID, source: str, target: str, actor: str, at: dt.datetime
    ) -> None:
        batch.transitions.append(
            {
                "application_id": pk,
                "from_status": source,
                "to_status": target,
                "actor": actor,
                "reason": "",
                "at": at,
            }
        )

    def _automatic(self, service: Service, row: dict[str, Any], batch: Batch) -> None:
        decided = row["submitted_at"] + dt.timedelta(seconds=self.rng.randint(2, 40))
        refused = service.decision.on_false == "reject" and self.rng.random() < 0.06
        self._decide(row, batch, decided, refused=refused, actor="system", code="")

    def _review(self, service: Service, row: dict[str, Any], citizen: User, batch: Batch) -> None:
        rng, staff = self.rng, self.staff
        team = staff.officials[service.agency]
        official = rng.choice(team)
        start = row["submitted_at"] + dt.timedelta(minutes=rng.randint(1, 20))
        self._transition(batch, row["id"], "submitted", "in_review", "system", start)
        self._assign(batch, row["id"], official, None, start)
        if rng.random() < 0.04 and len(team) > 1:  # a supervisor moves the case
            official = rng.choice([o for o in team if o != official])
            moved = start + dt.timedelta(hours=rng.randint(2, 30))
            self._assign(batch, row["id"], official, staff.supervisors[service.agency], moved)
        row["assigned_to_id"] = official.pk
        pace = AGENCY_PACE.get(service.agency, 0.7) * (1.9 if official == staff.slow else 1.0)
        deadline = max(service.deadline_working_days, 1)
        taken = max(0, round(deadline * pace * rng.lognormvariate(0, 0.45)))
        day = self.calendar.add(row["submitted_at"].date(), taken)
        stuck = rng.random() < 0.01  # forgotten cases: the "overdue now" column
        if day >= self.today or stuck:
            return
        decided = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)), BISHKEK)
        refusal_rate = 0.12 * (3.0 if official == staff.refuser else 1.0)
        refused = rng.random() < refusal_rate
        code = rng.choices([c for c, _ in REFUSALS], [w for _, w in REFUSALS])[0] if refused else ""
        self._decide(
            row, batch, decided, refused=refused, actor=f"official:{official.pk}", code=code
        )
        looks = 1 + (rng.randint(4, 8) if official == staff.snooper else 0)
        for _ in range(looks):
            self._access(batch, row, official, citizen, decided - dt.timedelta(hours=1))

    def _assign(
        self, batch: Batch, pk: uuid.UUID, official: User, by: User | None, at: dt.datetime
    ) -> None:
        batch.assignments.append(
            {
                "application_id": pk,
                "official_id": official.pk,
                "assigned_by_id": by.pk if by else None,
                "reason": "reassigned by supervisor" if by else "",
                "at": at,
            }
        )

    def _decide(
        self,
        row: dict[str, Any],
        batch: Batch,
        decided: dt.datetime,
        *,
        refused: bool,
        actor: str,
        code: str,
    ) -> None:
        source = row["status"] if row["assigned_to_id"] else "submitted"
        target = "rejected" if refused else "approved"
        self._transition(batch, row["id"], source, target, actor, decided)
        if not refused:
            self._transition(batch, row["id"], "approved", "issued", "system", decided)
        row.update(
            status="issued" if not refused else "rejected",
            decided_at=decided,
            refusal_code=code,
        )
        if self.rng.random() < 0.35:
            late = decided.date() > row["due_on"]
            row["rating"] = self._rating(good=not refused and not late)

    def _rating(self, *, good: bool) -> int:
        weights = (2, 3, 10, 30, 55) if good else (25, 20, 25, 18, 12)
        return self.rng.choices((1, 2, 3, 4, 5), weights)[0]

    def _access(
        self, batch: Batch, row: dict[str, Any], official: User, citizen: User, at: dt.datetime
    ) -> None:
        batch.accesses.append(
            {
                "at": at,
                "requester_kind": "official",
                "requester_ref": str(official.pk),
                "requester_agency": row["agency_code"],
                "subject_personal_number": citizen.personal_number,
                "agency": row["agency_code"],
                "registry": "kagazsyz",
                "dataset": "application",
                "purpose": f"case review {row['number']}",
                "legal_basis": row["service_code"],
                "outcome": "ok",
                "message_id": uuid.UUID(int=self.rng.getrandbits(128), version=4).hex,
                "request_hash": "",
                "response_hash": "",
                "exchange_request_hash": "",
            }
        )


def volumes(
    services: list[Service], *, count: int, first: dt.date, days: int, rng: random.Random
) -> Iterator[tuple[dt.date, Service, int]]:
    """How many applications each service gets each day: about ``count`` in all."""
    cells: list[tuple[dt.date, Service, float]] = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        weight = _day_weight(day, first, days)
        cells.extend((day, service, weight * _service_weight(service, day)) for service in services)
    total = sum(weight for _, _, weight in cells)
    for day, service, weight in cells:
        expected = count * weight / total
        yield day, service, math.floor(expected) + (rng.random() < expected % 1)


Sink = Callable[[type[models.Model], list[dict[str, Any]]], None]


def history_rows(
    *, count: int, today: dt.date, seed: int, sink: Sink, batch_size: int = 20000
) -> int:
    """Generate a year of applications ending yesterday and hand them to ``sink`` in batches."""
    services = sorted(get_catalog().services.values(), key=lambda s: s.code)
    staff = staff_ensure(services)
    rng = random.Random(seed)  # noqa: S311 -- demo data, repeatable by seed
    first = today - dt.timedelta(days=365)
    generator = Generator(rng, staff, Calendar.spanning(first, today), today)
    batch = Batch()
    for day, service, number in volumes(services, count=count, first=first, days=365, rng=rng):
        for _ in range(number):
            generator.application(service, day, batch)
        if len(batch) >= batch_size:
            _flush(batch, sink)
            batch = Batch()
    _flush(batch, sink)
    _flag_some(staff, rng)
    return generator.sequence


def _flush(batch: Batch, sink: Sink) -> None:
    sink(Application, batch.applications)
    sink(Transition, batch.transitions)
    sink(Assignment, batch.assignments)
    sink(DataAccess, batch.accesses)


def _flag_some(staff: Staff, rng: random.Random) -> None:
    """Citizens flag a few officials' looks at their data as suspicious, most of the snooper's."""
    suspects = [str(staff.snooper.pk)] if staff.snooper else []
    accesses = DataAccess.objects.filter(
        requester_kind="official", purpose__startswith=f"case review {NUMBER_PREFIX}"
    )
    chosen = list(accesses.filter(requester_ref__in=suspects).values_list("pk", flat=True)[:40])
    chosen += list(accesses.exclude(requester_ref__in=suspects).values_list("pk", flat=True)[:25])
    by_pin = {citizen.personal_number: citizen for citizen in staff.citizens}
    cases = []
    for access in DataAccess.objects.filter(pk__in=chosen):
        cases.append(
            DataAccessCase(
                data_access=access,
                opened_by=by_pin[access.subject_personal_number],
                agency=access.agency,
                reason="Demo history: I did not expect this look at my data.",
                opened_at=access.at + dt.timedelta(days=rng.randint(1, 5)),
            )
        )
    DataAccessCase.objects.bulk_create(cases, ignore_conflicts=True)


def _identity(value: Any) -> Any:
    return value


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # As Django stores an aware datetime in SQLite: naive UTC text.
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _converter(item: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How one column's Python value becomes a database parameter, cheaply per value.

    Django's ``get_db_prep_save`` does this generally but costs most of the history's time.
    """
    target = item.target_field if isinstance(item, models.ForeignKey) else item
    if isinstance(target, models.JSONField):
        return lambda value: item.get_db_prep_save(value, connection)
    if connection.vendor != "sqlite":
        return _identity
    if isinstance(target, models.UUIDField):
        return lambda value: None if value is None else value.hex
    if isinstance(target, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(target, models.DateField):
        return lambda value: None if value is None else value.isoformat()
    return _identity


def _converters(model: type[models.Model]) -> list[tuple[str, Callable[[Any], Any]]]:
    return [
        (item.attname, _converter(item))
        for item in model._meta.concrete_fields
        if not isinstance(item, models.AutoField)
    ]


def executemany_sink(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERT through Django's connection (SQLite or PostgreSQL)."""
    if not rows:
        return
    converters = _converters(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, _ in converters)
    marks = ", ".join(["%s"] * len(converters))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    values = [tuple(convert(row.get(column)) for column, convert in converters) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def history_exists() -> bool:
    return Application.objects.filter(number__startswith=NUMBER_PREFIX).exists()


def history_generate(*, count: int, today: dt.date, seed: int = 2026) -> int:
    """Write ``count`` (about) applications of demo history; returns how many were written."""
    with transaction.atomic():
        return history_rows(count=count, today=today, seed=seed, sink=executemany_sink)
