"""Writes of the application's life: submit, gather evidence, decide, issue.

Each state change runs in one transaction with its transition row and its ledger entry.
Registry queries run outside those transactions, because each is logged in a transaction of
its own (a look at someone's data stays recorded even if the work later fails).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.applications.answers import clean_answers
from kagazsyz.applications.models import Application, Evidence, NumberSequence, Status, Transition
from kagazsyz.applications.selectors import application_get_for_citizen
from kagazsyz.applications.states import TRANSITIONS, check_move
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.rules import RuleError, evaluate
from kagazsyz.catalog.schema import FAMILY_DATASET, Service
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.core.workdays import add_working_days
from kagazsyz.documents.services import document_issue
from kagazsyz.ledger.selectors import latest_event_payload
from kagazsyz.ledger.services import canonical_json, ledger_append
from kagazsyz.notifications.services import notification_for_transition
from kagazsyz.payments.services import invoice_issue, payment_for_transition
from kagazsyz.registries.client import Answer, Purpose, Transport, registry_query
from kagazsyz.registries.directory import registries
from kagazsyz.registries.errors import RegistryError
from kagazsyz.registries.transports import default_transport
from kagazsyz.tasks.services import task_enqueue

SYSTEM = "system"
UNKNOWN_SERVICE = Message(
    ky="«{code}» деген кызмат жок.",
    ru="Услуги «{code}» не существует.",
    en="There is no service {code!r}.",
)
KEY_REUSED = Message(
    ky="Бул Idempotency-Key башка арыз үчүн колдонулган.",
    ru="Этот Idempotency-Key уже использован для другого заявления.",
    en="This Idempotency-Key was already used for a different application.",
)
NEEDS_OFFICIAL = Message(
    ky="Арыз кызматкерге кароого жөнөтүлдү.",
    ru="Заявление передано на рассмотрение сотруднику.",
    en="The application was passed to an officer for review.",
)
NOT_RELATED = Message(
    ky="Арызда аталган адам калк реестринде сиз менен туугандык байланышта эмес. Кызматкер текшерет.",
    ru="Указанный в заявлении человек не связан с вами в реестре населения. Это проверит сотрудник.",
    en="The person named in the application is not linked to you in the population register. An officer will check.",
)
AWAITING_PAYMENT = Message(
    ky="Мамлекеттик алым төлөнгөндөн кийин арыз каралат.",
    ru="Заявление будет рассмотрено после оплаты государственной пошлины.",
    en="The application proceeds once the state fee is paid.",
)


def service_or_error(code: str) -> Service:
    service = get_catalog().service(code)
    if service is None:
        raise DomainError(
            "unknown_service", UNKNOWN_SERVICE.format(code=code[:20]), status=404, field="service"
        )
    return service


def _next_number(year: int) -> str:
    """KG-2026-000123: one counter row per year, incremented under the row's lock."""
    NumberSequence.objects.get_or_create(year=year)
    NumberSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = NumberSequence.objects.values_list("last", flat=True).get(year=year)
    return f"KG-{year}-{last:06d}"


def _move(
    application: Application, target: Status, *, actor: str, reason: str = "", **extra: Any
) -> None:
    check_move(Status(application.status), target)
    now = timezone.now()
    Transition.objects.create(
        application=application,
        from_status=application.status,
        to_status=target,
        actor=actor,
        reason=reason,
        at=now,
    )
    ledger_append(
        ref=application.number,
        kind="application.transition",
        payload={
            "application": application.number,
            "service": application.service_code,
            "from": application.status,
            "to": target.value,
            "actor": actor,
            **extra,
        },
    )
    application.status = target
    fields = ["status"]
    if target in {Status.APPROVED, Status.REJECTED}:
        application.decided_at = now
        fields.append("decided_at")
    application.save(update_fields=fields)
    notification_for_transition(application, target)
    payment_for_transition(application, target)


