"""Turning domain objects into what a page shows, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone

from kagazsyz.applications.models import Application, Status, Transition
from kagazsyz.applications.services import AWAITING_PAYMENT, NEEDS_OFFICIAL, NOT_RELATED
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.schema import Service
from kagazsyz.core.errors import Message
from kagazsyz.documents.models import Document
from kagazsyz.documents.selectors import document_by_number
from kagazsyz.journeys.models import Journey
from kagazsyz.journeys.selectors import application_actions, journey_of
from kagazsyz.ledger.selectors import events_with_proofs

STATUS_LABELS: dict[str, Message] = {
    Status.DRAFT: Message("Долбоор", "Черновик", "Draft"),
    Status.SUBMITTED: Message("Берилди", "Подано", "Submitted"),
    Status.GATHERING_EVIDENCE: Message("Маалымат алынууда", "Сбор сведений", "Gathering evidence"),
    Status.AWAITING_PAYMENT: Message("Төлөм күтүлүүдө", "Ожидает оплаты", "Awaiting payment"),
    Status.IN_REVIEW: Message("Каралууда", "На рассмотрении", "In review"),
    Status.INFORMATION_REQUESTED: Message(
        "Кошумча маалымат суралды", "Запрошены сведения", "Information requested"
    ),
    Status.APPROVED: Message("Бекитилди", "Одобрено", "Approved"),
    Status.ISSUED: Message("Документ берилди", "Документ выдан", "Document issued"),
    Status.REJECTED: Message("Баш тартылды", "Отказано", "Refused"),
    Status.WITHDRAWN: Message("Кайра алынды", "Отозвано", "Withdrawn"),
}

VERDICT_LABELS: dict[str, Message] = {
    "VALID": Message(
        "ЧЫНЫГЫ: документ жарактуу",
        "ПОДЛИННЫЙ: документ действителен",
        "VALID: the document is genuine",
    ),
    "INVALID": Message("ЖАРАКСЫЗ", "НЕДЕЙСТВИТЕЛЕН", "INVALID"),
    "REVOKED": Message("ЖОККО ЧЫГАРЫЛГАН", "ОТОЗВАН", "REVOKED"),
    "EXPIRED": Message("МӨӨНӨТҮ БҮТКӨН", "СРОК ИСТЁК", "EXPIRED"),
    "UNKNOWN_ISSUER": Message("БЕЛГИСИЗ БЕРҮҮЧҮ", "НЕИЗВЕСТНЫЙ ИЗДАТЕЛЬ", "UNKNOWN ISSUER"),
}

INPUT_TYPES = {"text": "text", "integer": "number", "date": "date", "personal_number": "text"}


def status_label(status: str, language: str) -> str:
    label = STATUS_LABELS.get(status)
    return label.get(language) if label else status


def form_fields(
    service: Service, values: dict[str, Any], errors: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    fields = []
    for item in service.inputs:
        error = errors.get(item.name)
        fields.append(
            {
                "name": item.name,
                "kind": item.type,
                "html_type": INPUT_TYPES.get(item.type, "text"),
                "label": item.labels.get(language),
                "help": item.help.get(language) if item.help else "",
                "required": item.required,
                "max_length": item.max_length,
                "value": values.get(item.name, ""),
                "choices": [(c.value, c.labels.get(language)) for c in item.choices],
                "error": error.get(language) if error else "",
            }
        )
    return fields


def answers_from_post(service: Service, post: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in service.inputs:
        if item.type == "boolean":
            answers[item.name] = item.name in post
        elif item.name in post:
            answers[item.name] = post.get(item.name, "")
    return answers


def applications(items: Any, language: str) -> list[dict[str, Any]]:
    catalog = get_catalog()
    rows = []
    for application in items:
        service = catalog.service(application.service_code)
        rows.append(
            {
                "application": application,
                "service_name": service.names.get(language)
                if service
                else application.service_code,
                "status_label": status_label(application.status, language),
            }
        )
    return rows


def application_page(application: Application, language: str) -> dict[str, Any]:
    service = get_catalog().service(application.service_code)
    reason = application.decision_reason or {}
    documents = list(
        Document.objects.filter(source_ref=str(application.pk)).defer("pdf").order_by("issued_at")
    )
    return {
        "application": application,
        "service": service,
        "status_label": status_label(application.status, language),
        "reason": reason.get(language, ""),
        "timeline": timeline(application, language),
        "actions": application_actions(application, timezone.localdate()),
        "journey": journey_of(application),
        "documents": documents,
        "waiting": application.status in {Status.SUBMITTED, Status.GATHERING_EVIDENCE},
        "waiting_for": _agency_name(application.waiting_for, language)
        if application.waiting_for
        else "",
        "ledger_events": events_with_proofs(
            refs=[application.number, *(document.number for document in documents)]
        ),
    }


# What the system's own transition reasons mean to the citizen. An official's reason (a question,
# a note) and the citizen's own words are shown as they were written.
SYSTEM_REASONS: dict[str, Message] = {
    Status.GATHERING_EVIDENCE: Message(
        "Мамлекет керектүү маалыматты реестрлерден алууда.",
        "Государство получает нужные сведения из реестров.",
        "The state is fetching the data it needs from the registers.",
    ),
    Status.APPROVED: Message(
        "Жарыяланган эреже аткарылды: чечим автоматтык түрдө кабыл алынды.",
        "Опубликованное правило выполнено: решение принято автоматически.",
        "The published rule was met: the decision was made automatically.",
    ),
    Status.IN_REVIEW: NEEDS_OFFICIAL,
    Status.AWAITING_PAYMENT: AWAITING_PAYMENT,
    Status.ISSUED: Message(
        "Документ даяр: «Менин документтерим» бөлүмүндө.",
        "Документ готов: он в разделе «Мои документы».",
        "The document is ready in My documents.",
    ),
}
QUESTION = Message(
    "Кызматкердин суроосу: {text}", "Вопрос сотрудника: {text}", "The officer asks: {text}"
)
ANSWER = Message("Сиздин жообуңуз: {text}", "Ваш ответ: {text}", "Your answer: {text}")
WITHDRAWN = Message(
    "Арызды өзүңүз кайра алдыңыз. {text}",
    "Вы отозвали заявление. {text}",
    "You withdrew the application. {text}",
)


def _reason(step: Transition, application: Application, last: bool, language: str) -> str:
    """The reason of one transition as the citizen should read it, in their language."""
    if step.to_status == Status.INFORMATION_REQUESTED:
        return QUESTION.format(text=step.reason).get(language)
    if step.actor == "citizen" and step.to_status == Status.IN_REVIEW:
        return ANSWER.format(text=step.reason).get(language)
    if step.to_status == Status.WITHDRAWN:
        return WITHDRAWN.format(text=step.reason).get(language).strip()
    if step.to_status == Status.REJECTED and last and application.decision_reason:
        return str(application.decision_reason.get(language, step.reason))
    if step.actor == "system":
        if step.reason.endswith("is not linked to the applicant"):
            return NOT_RELATED.get(language)
        known = SYSTEM_REASONS.get(step.to_status)
        return known.get(language) if known else ""
    return step.reason


def timeline(application: Application, language: str) -> list[dict[str, Any]]:
    """Every transition with its date, a plain label and the reason the citizen reads."""
    steps = list(application.transitions.all())
    return [
        {
            "at": step.at,
            "status": step.to_status,
            "label": status_label(step.to_status, language),
            "reason": _reason(step, application, index == len(steps) - 1, language),
        }
        for index, step in enumerate(steps)
    ]


def journey_steps(journey: Journey, language: str) -> list[dict[str, Any]]:
    catalog = get_catalog()
    rows = []
    for step in journey.steps.all():
        service = catalog.service(step.service_code) if step.service_code else None
        rows.append(
            {
                "step": step,
                "name": service.names.get(language) if service else "",
                "note": (step.note or {}).get(language, ""),
                "application_status": status_label(step.application.status, language)
                if step.application
                else "",
            }
        )
    return rows


YES_NO = {True: Message("Ооба", "Да", "Yes"), False: Message("Жок", "Нет", "No")}


def _claim_rows(result: Any, language: str) -> list[tuple[str, str]]:
    """The verified claims as (label, value) in the reader's language. Labels come from the
    issued document when the register knows it; the QR itself carries only claim names."""
    claims = result.claims or {}
    issued = (
        document_by_number(result.document_number) if result.document_number and claims else None
    )
    labels = {
        c["name"]: c["labels"].get(language, c["name"]) for c in (issued.claims if issued else [])
    }
    rows = []
    for name, value in claims.items():
        shown = YES_NO[value].get(language) if isinstance(value, bool) else str(value)
        rows.append((labels.get(name, name), shown))
    return rows


def verdict(result: Any, language: str) -> dict[str, Any]:
    label = VERDICT_LABELS.get(result.verdict)
    reason = result.reason or {}
    return {
        "code": result.verdict,
        "label": label.get(language) if label else result.verdict,
        "reason": reason.get(language, ""),
        "claims": _claim_rows(result, language),
        "number": result.document_number,
        "issuer": result.issuer,
        "ok": result.verdict == "VALID",
    }


def _agency_name(code: str, language: str) -> str:
    agency = get_catalog().agencies.get(code)
    return agency.names.get(language) if agency else code


def agency_choices(codes: list[str], language: str) -> list[tuple[str, str]]:
    agencies = get_catalog().agencies
    return [
        (code, agencies[code].names.get(language) if code in agencies else code) for code in codes
    ]
