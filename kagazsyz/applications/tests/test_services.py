"""The automatic certificate, end to end through the service layer (no HTTP)."""

import pytest

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Application, Evidence, Status, Transition
from kagazsyz.applications.services import application_process
from kagazsyz.applications.tests.answers import answers_for
from kagazsyz.documents.models import Document
from kagazsyz.documents.verification import verify_pdf
from kagazsyz.ledger.models import Entry
from kagazsyz.registries.models import DataAccess

pytestmark = pytest.mark.django_db


def test_tax_certificate_is_issued_with_no_official(citizen, submit) -> None:
    application = submit(
        citizen=citizen, service_code="WORK-04", answers={"presented_to": "Айыл Банк"}
    )
    assert application.status == Status.ISSUED
    assert application.number.startswith("KG-") and len(application.number) == 14
    steps = list(
        Transition.objects.filter(application=application).values_list("to_status", flat=True)
    )
    assert steps == ["submitted", "gathering_evidence", "approved", "issued"]
    document = Document.objects.get(source_ref=str(application.pk))
    claims = {claim["name"]: claim["value"] for claim in document.claims}
    assert claims["has_tax_debt"] is False
    assert claims["full_name"] == citizen.full_name
    assert claims["presented_to"] == "Айыл Банк"
    assert verify_pdf(bytes(document.pdf)).verdict == "VALID"


def test_each_registry_query_is_recorded_with_who_whose_which_and_why(citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="WORK-04", answers={})
    accesses = DataAccess.objects.filter(requester_ref=application.number).order_by("id")
    assert [(a.registry, a.dataset) for a in accesses] == [
        ("population", "person"),
        ("tax", "taxpayer_account"),
    ]
    for access in accesses:
        assert access.subject_personal_number == citizen.personal_number
        assert access.legal_basis == "WORK-04"
        assert access.purpose.startswith("WORK-04")
        assert access.outcome == "ok"
        assert len(access.request_hash) == 64 and len(access.response_hash) == 64
    evidence = Evidence.objects.filter(application=application)
    assert {e.data_access_id for e in evidence} == {a.pk for a in accesses}


def test_tax_debt_refuses_with_the_published_reason(debtor, submit) -> None:
    application = submit(citizen=debtor, service_code="WORK-04", answers={})
    assert application.status == Status.REJECTED
    assert application.decision_reason is not None
    assert "карыз" in application.decision_reason["ky"]
    assert not Document.objects.filter(source_ref=str(application.pk)).exists()


def test_criminal_record_goes_to_an_officer_not_to_refusal(convict, submit) -> None:
    application = submit(citizen=convict, service_code="WORK-01", answers={"purpose": "employment"})
    assert application.status == Status.IN_REVIEW
    clean = submit(citizen=convict, service_code="HOME-03", answers={})
    assert clean.status == Status.ISSUED


@pytest.mark.parametrize(("code", "answers"), [("WORK-01", {"purpose": "visa"}), ("HOME-03", {})])
def test_other_automatic_certificates(citizen, code, answers, submit) -> None:
    application = submit(citizen=citizen, service_code=code, answers=answers)
    assert application.status == Status.ISSUED
    assert Document.objects.filter(source_ref=str(application.pk), holder=citizen).count() == 1


def test_a_choice_appears_on_the_document_as_its_label(citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="WORK-01", answers={"purpose": "employment"})
    document = Document.objects.get(source_ref=str(application.pk))
    claims = {claim["name"]: claim["value"] for claim in document.claims}
    assert claims["purpose"] == "Жумушка орношуу / Трудоустройство"


def test_same_idempotency_key_returns_the_same_application(citizen, submit) -> None:
    first = submit(citizen=citizen, service_code="WORK-04", answers={}, idempotency_key="k-1")
    again = submit(citizen=citizen, service_code="WORK-04", answers={}, idempotency_key="k-1")
    assert again.pk == first.pk
    assert Application.objects.filter(citizen=citizen).count() == 1
    assert Document.objects.filter(holder=citizen).count() == 1


def test_processing_again_changes_nothing(citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="WORK-04", answers={})
    entries = Entry.objects.count()
    again = application_process(application_id=application.pk)
    assert again.status == Status.ISSUED
    assert Entry.objects.count() == entries


