"""A data-access log entry in plain words, in the reader's language."""

from __future__ import annotations

from typing import Any

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import Message
from kagazsyz.registries.directory import registries
from kagazsyz.registries.models import DataAccess

OUTCOMES: dict[str, Message] = {
    "ok": Message("маалымат алынды", "данные получены", "data received"),
    "not_found": Message(
        "реестрде маалымат жок", "в реестре нет сведений", "the register holds nothing"
    ),
    "refused": Message(
        "мыйзамдуу негиз жок болгондуктан четке кагылды",
        "отказано: нет правового основания",
        "refused: no legal basis",
    ),
    "unavailable": Message(
        "реестр жооп берген жок", "реестр не ответил", "the register did not answer"
    ),
    "malformed": Message(
        "жооп туура эмес болчу", "ответ был некорректным", "the answer was malformed"
    ),
}
SYSTEM_REQUESTER = Message(
    ky="Кагазсыз системасы {number} арызы боюнча",
    ru="Система Кагазсыз по заявлению {number}",
    en="The Kagazsyz system, for application {number}",
)
OFFICIAL_REQUESTER = Message(
    ky="{agency} кызматкери",
    ru="Сотрудник: {agency}",
    en="An officer of {agency}",
)
SENTENCE = Message(
    ky="{requester} ({service}; {agency} атынан) «{registry}» реестринен сиздин «{dataset}» маалыматыңызды сурады. Жыйынтык: {outcome}.",
    ru="{requester} ({service}; от имени: {agency}) запросила ваши данные «{dataset}» из реестра «{registry}». Результат: {outcome}.",
    en="{requester} ({service}; on behalf of {agency}) asked the {registry} for your {dataset}. Result: {outcome}.",
)

# An official opening a case in the back office (registry "kagazsyz", dataset "case").
CASE_VIEW = Message(
    ky="{requester} {application} арызыңызды ({service}) жана ага чогултулган маалыматтарды ачып карады.",
    ru="{requester} открыл(а) ваше заявление {application} ({service}) и собранные по нему сведения.",
    en="{requester} opened your application {application} ({service}) and the evidence gathered for it.",
)
CASE_VIEW_REGISTRY = "kagazsyz"


def _agency_name(code: str, language: str) -> str:
    agency = get_catalog().agencies.get(code)
    return agency.short_names.get(language) if agency else code


def describe_access(access: DataAccess, language: str) -> dict[str, Any]:
    registry = registries().get(access.registry)
    dataset = registry.datasets.get(access.dataset) if registry else None
    service = get_catalog().service(access.legal_basis)
    agency = _agency_name(access.requester_agency, language) if access.requester_agency else ""
    if access.requester_kind == "official":
        requester = OFFICIAL_REQUESTER.format(agency=agency).get(language)
    else:
        requester = SYSTEM_REQUESTER.format(number=access.requester_ref or "—").get(language)
    outcome = OUTCOMES.get(access.outcome)
    parts = {
        "requester": requester,
        "agency": agency,
        "service": service.names.get(language) if service else access.legal_basis or "—",
        "registry": registry.names.get(language, access.registry) if registry else access.registry,
        "dataset": dataset.names.get(language, access.dataset) if dataset else access.dataset,
        "outcome": outcome.get(language) if outcome else access.outcome,
    }
    if access.registry == CASE_VIEW_REGISTRY:
        application = (access.purpose or "").split(":", 1)[0] or "—"
        sentence = CASE_VIEW.format(
            requester=requester, application=application, service=parts["service"]
        )
        return {**parts, "sentence": sentence.get(language)}
    return {**parts, "sentence": SENTENCE.format(**parts).get(language)}