def _existing_for_key(
    citizen: User, key: str, service: Service, answers: dict[str, Any]
) -> Application | None:
    found = Application.objects.filter(citizen=citizen, idempotency_key=key).first()
    if found and (found.service_code != service.code or found.answers != answers):
        raise DomainError("idempotency_key_reused", KEY_REUSED, status=409)
    return found


def _create(
    citizen: User, service: Service, answers: dict[str, Any], key: str | None
) -> Application:
    with transaction.atomic():
        now = timezone.now()
        today = timezone.localdate(now)
        application = Application.objects.create(
            number=_next_number(today.year),
            citizen=citizen,
            service_code=service.code,
            service_version=service.version,
            agency_code=service.agency,
            answers=answers,
            status=Status.SUBMITTED,
            idempotency_key=key,
            submitted_at=now,
            due_on=add_working_days(today, service.deadline_working_days),
        )
        Transition.objects.create(
            application=application, to_status=Status.SUBMITTED, actor="citizen", at=now
        )
        ledger_append(
            ref=application.number,
            kind="application.submitted",
            payload={
                "application": application.number,
                "service": service.code,
                "version": service.version,
            },
        )
        # The evidence and the decision run in a worker; the task exists if and only if the
        # application does.
        task_enqueue(
            "applications.process",
            application_id=str(application.pk),
            dedupe_key=f"application:{application.pk}:process",
        )
    return application


def application_submit(
    *,
    citizen: User,
    service_code: str,
    answers: Any,
    idempotency_key: str | None = None,
) -> Application:
    """Submit an application; the same idempotency key returns the same application.

    Evidence gathering and the decision are queued in the same transaction and run in a worker.
    """
    service = service_or_error(service_code)
    cleaned = clean_answers(service, answers)
    key = idempotency_key.strip()[:100] if idempotency_key and idempotency_key.strip() else None
    if key and (existing := _existing_for_key(citizen, key, service, cleaned)):
        return existing
    try:
        application = _create(citizen, service, cleaned, key)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its application.
        existing = _existing_for_key(citizen, key, service, cleaned) if key else None
        if existing is None:
            raise
        return existing
    return application


def _subject_for(item_subject: str, application: Application) -> str:
    if item_subject == "applicant":
        return application.citizen.personal_number
    return str(application.answers[item_subject.removeprefix("input:")])


def _purpose(application: Application, service: Service) -> Purpose:
    return Purpose(
        legal_basis=service.code,
        application_number=application.number,
        description=f"{service.code}: {service.names.en}",
    )


def _family_links(family: dict[str, Any] | None) -> set[str]:
    if not family:
        return set()
    links = {family.get("spouse"), family.get("mother"), family.get("father")}
    links.update(family.get("children") or [], family.get("household") or [])
    return {str(link) for link in links if link}


class NotRelated(Exception):
    """A person named in the form is not linked to the applicant in the population register."""


def _gather(application: Application, service: Service, transport: Transport) -> dict[str, Answer]:
    """Fetch the evidence. For an automatic service, data about a person named in the form is
    fetched only when the applicant's own family record links that person: nobody can obtain a
    stranger's data by typing their personal number."""
    purpose = _purpose(application, service)
    answers: dict[str, Answer] = {}
    for item in sorted(service.evidence, key=lambda item: item.subject != "applicant"):
        subject = _subject_for(item.subject, application)
        if item.subject != "applicant" and service.is_automatic:
            family = next(
                (a.payload for a in answers.values() if a.dataset == FAMILY_DATASET), None
            )
            if subject not in _family_links(family):
                raise NotRelated(item.subject.removeprefix("input:"))
        answers[item.as_] = registry_query(
            dataset_key=item.dataset, subject=subject, purpose=purpose, transport=transport
        )
    return answers


