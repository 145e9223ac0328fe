"""The X-Road REST transport against the sandbox registries, over real HTTP on loopback."""

from __future__ import annotations

import json
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from kagazsyz.core.env import SettingError
from kagazsyz.registries.client import Purpose, Query, registry_query
from kagazsyz.registries.directory import registries
from kagazsyz.registries.errors import (
    MalformedResponse,
    QueryRefused,
    RegistryUnavailable,
    SubjectNotFound,
)
from kagazsyz.registries.models import DataAccess, Outcome, SandboxResident
from kagazsyz.registries.transports import InProcessTransport
from kagazsyz.registries.xroad import (
    CircuitBreaker,
    ClientId,
    XRoadTransport,
    request_hash,
    xroad_transport_from_settings,
)

pytestmark = pytest.mark.django_db

PURPOSE = Purpose(
    legal_basis="WORK-04", application_number="KG-2026-000001", description="WORK-04: test"
)
CLIENT = "KG-SANDBOX/GOV/70000000/kagazsyz"
UNKNOWN_SUBJECT = "00000000000000"


@dataclass(frozen=True)
class IssueQuery(Query):
    """A query that names its case, as Query will once the issue is wired."""

    issue: str = ""


def _subject(index: int = 0) -> str:
    return str(
        SandboxResident.objects.order_by("personal_number").values_list(
            "personal_number", flat=True
        )[index]
    )


def _query(registry: str, dataset: str, subject: str, **extra: Any) -> Query:
    cls = IssueQuery if extra else Query
    return cls(
        registry=registries()[registry],
        dataset=dataset,
        subject=subject,
        message_id=str(uuid.uuid4()),
        user_id="KG20101199000123",
        **extra,
    )


@pytest.fixture
def make_transport(sandbox: Any) -> Any:
    made: list[XRoadTransport] = []

    def make(**options: Any) -> XRoadTransport:
        settings = {
            "base_url": sandbox.url,
            "instance": "KG-SANDBOX",
            "client": "GOV/70000000/kagazsyz",
            "timeout": 1.0,
            "retries": 2,
            "backoff_seconds": 0.01,
            "failure_threshold": 50,
            "cooldown_seconds": 0.3,
        } | options
        transport = XRoadTransport(**settings)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


def _path(query: Query) -> str:
    r = query.registry
    return f"/r1/KG-SANDBOX/{r.member_class}/{r.member_code}/{r.subsystem}/{query.dataset}/{query.subject}"


# -- answers ---------------------------------------------------------------------------------------


def test_a_query_returns_the_registry_data_with_a_request_hash(sandbox, make_transport):
    subject = _subject()
    transport = make_transport()
    query = _query("tax", "taxpayer_account", subject, issue="KG-2026-000001")

    envelope = transport.fetch(query)

    expected = SandboxResident.objects.get(personal_number=subject).datasets
    assert envelope["subject"] == subject
    assert envelope["dataset"] == "taxpayer_account"
    assert envelope["data"] == expected["tax.taxpayer_account"]
    # The hash covers the X-Road headers as the server received them: the issue was sent.
    sent = {
        "X-Road-Client": CLIENT,
        "X-Road-Id": query.message_id,
        "X-Road-UserId": "KG20101199000123",
        "X-Road-Issue": "KG-2026-000001",
    }
    assert envelope["request_hash"] == request_hash("GET", _path(query), sent)
    assert len(envelope["request_hash"]) == 88  # base64 of 64 bytes


def test_the_answer_echoes_the_x_road_headers(sandbox):
    subject = _subject()
    message_id = str(uuid.uuid4())
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": message_id, "X-Road-UserId": "system"}
    path = f"/r1/KG-SANDBOX/GOV/70000001/egrn/person/{subject}"

    response = httpx.get(sandbox.url + path, headers=headers, timeout=2)

    assert response.status_code == 200
    assert response.headers["X-Road-Id"] == message_id
    assert response.headers["X-Road-Client"] == CLIENT
    assert response.headers["X-Road-Service"] == "KG-SANDBOX/GOV/70000001/egrn/person"
    assert response.headers["X-Road-Request-Hash"] == request_hash("GET", path, headers)
    assert response.json()["data"]["personal_number"] == subject


def test_registry_query_over_x_road_is_logged(sandbox, make_transport):
    subject = _subject(1)

    answer = registry_query(
        dataset_key="population.person",
        subject=subject,
        purpose=PURPOSE,
        transport=make_transport(),
    )

    assert answer.payload["personal_number"] == subject
    access = DataAccess.objects.get(pk=answer.data_access_id)
    assert access.outcome == Outcome.OK
    assert access.message_id == answer.message_id
    assert access.registry == "population"


def test_a_slow_registry_within_the_timeout_answers(sandbox, make_transport):
    sandbox.set_faults(latency_ms=150)
    transport = make_transport(timeout=1.0, retries=0)
    started = time.monotonic()

    envelope = transport.fetch(_query("police", "criminal_records", _subject()))

    assert time.monotonic() - started >= 0.15
    assert "records" in envelope["data"]


