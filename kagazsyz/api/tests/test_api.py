"""The JSON API as the mobile app and agencies use it."""

import json

import pytest
from django.test import Client

from kagazsyz.applications.models import Application
from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db
STATUSES = {
    "submitted", "gathering_evidence", "awaiting_payment", "in_review",
    "information_requested", "approved", "issued", "rejected", "withdrawn",
}  # fmt: skip


def _login(client: Client, personal_number: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": personal_number},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _apply(
    client: Client, auth: dict[str, str], service: str = "WORK-04", key: str = "key-1", **answers
):
    """Submit, then let the queue run as the worker would."""
    response = client.post(
        "/api/v1/applications",
        {"service": service, "answers": answers},
        content_type="application/json",
        headers={**auth, "Idempotency-Key": key},
    )
    run_until_empty()
    return response


def test_certificate_flow_through_the_api(client: Client, citizen) -> None:
    auth = _login(client, citizen.personal_number)
    created = _apply(client, auth)
    assert created.status_code == 201
    body = created.json()
    assert set(body) >= {"id", "number", "status"}
    detail = client.get(f"/api/v1/applications/{body['id']}", headers=auth).json()
    assert detail["status"] == "issued" and detail["status"] in STATUSES
    assert detail["service"] == "WORK-04"
    document_id = detail["documents"][0]["id"]
    pdf = client.get(f"/api/v1/documents/{document_id}/pdf", headers=auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = pdf.content
    verdict = client.post("/api/v1/verify", {"file": _upload(content)})
    assert verdict.json()["verdict"] == "VALID"
    qr = client.get(f"/api/v1/documents/{document_id}", headers=auth).json()["qr"]
    by_qr = client.post("/api/v1/verify", {"qr": qr}, content_type="application/json").json()
    assert by_qr["verdict"] == "VALID"


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("certificate.pdf", content, content_type="application/pdf")


def test_changed_pdf_is_invalid(client: Client, citizen) -> None:
    auth = _login(client, citizen.personal_number)
    application_id = _apply(client, auth).json()["id"]
    document_id = client.get(f"/api/v1/applications/{application_id}", headers=auth).json()[
        "documents"
    ][0]["id"]
    content = client.get(f"/api/v1/documents/{document_id}/pdf", headers=auth).content
    for position in (len(content) // 3, len(content) // 2):
        tampered = content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]
        assert (
            client.post("/api/v1/verify", {"file": _upload(tampered)}).json()["verdict"]
            == "INVALID"
        )


def test_same_idempotency_key_returns_the_same_application(client: Client, citizen) -> None:
    auth = _login(client, citizen.personal_number)
    first = _apply(client, auth, key="same")
    second = _apply(client, auth, key="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Application.objects.filter(citizen=citizen).count() == 1


def test_another_citizens_application_and_document_are_not_found(
    client: Client, citizen, other_citizen
) -> None:
    owner = _login(client, citizen.personal_number)
    stranger = _login(client, other_citizen.personal_number)
    application_id = _apply(client, owner).json()["id"]
    document_id = client.get(f"/api/v1/applications/{application_id}", headers=owner).json()[
        "documents"
    ][0]["id"]
    for url in (f"/api/v1/applications/{application_id}", f"/api/v1/documents/{document_id}/pdf"):
        response = client.get(url, headers=stranger)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/applications", headers=stranger).json() == []


@pytest.mark.parametrize(
    ("language", "needle"), [("ky", "кызмат"), ("ru", "услуг"), ("en", "service")]
)
def test_errors_are_problem_json_in_the_asked_language(
    client: Client, citizen, language, needle
) -> None:
    auth = _login(client, citizen.personal_number)
    response = client.post(
        "/api/v1/applications",
        {"service": "NOPE-01", "answers": {}},
        content_type="application/json",
        headers={**auth, "Accept-Language": language},
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "unknown_service" and problem["status"] == 404
    assert needle in problem["detail"].lower()


def test_field_errors_name_the_field(client: Client, citizen) -> None:
    auth = _login(client, citizen.personal_number)
    response = _apply(client, auth, presented_to="x" * 500)
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "presented_to"
    assert "200" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"personal_number": "123"}, "pin_length"),
        ({"personal_number": "31505198012345"}, "pin_sex_digit"),
        ({"personal_number": "23202198012345"}, "pin_date_impossible"),
        ({"personal_number": "21505198099999"}, "unknown_person"),
        ({}, "malformed_request"),
        ({"personal_number": 5}, "malformed_request"),
    ],
)
def test_login_refusals(client: Client, body, code) -> None:
    response = client.post("/api/v1/sandbox/login", body, content_type="application/json")
    assert response.status_code in {404, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_malformed_json_body_is_a_problem(client: Client, citizen) -> None:
    auth = _login(client, citizen.personal_number)
    response = client.post(
        "/api/v1/applications", "{not json", content_type="application/json", headers=auth
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"


def test_calls_without_a_token_are_refused(client: Client) -> None:
    response = client.get("/api/v1/applications")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_catalogue_and_openapi(client: Client) -> None:
    services = client.get("/api/v1/services").json()
    assert len(services) == 56
    work04 = next(s for s in services if s["code"] == "WORK-04")
    assert work04["decision"] == "auto" and work04["evidence"] == [
        "population.person",
        "tax.taxpayer_account",
    ]
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/applications",
        "/api/v1/verify",
        "/api/v1/sandbox/login",
        "/api/v1/documents/{document_id}/pdf",
    ):
        assert path in spec["paths"]


def test_verify_needs_something_to_verify(client: Client) -> None:
    response = client.post("/api/v1/verify", json.dumps({}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "nothing_to_verify"
    garbage = client.post(
        "/api/v1/verify", {"qr": "KG1:not base45 at all"}, content_type="application/json"
    )
    assert garbage.json()["verdict"] == "INVALID"


def test_the_application_list_costs_the_same_queries_for_many_applications(
    client: Client, citizen, django_assert_max_num_queries
) -> None:
    auth = _login(client, citizen.personal_number)
    for key in ("a", "b", "c", "d"):
        _apply(client, auth, service="HOME-03", key=key)
    with django_assert_max_num_queries(4):  # token, applications, documents
        listed = client.get("/api/v1/applications", headers=auth).json()
    assert len(listed) == 4 and all(len(item["documents"]) == 1 for item in listed)