def rule_context(
    application: Application, evidence: dict[str, Any], today: dt.date
) -> dict[str, Any]:
    pin = parse_personal_number(application.citizen.personal_number, today=today)
    applicant = {"personal_number": pin.value, "age": pin.age_on(today), "sex": pin.sex}
    return {
        **evidence,
        "input": application.answers,
        "applicant": applicant,
        "today": today.isoformat(),
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _claim_value(service: Service, expression: str, value: Any) -> Any:
    """A choice answer appears on the document as its label in Kyrgyz and Russian, not its code."""
    name = expression.strip().removeprefix("input.")
    field = next(
        (item for item in service.inputs if item.name == name and item.type == "choice"), None
    )
    choice = next((c for c in field.choices if c.value == value), None) if field else None
    return f"{choice.labels.ky} / {choice.labels.ru}" if choice else _json_value(value)


def _issue(application: Application, service: Service, context: dict[str, Any]) -> None:
    document = service.document
    if document is None:
        return
    claims = [
        {
            "name": claim.name,
            "labels": claim.labels.model_dump(),
            "value": _claim_value(service, claim.expr, evaluate(claim.expr, context)),
        }
        for claim in document.claims
    ]
    agency = get_catalog().agencies[service.agency]
    document_issue(
        holder=application.citizen,
        source_ref=str(application.pk),
        agency_code=service.agency,
        agency_names=agency.names.model_dump(),
        doc_type=document.type,
        titles=document.titles.model_dump(),
        claims=claims,
        validity_days=document.validity_days,
    )
    _move(application, Status.ISSUED, actor=SYSTEM)
    # An issued document may start a life event's cascade (kagazsyz.journeys decides which).
    task_enqueue("journeys.start", application_id=str(application.pk))


def _decide(application: Application, service: Service, answers: dict[str, Answer]) -> None:
    evidence_hashes = {alias: answer.data_access_id for alias, answer in answers.items()}
    # Every paid service is paid before it is decided or reviewed (docs/notifications-and-fees.md).
    if service.fee_som > 0:
        _move(application, Status.AWAITING_PAYMENT, actor=SYSTEM, reason=AWAITING_PAYMENT.en)
        invoice_issue(application=application, amount_som=service.fee_som)
        return
    evidence = {alias: answer.payload for alias, answer in answers.items()}
    _decide_on_evidence(application, service, evidence, evidence_hashes)


def _decide_on_evidence(
    application: Application,
    service: Service,
    evidence: dict[str, Any],
    evidence_hashes: dict[str, int],
) -> None:
    if not service.is_automatic:
        _move(application, Status.IN_REVIEW, actor=SYSTEM, reason=NEEDS_OFFICIAL.en)
        application.decision_reason = NEEDS_OFFICIAL.as_dict()
        application.save(update_fields=["decision_reason"])
        return
    context = rule_context(application, evidence, timezone.localdate())
    rule = service.decision.rule or ""
    try:
        eligible = evaluate(rule, context) is True
    except RuleError as exc:
        _move(application, Status.IN_REVIEW, actor=SYSTEM, reason=f"rule failed: {exc}", rule=rule)
        return
    record = {"rule": rule, "result": eligible, "evidence_access": evidence_hashes}
    if eligible:
        _move(application, Status.APPROVED, actor=SYSTEM, reason="rule satisfied", **record)
        _issue(application, service, context)
    elif service.decision.on_false == "review":
        _move(application, Status.IN_REVIEW, actor=SYSTEM, reason="rule not satisfied", **record)
        application.decision_reason = NEEDS_OFFICIAL.as_dict()
        application.save(update_fields=["decision_reason"])
    else:
        refusal = service.decision.refusal
        _move(
            application,
            Status.REJECTED,
            actor=SYSTEM,
            reason=refusal.en if refusal else "",
            **record,
        )
        application.decision_reason = refusal.model_dump() if refusal else None
        application.save(update_fields=["decision_reason"])


def _store_evidence(application: Application, service: Service, answers: dict[str, Answer]) -> None:
    now = timezone.now()
    datasets = {item.as_: item.dataset for item in service.evidence}
    Evidence.objects.bulk_create(
        Evidence(
            application=application,
            alias=alias,
            dataset=datasets[alias],
            subject_personal_number=answer.subject,
            payload=answer.payload,
            data_access_id=answer.data_access_id,
            fetched_at=now,
        )
        for alias, answer in answers.items()
    )


def _wait_for(application: Application, error: RegistryError) -> Application:
    """Show the citizen which agency the application waits for; the queue retries."""
    agency = registries()[error.registry].agency if error.registry in registries() else ""
    if application.waiting_for != agency:
        application.waiting_for = agency
        application.save(update_fields=["waiting_for"])
    return application


def application_process(*, application_id: Any, transport: Transport | None = None) -> Application:
    """Carry a submitted application through evidence to a decision, as far as the rules allow.

    Safe to call again: it does nothing to an application that is no longer waiting for it.
    When a registry is unavailable the application stays in gathering_evidence, to be resumed.
    """
    application = Application.objects.select_related("citizen").get(pk=application_id)
    service = service_or_error(application.service_code)
    if application.status == Status.SUBMITTED:
        with transaction.atomic():
            _move(application, Status.GATHERING_EVIDENCE, actor=SYSTEM)
    if application.status != Status.GATHERING_EVIDENCE:
        return application
    try:
        answers = _gather(application, service, transport or default_transport())
    except RegistryError as exc:
        if exc.retryable:
            return _wait_for(application, exc)
        with transaction.atomic():
            _move(application, Status.IN_REVIEW, actor=SYSTEM, reason=f"evidence: {exc.outcome}")
        return application
    except NotRelated as exc:
        with transaction.atomic():
            _move(
                application,
                Status.IN_REVIEW,
                actor=SYSTEM,
                reason=f"{exc} is not linked to the applicant",
            )
            application.decision_reason = NOT_RELATED.as_dict()
            application.save(update_fields=["decision_reason"])
        return application
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("citizen").get(pk=application.pk)
        )
        if locked.status != Status.GATHERING_EVIDENCE:
            return locked
        locked.waiting_for = ""
        locked.save(update_fields=["waiting_for"])
        _store_evidence(locked, service, answers)
        _decide(locked, service, answers)
    return locked


