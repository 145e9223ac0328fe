"""GET /api/v1/services/{code} gives the form as JSON Schema and answers that really work."""

import pytest
from django.test import Client

from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db


def test_a_service_carries_its_schema_and_a_working_example(client: Client) -> None:
    body = client.get("/api/v1/services/BIR-06").json()
    schema = body["answers_schema"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    child = schema["properties"]["child"]
    assert child["format"] == "kg-personal-number" and child["pattern"].startswith("^[12]")
    assert set(child["x-labels"]) == {"ky", "ru", "en"}
    resident = body["answers_example_resident"]
    token = client.post(
        "/api/v1/sandbox/login", {"personal_number": resident}, content_type="application/json"
    ).json()["token"]
    created = client.post(
        "/api/v1/applications",
        {"service": "BIR-06", "answers": body["answers_example"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "example-1"},
    )
    assert created.status_code == 201
    run_until_empty()
    detail = client.get(
        f"/api/v1/applications/{created.json()['id']}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert detail["status"] == "issued" and detail["due_on"]


def test_choices_are_enums_with_labels(client: Client) -> None:
    schema = client.get("/api/v1/services/DTH-01").json()["answers_schema"]
    relationship = schema["properties"]["relationship"]
    assert relationship["enum"] == ["spouse", "parent", "child", "other_relative", "other"]
    assert relationship["x-enum-labels"]["parent"]["ru"] == "Родитель"
    assert schema["properties"]["date_of_death"]["format"] == "date"
    assert schema["additionalProperties"] is False
