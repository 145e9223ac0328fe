"""Every one of the 56 services, end to end, with its published example and sample resident."""

from __future__ import annotations

import pytest

from kagazsyz.accounts.services import citizen_sandbox_login
from kagazsyz.applications.models import Status
from kagazsyz.applications.services import application_approve
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.documents.models import Document
from kagazsyz.documents.verification import verify_pdf
from kagazsyz.registries.sandbox.examples import answers_example

pytestmark = pytest.mark.django_db

SERVICES = sorted(get_catalog().services)


def test_the_catalogue_has_56_services() -> None:
    assert len(SERVICES) == 56


@pytest.mark.parametrize("code", SERVICES)
def test_the_example_of_every_service_ends_with_a_verifiable_document(code, submit, pay) -> None:
    service = get_catalog().services[code]
    example = answers_example(service)
    assert example.resident is not None, f"no sample resident fits {code}"
    citizen = citizen_sandbox_login(personal_number=example.resident)
    application = submit(citizen=citizen, service_code=code, answers=example.answers)
    if service.fee_som > 0:
        # Every paid service waits for its state fee before it is decided or reviewed.
        assert application.status == Status.AWAITING_PAYMENT
        application = pay(application)
    reasons = list(application.transitions.values_list("reason", flat=True))
    if service.is_automatic:
        assert application.status == Status.ISSUED, reasons
    else:
        assert application.status == Status.IN_REVIEW, reasons
        application = application_approve(application_id=application.pk, actor="official:test")
        assert application.status == Status.ISSUED
    document = Document.objects.get(source_ref=str(application.pk))
    assert document.holder_id == citizen.pk
    assert verify_pdf(bytes(document.pdf)).verdict == "VALID"