def application_decide_after_payment(*, application_id: Any) -> Application:
    """The fee is confirmed (the payments app calls this): decide, or pass to review, on the
    evidence already fetched. Does nothing to an application no longer awaiting payment."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("citizen").get(pk=application_id)
        )
        if application.status != Status.AWAITING_PAYMENT:
            return application
        stored = list(application.evidence.all())
        _decide_on_evidence(
            application,
            service_or_error(application.service_code),
            {item.alias: item.payload for item in stored},
            {item.alias: item.data_access_id for item in stored},
        )
    return application


def catalogue_publish() -> bool:
    """Record the catalogue in the ledger when it differs from the last recorded one.

    Each service's digest is recorded, so anyone can later prove which rule, fee and deadline
    were in force when an application was decided. Returns whether a new record was written.
    """
    services = {
        code: hashlib.sha256(
            canonical_json(service.model_dump(mode="json", by_alias=True)).encode()
        ).hexdigest()
        for code, service in sorted(get_catalog().services.items())
    }
    digest = hashlib.sha256(canonical_json(services).encode()).hexdigest()
    last = latest_event_payload(kind="catalogue.published")
    if last is not None and last.get("digest") == digest:
        return False
    changed = sorted(
        code
        for code, value in services.items()
        if (last or {}).get("services", {}).get(code) != value
    )
    with transaction.atomic():
        ledger_append(
            ref="catalogue",
            kind="catalogue.published",
            payload={"digest": digest, "services": services, "changed": changed},
        )
    return True


NOT_IN_REVIEW = Message(
    ky="Арыз азыр кароодо эмес (абалы: «{status}»).",
    ru="Заявление сейчас не на рассмотрении (состояние: «{status}»).",
    en="The application is not in review (its status is {status}).",
)


def _locked_in_review(application_id: Any) -> Application:
    application = (
        Application.objects.select_for_update().select_related("citizen").get(pk=application_id)
    )
    if application.status != Status.IN_REVIEW:
        raise DomainError(
            "not_in_review", NOT_IN_REVIEW.format(status=application.status), status=409
        )
    return application


def _stored_context(application: Application) -> dict[str, Any]:
    evidence = {item.alias: item.payload for item in application.evidence.all()}
    return rule_context(application, evidence, timezone.localdate())


def application_approve(*, application_id: Any, actor: str, note: str = "") -> Application:
    """Approve a case in review and issue its document from the evidence already fetched.

    The caller (the back office) has checked that ``actor`` may decide this case; this function
    keeps the state machine, the transition row, the ledger entry and the document in one
    transaction, and refuses a case that is no longer in review (a concurrent decision won).
    """
    with transaction.atomic():
        application = _locked_in_review(application_id)
        service = service_or_error(application.service_code)
        _move(application, Status.APPROVED, actor=actor, reason=note)
        application.decision_reason = None
        application.save(update_fields=["decision_reason"])
        _issue(application, service, _stored_context(application))
    return application


def application_refuse(
    *, application_id: Any, actor: str, reason_code: str, text: Message
) -> Application:
    """Refuse a case in review with a coded reason and the text the citizen reads."""
    with transaction.atomic():
        application = _locked_in_review(application_id)
        _move(application, Status.REJECTED, actor=actor, reason=text.en, code=reason_code)
        application.refusal_code = reason_code
        application.decision_reason = text.as_dict()
        application.save(update_fields=["refusal_code", "decision_reason"])
    return application


WITHDRAWABLE = frozenset(s for s, targets in TRANSITIONS.items() if Status.WITHDRAWN in targets)
NOT_WITHDRAWABLE = Message(
    ky="Арызды кайра алууга болбойт: ал «{status}» абалында.",
    ru="Заявление нельзя отозвать: оно в состоянии «{status}».",
    en="The application can no longer be withdrawn: it is {status}.",
)
NOT_AWAITING_ANSWER = Message(
    ky="Бул арыз боюнча сизден маалымат суралган жок (абалы: «{status}»).",
    ru="По этому заявлению у вас не запрашивали сведений (состояние: «{status}»).",
    en="No information was requested from you on this application (it is {status}).",
)
EMPTY_ANSWER = Message(
    ky="Жоопту жазыңыз (2000 белгиден ашпасын).",
    ru="Напишите ответ (не более 2000 символов).",
    en="Write your answer (at most 2,000 characters).",
)
ANSWER_LIMIT = 2000


def _locked_for_citizen(citizen: User, application_id: Any) -> Application:
    """The citizen's own application under a row lock; another's is absent (404)."""
    found = application_get_for_citizen(citizen=citizen, application_id=application_id)
    return Application.objects.select_for_update().select_related("citizen").get(pk=found.pk)


def not_withdrawable(application: Application) -> DomainError:
    return DomainError(
        "not_withdrawable", NOT_WITHDRAWABLE.format(status=application.status), status=409
    )


def application_withdraw(*, citizen: User, application_id: Any, reason: str = "") -> Application:
    """The citizen takes an application back, while no decision has been made on it."""
    with transaction.atomic():
        application = _locked_for_citizen(citizen, application_id)
        if application.status not in WITHDRAWABLE:
            raise not_withdrawable(application)
        _move(application, Status.WITHDRAWN, actor="citizen", reason=reason.strip()[:ANSWER_LIMIT])
    return application


def application_information_answer(*, citizen: User, application_id: Any, text: str) -> Application:
    """The citizen answers an official's request for information; the case returns to review.

    The answer is the transition's reason, which the official reads; the ledger records only
    that an answer was given (it may hold personal data).
    """
    answer = unicodedata.normalize("NFC", text if isinstance(text, str) else "").strip()
    if not answer or len(answer) > ANSWER_LIMIT:
        raise DomainError("invalid_answer", EMPTY_ANSWER, status=422, field="text")
    with transaction.atomic():
        application = _locked_for_citizen(citizen, application_id)
        if application.status != Status.INFORMATION_REQUESTED:
            raise DomainError(
                "no_information_requested",
                NOT_AWAITING_ANSWER.format(status=application.status),
                status=409,
            )
        _move(application, Status.IN_REVIEW, actor="citizen", reason=answer, answered=True)
    return application
