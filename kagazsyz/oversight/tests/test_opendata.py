from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from kagazsyz.oversight.aggregates import aggregates_refresh
from kagazsyz.oversight.opendata import COUNTS, THRESHOLD, _identities, suppress
from kagazsyz.oversight.services import open_data_publish
from kagazsyz.oversight.tests.cases import at, hand_made


def _row(day: str, agency: str, service: str | None = None, **counts: int) -> dict[str, object]:
    decided = counts.get("decided", 0)
    row: dict[str, object] = {"day": day, "agency": agency, **dict.fromkeys(COUNTS, 0)}
    if service:
        row["service"] = service
    row.update(counts)
    row.setdefault("decided_by_official", decided - int(counts.get("decided_auto", 0)))
    return row


def test_small_counts_are_hidden_and_their_complement_too() -> None:
    # One agency, two services on one day: S1 had 3 applications, S2 had 10; the agency 13.
    services = [_row("d", "A", "S1", submitted=3), _row("d", "A", "S2", submitted=10)]
    agencies = [_row("d", "A", submitted=13)]
    hidden_services, hidden_agencies = suppress(services, agencies)
    # 3 < 5 is hidden; 13 - 10 would reveal it, so 10 is hidden as well; 13 stays published.
    assert (0, "submitted") in hidden_services
    assert (1, "submitted") in hidden_services
    assert (0, "submitted") not in hidden_agencies


def test_row_identities_are_protected() -> None:
    # decided 12 = approved 9 + rejected 3 = auto 12 + by official 0
    services = [
        _row("d", "A", "S", submitted=12, decided=12, decided_auto=12, approved=9, rejected=3)
    ]
    agencies = [_row("d", "A", submitted=12, decided=12, decided_auto=12, approved=9, rejected=3)]
    hidden, hidden_agency = suppress(services, agencies)
    assert (0, "rejected") in hidden and (0, "approved") in hidden  # 12 - 9 would give 3
    assert (0, "rejected") in hidden_agency and (0, "approved") in hidden_agency
    assert (0, "decided") not in hidden
    assert (0, "decided_by_official") not in hidden  # a zero reveals nobody


counts = st.integers(min_value=0, max_value=30)


@st.composite
def tables(draw):
    services = []
    for agency in ("A", "B"):
        for service in range(draw(st.integers(1, 4))):
            approved, rejected, auto = draw(counts), draw(counts), draw(counts)
            decided = approved + rejected
            auto = min(auto, decided)
            services.append(
                _row("d", agency, f"{agency}{service}", submitted=draw(counts), decided=decided,
                     decided_auto=auto, approved=approved, rejected=rejected, breaches=draw(counts))
            )  # fmt: skip
    agencies = []
    for agency in ("A", "B"):
        own = [row for row in services if row["agency"] == agency]
        total = _row("d", agency)
        for column in COUNTS:
            total[column] = sum(int(row[column]) for row in own)  # type: ignore[call-overload]
        agencies.append(total)
    return services, agencies


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_hidden_cell_can_be_recovered_by_subtraction(data) -> None:
    services, agencies = data
    hidden_services, hidden_agencies = suppress(services, agencies)
    hidden = {("services", c) for c in hidden_services} | {("agencies", c) for c in hidden_agencies}
    tables_ = {"services": services, "agencies": agencies}
    for name, rows in tables_.items():
        for index, row in enumerate(rows):
            for column in COUNTS:
                if 0 < int(row[column]) < THRESHOLD:
                    assert (name, (index, column)) in hidden
    for cells in _identities(services, agencies):
        assert sum(cell in hidden for cell in cells) != 1


def test_open_data_files_are_stable_parseable_and_anonymous(citizen, client: Client) -> None:
    hand_made(citizen)
    aggregates_refresh(since=dt.date(2025, 11, 1), until=timezone.localdate())
    open_data_publish()
    first = client.get("/open-data/services-daily.csv").content
    assert (
        client.get("/open-data/services-daily.csv").content == first
    )  # same bytes until refreshed
    rows = list(csv.DictReader(io.StringIO(first.decode())))
    assert list(rows[0]) == ["day", "agency", "service", *COUNTS]
    work04 = next(r for r in rows if r["service"] == "WORK-04" and r["day"] == "2026-10-05")
    assert work04["submitted"] == "5"  # B1..B5
    assert work04["rejected"] == ""  # 1 refusal: hidden
    assert work04["approved"] == ""  # its complement: 5 - 1 would give it away
    document = json.loads(client.get("/open-data/agencies-daily.json").content)
    assert document["columns"] == ["day", "agency", *COUNTS]
    gns = next(r for r in document["rows"] if r["agency"] == "GNS" and r["day"] == "2026-10-05")
    assert gns["submitted"] == 5 and gns["rejected"] is None
    for name in ("services-daily.csv", "services-daily.json", "agencies-daily.csv"):
        content = client.get(f"/open-data/{name}").content.decode()
        assert citizen.personal_number not in content
        assert "KG-2026" not in content
    page = client.get("/open-data/?lang=en").content.decode()
    assert "&lt;5" in page  # the public page shows the same suppressed numbers
    assert at("2026-10-05")  # the hand-made month is inside the published year
