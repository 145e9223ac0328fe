"""'Who looked at my data': the log, its plain-words view, filters, flagging, and refusals."""

import pytest
from django.test import Client
from django.utils import timezone

from kagazsyz.ledger.models import Entry
from kagazsyz.registries.client import Purpose, registry_query
from kagazsyz.registries.errors import QueryRefused
from kagazsyz.registries.models import DataAccess, DataAccessCase
from kagazsyz.registries.services import data_access_flag
from kagazsyz.registries.transports import InProcessTransport

pytestmark = pytest.mark.django_db


def _query(
    subject: str,
    dataset: str = "tax.taxpayer_account",
    basis: str = "WORK-04",
    description: str = "x",
):
    purpose = Purpose(
        legal_basis=basis, application_number="KG-2026-000042", description=description
    )
    return registry_query(
        dataset_key=dataset, subject=subject, purpose=purpose, transport=InProcessTransport()
    )


def test_a_query_outside_its_legal_basis_is_refused_and_recorded(citizen) -> None:
    with pytest.raises(QueryRefused):
        _query(citizen.personal_number, dataset="police.criminal_records", basis="WORK-04")
    refused = DataAccess.objects.get(subject_personal_number=citizen.personal_number)
    assert refused.outcome == "refused" and refused.dataset == "criminal_records"
    assert Entry.objects.filter(
        kind="data.accessed", canonical__contains='"outcome":"refused"'
    ).exists()


def test_a_query_with_no_purpose_is_refused_and_recorded(citizen) -> None:
    with pytest.raises(QueryRefused):
        _query(citizen.personal_number, description="")
    assert (
        DataAccess.objects.get(subject_personal_number=citizen.personal_number).outcome == "refused"
    )


def test_the_query_records_the_agency_that_asked(citizen) -> None:
    answer = _query(citizen.personal_number)
    access = DataAccess.objects.get(pk=answer.data_access_id)
    assert (access.requester_agency, access.agency, access.registry) == ("GNS", "GNS", "tax")


def _login(client: Client, personal_number: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": personal_number},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_api_lists_every_look_with_the_required_fields(
    client: Client, citizen, other_citizen
) -> None:
    _query(citizen.personal_number)
    _query(other_citizen.personal_number)
    entries = client.get(
        "/api/v1/me/data-access",
        headers={**_login(client, citizen.personal_number), "Accept-Language": "en"},
    ).json()
    assert len(entries) == 1
    entry = entries[0]
    for key in (
        "at",
        "requester",
        "agency",
        "registry",
        "dataset",
        "purpose",
        "legal_basis",
        "outcome",
    ):
        assert entry[key] not in (None, ""), key
    assert entry["legal_basis"] == "WORK-04" and entry["registry"] == "tax"
    assert "KG-2026-000042" in entry["description"] and "Taxpayer account" in entry["description"]


def test_api_filters_by_agency_and_period(client: Client, citizen) -> None:
    _query(citizen.personal_number)
    auth = _login(client, citizen.personal_number)
    today = timezone.localdate().isoformat()
    assert (
        len(client.get(f"/api/v1/me/data-access?agency=GNS&from={today}", headers=auth).json()) == 1
    )
    assert client.get("/api/v1/me/data-access?agency=MVD", headers=auth).json() == []
    assert client.get("/api/v1/me/data-access?to=2000-01-01", headers=auth).json() == []
    bad = client.get("/api/v1/me/data-access?from=yesterday", headers=auth)
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"


def test_flagging_opens_one_case_for_the_agency(client: Client, citizen) -> None:
    access_id = _query(citizen.personal_number).data_access_id
    auth = _login(client, citizen.personal_number)
    response = client.post(
        f"/api/v1/me/data-access/{access_id}/flag",
        {"reason": "Мен бул арызды берген эмесмин"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201
    case = DataAccessCase.objects.get()
    assert case.agency == "GNS" and case.status == "open"
    again = client.post(
        f"/api/v1/me/data-access/{access_id}/flag",
        {"reason": "again"},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 409
    assert client.get("/api/v1/me/data-access", headers=auth).json()[0]["flagged"] is True
    assert Entry.objects.filter(kind="data_access.flagged").count() == 1


def test_nobody_can_flag_someone_elses_entry(citizen, other_citizen) -> None:
    from kagazsyz.core.errors import DomainError

    access_id = _query(citizen.personal_number).data_access_id
    with pytest.raises(DomainError) as caught:
        data_access_flag(citizen=other_citizen, data_access_id=access_id, reason="curious")
    assert caught.value.status == 404
    assert not DataAccessCase.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "bad\x00"])
def test_a_flag_needs_a_real_reason(citizen, reason) -> None:
    from kagazsyz.core.errors import DomainError

    access_id = _query(citizen.personal_number).data_access_id
    with pytest.raises(DomainError) as caught:
        data_access_flag(citizen=citizen, data_access_id=access_id, reason=reason)
    assert caught.value.code == "invalid_reason" and caught.value.field == "reason"
    assert not DataAccessCase.objects.exists()


@pytest.mark.parametrize(
    ("language", "needle"),
    [("ky", "маалыматыңызды сурады"), ("ru", "запросила ваши данные"), ("en", "asked the")],
)
def test_page_says_it_in_plain_words_and_lets_one_flag(
    client: Client, citizen, language, needle
) -> None:
    access_id = _query(citizen.personal_number).data_access_id
    client.post("/login/", {"personal_number": citizen.personal_number})
    html = client.get(f"/me/data-access/?lang={language}").content.decode()
    assert needle in html and "KG-2026-000042" in html
    response = client.post(f"/me/data-access/{access_id}/flag/", {"reason": "suspicious"})
    assert response.status_code == 302
    assert DataAccessCase.objects.filter(data_access_id=access_id).exists()
