"""Who may see which oversight page: only the oversight and auditor roles see the non-public ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kagazsyz.oversight.aggregates import aggregates_refresh
from kagazsyz.oversight.tests.cases import hand_made, person

PRIVATE = [
    "/oversight/",
    "/oversight/agencies/",
    "/oversight/agencies/DRN/",
    "/oversight/services/ID-01/",
    "/oversight/trends/",
    "/oversight/trends/?agency=DRN",
    "/oversight/signals/",
    "/oversight/complaints/",
]
PUBLIC = ["/open-data/", "/open-data/services-daily.csv", "/open-data/agencies-daily.json"]
ROLES = {
    "anonymous": None,
    "citizen": (),
    "official": (("DRN", "official"),),
    "supervisor": (("DRN", "supervisor"),),
    "agency_admin": (("DRN", "agency_admin"),),
    "auditor": (("NATIONAL", "auditor"),),
    "oversight": (("NATIONAL", "oversight"),),
}
ALLOWED = {"auditor", "oversight"}


@pytest.fixture
def data(citizen):
    hand_made(citizen)
    aggregates_refresh(since=dt.date(2026, 9, 1), until=dt.date(2026, 11, 30))


def _client(role: str) -> Client:
    client = Client()
    roles = ROLES[role]
    if roles is not None:
        client.force_login(person(f"7{abs(hash(role)) % 10**13:013d}", role, *roles))
    return client


@pytest.mark.parametrize("role", list(ROLES))
def test_private_pages_only_for_oversight_and_auditors(data, role: str) -> None:
    client = _client(role)
    for url in PRIVATE:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next="), url
        elif role in ALLOWED:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, (role, url)


@pytest.mark.parametrize("role", list(ROLES))
def test_open_data_is_public(data, role: str) -> None:
    client = _client(role)
    for url in PUBLIC:
        assert client.get(url).status_code == 200, url


def test_unknown_agency_service_and_file_are_not_found(data) -> None:
    client = _client("oversight")
    assert client.get("/oversight/agencies/NOPE/").status_code == 404
    assert client.get("/oversight/services/NOPE-01/").status_code == 404
    assert client.get("/open-data/people.csv").status_code == 404
    assert client.get("/open-data/services-daily.xml").status_code == 404


def test_pages_show_their_numbers_and_tables(data) -> None:
    client = _client("auditor")
    html = client.get("/oversight/services/ID-01/?from=2026-10-01&to=2026-10-31&lang=en").content
    text = html.decode()
    assert "<svg" in text and "<script" not in text  # charts work without JavaScript
    assert "the numbers as a table" in text
    assert "5 / 15 working days" in text  # median / p90 of A1..A3
    ranking = client.get("/oversight/agencies/?from=2026-10-01&to=2026-10-31&lang=en").content
    assert b"/oversight/agencies/DRN/" in ranking