def test_an_unknown_subject_is_not_found(sandbox, make_transport):
    transport = make_transport()
    before = sandbox.request_count("tax")

    with pytest.raises(SubjectNotFound):
        transport.fetch(_query("tax", "taxpayer_account", UNKNOWN_SUBJECT))
    assert sandbox.request_count("tax") == before + 1  # an answer: not retried

    with pytest.raises(SubjectNotFound):
        registry_query(
            dataset_key="tax.taxpayer_account",
            subject=UNKNOWN_SUBJECT,
            purpose=PURPOSE,
            transport=transport,
        )
    assert DataAccess.objects.filter(outcome=Outcome.NOT_FOUND).count() == 1


# -- faults ----------------------------------------------------------------------------------------


def test_a_timeout_is_unavailable_after_bounded_retries(sandbox, make_transport):
    sandbox.set_faults(latency_ms=500)
    transport = make_transport(timeout=0.1, retries=2)
    before = sandbox.request_count("tax")
    started = time.monotonic()

    with pytest.raises(RegistryUnavailable, match="no answer within"):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))

    assert time.monotonic() - started < 1.0  # 3 × 0.1 s and two short backoffs
    assert sandbox.request_count("tax") == before + 3


def test_a_server_error_is_retried_then_unavailable(sandbox, make_transport):
    sandbox.set_faults(error_rate=1.0)
    transport = make_transport(retries=2)
    before = sandbox.request_count("tax")

    with pytest.raises(RegistryUnavailable, match="HTTP 500"):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))

    assert sandbox.request_count("tax") == before + 3


def test_random_errors_are_retried_away(sandbox, make_transport):
    sandbox.set_faults(error_rate=0.3, seed=7)
    transport = make_transport(retries=4)
    subject = _subject()
    for _ in range(20):
        assert transport.fetch(_query("tax", "taxpayer_account", subject))["subject"] == subject


def test_malformed_json_is_malformed(sandbox, make_transport):
    sandbox.set_faults(malformed=["tax"])
    transport = make_transport()
    before = sandbox.request_count("tax")

    with pytest.raises(MalformedResponse, match="not JSON"):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))
    assert sandbox.request_count("tax") == before + 1


def test_an_answer_about_another_person_is_refused_by_registry_query(sandbox, make_transport):
    sandbox.set_faults(wrong_subject=["tax"])
    subject = _subject()
    transport = make_transport()
    assert transport.fetch(_query("tax", "taxpayer_account", subject))["subject"] != subject

    with pytest.raises(MalformedResponse, match="another subject"):
        registry_query(
            dataset_key="tax.taxpayer_account",
            subject=subject,
            purpose=PURPOSE,
            transport=transport,
        )
    assert DataAccess.objects.filter(outcome=Outcome.MALFORMED).count() == 1


def test_an_outage_opens_the_circuit_and_recovery_closes_it(sandbox, make_transport):
    transport = make_transport(retries=1, failure_threshold=3, cooldown_seconds=0.3)
    subject = _subject()
    sandbox.set_faults(outage=["tax"])
    before = sandbox.request_count("tax")

    for _ in range(2):  # 2 calls × 2 attempts: the third failed attempt opens the circuit
        with pytest.raises(RegistryUnavailable):
            transport.fetch(_query("tax", "taxpayer_account", subject))
    assert transport.breaker("tax").state == "open"
    reached = sandbox.request_count("tax")
    assert reached == before + 3

    sandbox.set_faults()  # the registry is back, but the circuit is still open
    started = time.monotonic()
    for _ in range(10):
        with pytest.raises(RegistryUnavailable, match="circuit open"):
            transport.fetch(_query("tax", "taxpayer_account", subject))
    assert time.monotonic() - started < 0.1
    assert sandbox.request_count("tax") == reached  # nothing reached the server
    # Other registries have circuits of their own.
    assert transport.fetch(_query("population", "person", subject))["subject"] == subject

    time.sleep(0.35)
    assert transport.breaker("tax").state == "half-open"
    assert transport.fetch(_query("tax", "taxpayer_account", subject))["subject"] == subject
    assert transport.breaker("tax").state == "closed"
    assert sandbox.request_count("tax") == reached + 1


def test_a_failed_probe_opens_the_circuit_again(sandbox, make_transport):
    transport = make_transport(retries=3, failure_threshold=1, cooldown_seconds=0.2)
    sandbox.set_faults(outage=["tax"])
    before = sandbox.request_count("tax")
    with pytest.raises(RegistryUnavailable):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))
    assert sandbox.request_count("tax") == before + 1  # the circuit opened: no more retries

    time.sleep(0.25)
    with pytest.raises(RegistryUnavailable):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))
    assert sandbox.request_count("tax") == before + 2  # one probe only
    assert transport.breaker("tax").state == "open"


def test_an_unreachable_security_server_is_unavailable(make_transport):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = make_transport(base_url=f"http://127.0.0.1:{port}", retries=1)
    with pytest.raises(RegistryUnavailable, match="unreachable"):
        transport.fetch(_query("tax", "taxpayer_account", _subject()))


