"""An application whose registry is down waits, shows whom it waits for, and resumes by itself.

Over real HTTP on loopback: the sandbox registries server, the X-Road REST transport, the task
queue and the worker's code path.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kagazsyz.applications import services as application_services
from kagazsyz.applications.models import Status
from kagazsyz.applications.services import application_submit
from kagazsyz.registries.models import DataAccess
from kagazsyz.registries.xroad import XRoadTransport
from kagazsyz.tasks.models import Task
from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db


@pytest.fixture
def over_http(sandbox, monkeypatch):
    """The platform configured to reach its registries over X-Road REST, as in the demo."""
    transport = XRoadTransport(
        base_url=sandbox.url, timeout=1.0, retries=1, backoff_seconds=0.01, cooldown_seconds=0.2
    )
    monkeypatch.setattr(application_services, "default_transport", lambda: transport)
    yield sandbox
    transport.close()


def test_registry_down_then_back(over_http, citizen, client: Client) -> None:
    over_http.set_faults(outage=["tax"])
    application = application_submit(citizen=citizen, service_code="WORK-04", answers={})
    run_until_empty()
    application.refresh_from_db()
    assert application.status == Status.GATHERING_EVIDENCE
    assert application.waiting_for == "GNS"
    task = Task.objects.get(arguments__application_id=str(application.pk))
    assert task.status == "queued" and task.attempts == 1 and task.run_after > timezone.now()
    assert DataAccess.objects.filter(
        requester_ref=application.number, outcome="unavailable"
    ).exists()

    client.post("/login/", {"personal_number": citizen.personal_number})
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "Waiting for State Tax Service" in page

    over_http.set_faults()
    run_until_empty(now=timezone.now() + dt.timedelta(minutes=10))
    application.refresh_from_db()
    assert application.status == Status.ISSUED and application.waiting_for == ""
    assert Task.objects.get(pk=task.pk).status == "done"
    ok = DataAccess.objects.filter(requester_ref=application.number, outcome="ok", registry="tax")
    assert ok.count() == 1 and len(ok.get().exchange_request_hash) > 40


def test_an_answer_about_someone_else_is_never_used(over_http, citizen) -> None:
    over_http.set_faults(wrong_subject=["tax"])
    application = application_submit(citizen=citizen, service_code="WORK-04", answers={})
    run_until_empty()
    application.refresh_from_db()
    assert application.status == Status.GATHERING_EVIDENCE
    assert not application.evidence.exists()
    assert DataAccess.objects.filter(requester_ref=application.number, outcome="malformed").exists()
