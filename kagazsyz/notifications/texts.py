"""What a citizen is told when an application changes status, in Kyrgyz, Russian and English.

Each text names the application number and the service, and nothing else about the person:
an SMS or an e-mail may be read by someone else, so the details stay behind the log-in.
"""

from __future__ import annotations

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.core.errors import Message

SUBJECT = Message(
    ky="Арыз {number}: {status}",
    ru="Заявление {number}: {status}",
    en="Application {number}: {status}",
)

STATUS_NAMES: dict[str, Message] = {
    "submitted": Message("Кабыл алынды", "Принято", "Received"),
    "gathering_evidence": Message("Маалымат чогултулууда", "Сбор сведений", "Gathering data"),
    "awaiting_payment": Message("Төлөм күтүлүүдө", "Ожидает оплаты", "Awaiting payment"),
    "in_review": Message("Кароодо", "На рассмотрении", "In review"),
    "information_requested": Message(
        "Кошумча маалымат суралды", "Запрошены сведения", "Information requested"
    ),
    "approved": Message("Макулдашылды", "Одобрено", "Approved"),
    "issued": Message("Документ берилди", "Документ выдан", "Document issued"),
    "rejected": Message("Четке кагылды", "Отказано", "Refused"),
    "withdrawn": Message("Кайтарылып алынды", "Отозвано", "Withdrawn"),
}

BODIES: dict[str, Message] = {
    "submitted": Message(
        ky="«{service}» кызматына {number} арызыңыз кабыл алынды.",
        ru="Ваше заявление {number} на услугу «{service}» принято.",
        en="Your application {number} for “{service}” was received.",
    ),
    "gathering_evidence": Message(
        ky="{number} арызы («{service}») кабыл алынды. Керектүү маалыматтарды мамлекет өзү реестрлерден алып жатат.",
        ru="Заявление {number} («{service}») принято. Нужные сведения государство само получает из реестров.",
        en="Application {number} (“{service}”) was received. The state is fetching the data it needs from its registers.",
    ),
    "awaiting_payment": Message(
        ky="{number} арызы («{service}») мамлекеттик алым төлөнгөндөн кийин уланат. Төлөө үчүн арыздын барагын ачыңыз.",
        ru="Заявление {number} («{service}») продолжится после оплаты государственной пошлины. Оплатить можно на странице заявления.",
        en="Application {number} (“{service}”) continues once the state fee is paid. You can pay on the application's page.",
    ),
    "in_review": Message(
        ky="{number} арызы («{service}») кызматкерге кароого жөнөтүлдү.",
        ru="Заявление {number} («{service}») передано на рассмотрение сотруднику.",
        en="Application {number} (“{service}”) was passed to an officer for review.",
    ),
    "information_requested": Message(
        ky="{number} арызы («{service}») боюнча кызматкер кошумча маалымат сурады. Арыздын барагын ачыңыз.",
        ru="По заявлению {number} («{service}») сотрудник запросил дополнительные сведения. Откройте страницу заявления.",
        en="An officer asked for more information on application {number} (“{service}”). Please open the application's page.",
    ),
    "approved": Message(
        ky="{number} арызы («{service}») макулдашылды.",
        ru="Заявление {number} («{service}») одобрено.",
        en="Application {number} (“{service}”) was approved.",
    ),
    "issued": Message(
        ky="{number} арызы («{service}») боюнча документ берилди. Аны «Менин документтерим» бөлүмүнөн жүктөп алыңыз.",
        ru="По заявлению {number} («{service}») выдан документ. Скачайте его в разделе «Мои документы».",
        en="The document for application {number} (“{service}”) was issued. Download it from “My documents”.",
    ),
    "rejected": Message(
        ky="{number} арызы («{service}») боюнча баш тартылды. Себеби арыздын барагында жазылган.",
        ru="По заявлению {number} («{service}») отказано. Причина указана на странице заявления.",
        en="Application {number} (“{service}”) was refused. The reason is on the application's page.",
    ),
    "withdrawn": Message(
        ky="{number} арызы («{service}») кайтарылып алынды.",
        ru="Заявление {number} («{service}») отозвано.",
        en="Application {number} (“{service}”) was withdrawn.",
    ),
}

SIGNATURE = Message(
    ky="Кагазсыз — мамлекеттик кызматтар кагазсыз.",
    ru="Кагазсыз — государственные услуги без бумаги.",
    en="Kagazsyz — state services without paper.",
)


def _service_name(code: str, language: str) -> str:
    service = get_catalog().service(code)
    return service.names.get(language) if service else code


def wording(status: str, number: str, service_code: str, language: str) -> tuple[str, str]:
    """The subject and text telling that application ``number`` moved to ``status``."""
    values = {
        "number": number,
        "service": _service_name(service_code, language),
        "status": STATUS_NAMES[status].get(language),
    }
    return SUBJECT.format(**values).get(language), BODIES[status].format(**values).get(language)