def test_every_state_change_has_a_ledger_entry(citizen, submit) -> None:
    before = Entry.objects.count()
    application = submit(citizen=citizen, service_code="WORK-04", answers={})
    kinds = list(Entry.objects.order_by("id").values_list("kind", flat=True)[before:])
    transitions = Transition.objects.filter(application=application).count()
    assert kinds.count("application.submitted") == 1
    assert kinds.count("application.transition") == transitions - 1
    assert kinds.count("data.accessed") == 2
    assert kinds.count("document.issued") == 1
    for entry in Entry.objects.order_by("id")[before:]:
        assert citizen.personal_number not in entry.canonical
        assert citizen.full_name not in entry.canonical


def _living_child(parent) -> str:
    from kagazsyz.registries.models import SandboxResident

    family = SandboxResident.objects.get(personal_number=parent.personal_number).datasets[
        "population.family"
    ]
    for pin in family["children"]:
        if SandboxResident.objects.get(personal_number=pin).datasets["population.person"]["alive"]:
            return str(pin)
    raise AssertionError("the parent persona has no living child")


def test_parent_registers_own_child_at_the_address(parent, submit) -> None:
    application = submit(
        citizen=parent, service_code="BIR-06", answers={"child": _living_child(parent)}
    )
    assert application.status == Status.ISSUED


def test_a_strangers_number_fetches_nothing_about_the_stranger(
    parent, other_citizen, submit
) -> None:
    stranger = other_citizen.personal_number
    application = submit(citizen=parent, service_code="BIR-06", answers={"child": stranger})
    assert application.status == Status.IN_REVIEW
    assert not DataAccess.objects.filter(
        subject_personal_number=stranger, requester_ref=application.number
    ).exists()
    assert application.decision_reason is not None
    assert "реестр" in application.decision_reason["ru"]


def test_the_catalogue_is_recorded_once_until_it_changes() -> None:
    from kagazsyz.applications.services import catalogue_publish

    first = catalogue_publish()
    assert catalogue_publish() is False
    entry = Entry.objects.filter(kind="catalogue.published").latest("id")
    assert '"WORK-04"' in entry.canonical
    assert first is True or Entry.objects.filter(kind="catalogue.published").count() >= 1


def test_online_verification_is_recorded_without_the_verifier(client, citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="HOME-03", answers={})
    document = Document.objects.get(source_ref=str(application.pk))
    client.post("/api/v1/verify", {"qr": document.qr_payload}, content_type="application/json")
    entry = Entry.objects.filter(kind="document.verified", ref=document.number).get()
    assert '"verdict":"VALID"' in entry.canonical and '"channel":"api"' in entry.canonical


def test_submission_sets_the_legal_deadline_in_working_days(citizen: User) -> None:
    from django.utils import timezone

    from kagazsyz.applications.services import application_submit
    from kagazsyz.catalog.loader import get_catalog
    from kagazsyz.core.workdays import add_working_days, working_days_between

    service = get_catalog().service("BIR-04")
    assert service is not None and service.deadline_working_days > 0
    application = application_submit(
        citizen=citizen, service_code="BIR-04", answers={"holder": citizen.personal_number}
    )
    submitted = timezone.localdate(application.submitted_at)
    assert application.due_on == add_working_days(submitted, service.deadline_working_days)
    assert working_days_between(submitted, application.due_on) == service.deadline_working_days


def test_an_approved_review_case_gets_its_document(citizen: User, submit) -> None:
    from kagazsyz.applications.services import application_approve

    application = submit(
        citizen=citizen, service_code="ID-07", answers=answers_for("ID-07", citizen)
    )
    assert application.status == Status.IN_REVIEW
    application = application_approve(application_id=application.pk, actor="official:test")
    assert application.status == Status.ISSUED
    document = Document.objects.get(source_ref=str(application.pk))
    assert verify_pdf(bytes(document.pdf)).verdict == "VALID"


def test_a_refused_case_keeps_its_code_and_text_and_cannot_be_decided_again(
    citizen: User, submit
) -> None:
    from kagazsyz.applications.services import application_approve, application_refuse
    from kagazsyz.core.errors import DomainError, Message

    application = submit(
        citizen=citizen, service_code="ID-07", answers=answers_for("ID-07", citizen)
    )
    text = Message(ky="Документ жетишсиз.", ru="Не хватает документа.", en="A document is missing.")
    application = application_refuse(
        application_id=application.pk, actor="official:test", reason_code="missing", text=text
    )
    assert application.status == Status.REJECTED
    assert application.refusal_code == "missing"
    assert application.decision_reason == text.as_dict()
    with pytest.raises(DomainError) as raised:
        application_approve(application_id=application.pk, actor="official:other")
    assert raised.value.code == "not_in_review"
    assert not Document.objects.filter(source_ref=str(application.pk)).exists()
