"""Open data: daily counts per service and per agency, with small counts suppressed.

Suppression rule (docs/oversight.md): a count of 1 to 4 is not published (CSV: empty cell,
JSON: null). Then complementary suppression: the published tables hold linear identities
(decided = approved + rejected = decided_auto + decided_by_official in every row; an agency's
row is the sum of its services' rows on that day). An identity with exactly one hidden cell would
give that cell away by subtraction, so while any identity has exactly one hidden cell, the
smallest other cell of that identity is hidden too. Zeros are published: they reveal no person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from kagazsyz.oversight.models import ServiceDay
from kagazsyz.oversight.selectors import Period

THRESHOLD = 5
DEFAULT_DAYS = 366
COUNTS = (
    "submitted",
    "decided",
    "decided_auto",
    "decided_by_official",
    "approved",
    "rejected",
    "breaches",
)
# Cells of a row that add up: (total, parts).
ROW_IDENTITIES = (
    ("decided", ("approved", "rejected")),
    ("decided", ("decided_auto", "decided_by_official")),
)
DATASETS = ("services-daily", "agencies-daily")
Cell = tuple[int, str]  # (row index, column)


@dataclass
class Table:
    keys: tuple[str, ...]  # ("day", "agency", "service") or ("day", "agency")
    rows: list[dict[str, object]]
    hidden: set[Cell]

    def value(self, index: int, column: str) -> object:
        return None if (index, column) in self.hidden else self.rows[index][column]

    def published(self) -> list[dict[str, object]]:
        return [
            {
                **{key: row[key] for key in self.keys},
                **{column: self.value(index, column) for column in COUNTS},
            }
            for index, row in enumerate(self.rows)
        ]


def default_period(today: dt.date | None = None) -> Period:
    """The last DEFAULT_DAYS complete days: today is still changing, so it is not published."""
    yesterday = (today or timezone.localdate()) - dt.timedelta(days=1)
    return Period.last_days(DEFAULT_DAYS, yesterday)


def _service_rows(period: Period) -> list[dict[str, object]]:
    rows = []
    for day in (
        ServiceDay.objects.filter(period.filter())
        .order_by("day", "agency_code", "service_code")
        .values("day", "agency_code", "service_code", *COUNTS[:3], *COUNTS[4:])
    ):
        rows.append(
            {
                "day": day["day"].isoformat(),
                "agency": day["agency_code"],
                "service": day["service_code"],
                **{column: day[column] for column in COUNTS if column != "decided_by_official"},
                "decided_by_official": day["decided"] - day["decided_auto"],
            }
        )
    return rows


def _agency_rows(service_rows: list[dict[str, object]]) -> list[dict[str, object]]:
    totals: dict[tuple[object, object], dict[str, object]] = {}
    for row in service_rows:
        key = (row["day"], row["agency"])
        found = totals.setdefault(
            key, {"day": row["day"], "agency": row["agency"], **dict.fromkeys(COUNTS, 0)}
        )
        for column in COUNTS:
            found[column] = int(found[column]) + int(row[column])  # type: ignore[call-overload]
    return list(totals.values())


def _identities(
    services: list[dict[str, object]], agencies: list[dict[str, object]]
) -> list[list[tuple[str, Cell]]]:
    """Every identity as a list of cells (table name, cell); the total comes first."""
    found: list[list[tuple[str, Cell]]] = []
    for name, rows in (("services", services), ("agencies", agencies)):
        for index in range(len(rows)):
            for total, components in ROW_IDENTITIES:
                found.append([(name, (index, total)), *[(name, (index, c)) for c in components]])
    members: dict[tuple[object, object], list[int]] = defaultdict(list)
    for index, row in enumerate(services):
        members[(row["day"], row["agency"])].append(index)
    for index, row in enumerate(agencies):
        for column in COUNTS:
            parts = members[(row["day"], row["agency"])]
            found.append(
                [("agencies", (index, column)), *[("services", (i, column)) for i in parts]]
            )
    return found


def suppress(
    services: list[dict[str, object]], agencies: list[dict[str, object]]
) -> tuple[set[Cell], set[Cell]]:
    """The hidden cells of both tables: small counts, then complements until no identity has
    exactly one hidden cell (a work list: an identity is checked again when one of its cells
    becomes hidden)."""
    tables = {"services": services, "agencies": agencies}

    def count(cell: tuple[str, Cell]) -> int:
        name, (index, column) = cell
        value = tables[name][index][column]
        assert isinstance(value, int)
        return value

    hidden: set[tuple[str, Cell]] = {
        (name, (index, column))
        for name, rows in tables.items()
        for index in range(len(rows))
        for column in COUNTS
        if 0 < count((name, (index, column))) < THRESHOLD
    }
    identities = _identities(services, agencies)
    containing: dict[tuple[str, Cell], list[int]] = defaultdict(list)
    for number, cells in enumerate(identities):
        for cell in cells:
            containing[cell].append(number)
    pending = list(range(len(identities)))
    while pending:
        cells = identities[pending.pop()]
        visible = [cell for cell in cells if cell not in hidden]
        if len(cells) - len(visible) != 1:
            continue
        # Hide the smallest non-zero cell left (a zero only when nothing else is left).
        complement = min(visible, key=lambda cell: (count(cell) == 0, count(cell)))
        hidden.add(complement)
        pending.extend(containing[complement])
    return (
        {cell for name, cell in hidden if name == "services"},
        {cell for name, cell in hidden if name == "agencies"},
    )


def open_tables(period: Period) -> dict[str, Table]:
    services = _service_rows(period)
    agencies = _agency_rows(services)
    hidden_services, hidden_agencies = suppress(services, agencies)
    return {
        "services-daily": Table(("day", "agency", "service"), services, hidden_services),
        "agencies-daily": Table(("day", "agency"), agencies, hidden_agencies),
    }


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table.keys, *COUNTS])
    for row in table.published():
        writer.writerow(["" if value is None else value for value in row.values()])
    return out.getvalue()


def as_json(table: Table, period: Period) -> str:
    document = {
        "period": {"from": period.since.isoformat(), "to": period.until.isoformat()},
        "suppression": f"counts from 1 to {THRESHOLD - 1} and their complements are null",
        "columns": [*table.keys, *COUNTS],
        "rows": table.published(),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