def test_the_breaker_lets_one_probe_through_at_a_time():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=10, clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow()
    assert not breaker.allow()  # the probe is in flight
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow()


# -- protocol and metadata -------------------------------------------------------------------------


def test_requests_without_x_road_headers_are_bad_requests(sandbox):
    path = f"{sandbox.url}/r1/KG-SANDBOX/GOV/70000002/ais-gns/taxpayer_account/{_subject()}"
    for headers in ({"X-Road-Id": "1"}, {"X-Road-Client": CLIENT}):
        response = httpx.get(path, headers=headers, timeout=2)
        assert response.status_code == 400
        assert response.headers["X-Road-Error"] == "Client.BadRequest"
        assert response.json()["type"] == "Client.BadRequest"


def test_unknown_services_are_x_road_errors(sandbox, make_transport):
    headers = {"X-Road-Client": CLIENT, "X-Road-Id": str(uuid.uuid4())}
    for path in (
        "/r1/KG-SANDBOX/GOV/70000002/ais-gns/no_such_dataset/1",
        "/r1/KG-SANDBOX/GOV/79999999/ais-gns/taxpayer_account/1",
        "/r1/OTHER/GOV/70000002/ais-gns/taxpayer_account/1",
    ):
        response = httpx.get(sandbox.url + path, headers=headers, timeout=2)
        body = response.json()
        assert response.status_code == 404
        assert response.headers["X-Road-Error"] == body["type"]
        assert body["type"] == "Server.ServerProxy.UnknownService"
        assert body["message"]
        uuid.UUID(body["detail"])
    # The transport: a configuration matter, not worth retrying.
    with pytest.raises(QueryRefused):
        make_transport(instance="OTHER").fetch(_query("tax", "taxpayer_account", _subject()))


def test_get_openapi_describes_the_dataset(sandbox):
    url = f"{sandbox.url}/r1/KG-SANDBOX/GOV/70000002/ais-gns/getOpenAPI"
    response = httpx.get(
        url, params={"serviceCode": "taxpayer_account"}, headers={"X-Road-Client": CLIENT}
    )

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/taxpayer_account/{subject}" in document["paths"]
    assert document["servers"] == [{"url": "/r1/KG-SANDBOX/GOV/70000002/ais-gns"}]
    data = document["components"]["schemas"]["Data"]["properties"]
    assert data["debt_som"]["type"] == "number"
    assert data["entrepreneur"]["type"] == "boolean"
    assert data["last_declaration_year"] == {
        "description": "int|null",
        "nullable": True,
        "type": "integer",
    }


def test_list_methods_lists_the_subsystems_datasets(sandbox):
    for method in ("listMethods", "allowedMethods"):
        response = httpx.get(
            f"{sandbox.url}/r1/KG-SANDBOX/GOV/70000001/egrn/{method}",
            headers={"X-Road-Client": CLIENT},
        )
        codes = [service["service_code"] for service in response.json()["service"]]
        assert codes == ["person", "address", "family", "identity_document"]


def test_faults_can_be_set_over_http(sandbox, make_transport):
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"outage": ["tax"]})
    assert response.status_code == 200
    assert response.json()["outage"] == ["tax"]
    with pytest.raises(RegistryUnavailable, match="HTTP 503"):
        make_transport(retries=0).fetch(_query("tax", "taxpayer_account", _subject()))

    bad = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"outage": ["nowhere"]})
    assert bad.status_code == 400
    assert sandbox.faults.outage == {"tax"}

    httpx.post(f"{sandbox.url}/_sandbox/faults", json={})
    assert not sandbox.faults.outage


# -- settings --------------------------------------------------------------------------------------


def test_the_transport_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("REGISTRY_TRANSPORT", raising=False)
    assert isinstance(xroad_transport_from_settings(), InProcessTransport)

    monkeypatch.setenv("REGISTRY_TRANSPORT", "xroad")
    monkeypatch.setenv("XROAD_SECURITY_SERVER", "http://127.0.0.1:8199/")
    monkeypatch.setenv("XROAD_INSTANCE", "KG")
    monkeypatch.setenv("XROAD_CLIENT", "KG/GOV/70000000/kagazsyz")
    monkeypatch.setenv("XROAD_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("XROAD_RETRIES", "1")
    transport = xroad_transport_from_settings()
    assert isinstance(transport, XRoadTransport)
    try:
        assert transport.base_url == "http://127.0.0.1:8199"
        assert transport.client == ClientId("GOV", "70000000", "kagazsyz")
        assert (transport.timeout, transport.retries) == (2.5, 1)
    finally:
        transport.close()

    for name, value in (
        ("XROAD_TIMEOUT_SECONDS", "soon"),
        ("XROAD_CLIENT", "kagazsyz"),
        ("REGISTRY_TRANSPORT", "carrier-pigeon"),
    ):
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            with pytest.raises(SettingError):
                xroad_transport_from_settings()
