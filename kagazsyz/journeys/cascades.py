"""Which follow-up steps a life event's registration starts (FACTS §5.1), as data.

Each step is a catalogue service the platform submits for the citizen where the law needs no
choice of theirs (``application``), one it prepares for a one-click confirmation (``offer``), one
it invites the citizen to at the right age (``invitation``), or something the agencies do among
themselves and the citizen only learns of (``notice``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kagazsyz.core.errors import Message
from kagazsyz.journeys.models import StepKind

# The kindergarten e-queue takes a child from six months (EDU-01's rule: 4,380 hours, 182.5 days).
KINDERGARTEN_AFTER_DAYS = 183


@dataclass(frozen=True)
class Facts:
    """What a step needs to know about the event: who it is about, and the answers given."""

    citizen_number: str
    citizen_sex: str  # "F" or "M"
    subject_number: str  # the newborn or the deceased
    answers: dict[str, Any]
    event_day: dt.date  # the birth or the death


@dataclass(frozen=True)
class StepSpec:
    key: str
    kind: StepKind
    note: Message
    service_code: str = ""
    answers: Callable[[Facts], dict[str, Any]] = lambda facts: {}
    # An application step the law lets the platform submit only for some citizens; for the
    # others it becomes an offer (the birth payment goes to the mother).
    submit_if: Callable[[Facts], bool] = lambda facts: True
    due: Callable[[Facts], dt.date] | None = None


def _child(facts: Facts) -> dict[str, Any]:
    return {"child": facts.subject_number}


def _deceased(facts: Facts) -> dict[str, Any]:
    return {"deceased": facts.subject_number}


# Both DTH-01 and DTH-03 ask who the deceased was to the applicant; DTH-03 knows fewer relations.
SURVIVOR = {"spouse": "spouse", "parent": "parent", "child": "child"}


def _survivor(facts: Facts) -> dict[str, Any]:
    relation = SURVIVOR.get(str(facts.answers.get("relationship")), "other_dependant")
    return {"deceased": facts.subject_number, "relationship": relation}


BIRTH: tuple[StepSpec, ...] = (
    StepSpec(
        "personal_number",
        StepKind.NOTICE,
        Message(
            ky="Балага жеке идентификациялык номер (ПИН) ыйгарылды: {subject}.",
            ru="Ребёнку присвоен персональный идентификационный номер (ПИН): {subject}.",
            en="The child was given a personal number (PIN): {subject}.",
        ),
    ),
    StepSpec(
        "BIR-05",
        StepKind.APPLICATION,
        Message(
            ky="«Балага сүйүнчү» төлөмүнө арыз сиздин атыңыздан берилди.",
            ru="Заявление на выплату «Балага сүйүнчү» подано от вашего имени.",
            en="The «Balaga süyünchü» birth payment was applied for on your behalf.",
        ),
        service_code="BIR-05",
        answers=_child,
        submit_if=lambda facts: facts.citizen_sex == "F",
    ),
    StepSpec(
        "BIR-06",
        StepKind.APPLICATION,
        Message(
            ky="Баланы сиздин дарегиңизге каттоо арызы берилди.",
            ru="Подано заявление о регистрации ребёнка по вашему адресу.",
            en="The child's registration at your address was applied for.",
        ),
        service_code="BIR-06",
        answers=_child,
    ),
    StepSpec(
        "BIR-07",
        StepKind.APPLICATION,
        Message(
            ky="Баланы сиздин үй-бүлөлүк медицина борборуңузга каттоо арызы берилди.",
            ru="Подано заявление о прикреплении ребёнка к вашему центру семейной медицины.",
            en="The child's enrolment with your family-medicine centre was applied for.",
        ),
        service_code="BIR-07",
        answers=_child,
    ),
    StepSpec(
        "EDU-01",
        StepKind.INVITATION,
        Message(
            ky="Бала 6 айга толгондо бала бакчага электрондук кезекке жазылууга чакыруу келет.",
            ru="Когда ребёнку исполнится 6 месяцев, придёт приглашение встать в электронную очередь в детский сад.",
            en="When the child is six months old, you are invited to join the kindergarten e-queue.",
        ),
        service_code="EDU-01",
        answers=lambda facts: {"child": facts.subject_number, "priority": "none"},
        due=lambda facts: facts.event_day + dt.timedelta(days=KINDERGARTEN_AFTER_DAYS),
    ),
)

DEATH: tuple[StepSpec, ...] = (
    StepSpec(
        "HOME-02",
        StepKind.NOTICE,
        Message(
            ky="Маркум жашаган дареги боюнча каттоодон чыгарылды.",
            ru="Умерший снят с регистрации по месту жительства.",
            en="The deceased was de-registered from their address.",
        ),
        service_code="HOME-02",
    ),
    StepSpec(
        "id_cancelled",
        StepKind.NOTICE,
        Message(
            ky="Маркумдун ID-картасы жокко чыгарылды.",
            ru="ID-карта умершего аннулирована.",
            en="The deceased's ID card was cancelled.",
        ),
    ),
    StepSpec(
        "pension_stopped",
        StepKind.NOTICE,
        Message(
            ky="Социалдык фонд маркумдун пенсиясын токтотту.",
            ru="Социальный фонд прекратил выплату пенсии умершему.",
            en="The Social Fund stopped the deceased's pension.",
        ),
    ),
    StepSpec(
        "DTH-02",
        StepKind.APPLICATION,
        Message(
            ky="Сөөк коюуга жөлөкпулга арыз сиздин атыңыздан берилди.",
            ru="Заявление на пособие на погребение подано от вашего имени.",
            en="The burial allowance was applied for on your behalf.",
        ),
        service_code="DTH-02",
        answers=_deceased,
    ),
    StepSpec(
        "DTH-03",
        StepKind.OFFER,
        Message(
            ky="Асыраучусун жоготкондугу боюнча пенсияга арыз даяр: бир басуу менен жөнөтүңүз.",
            ru="Заявление на пенсию по случаю потери кормильца готово: отправьте одним нажатием.",
            en="A survivor's pension application is ready: send it with one click.",
        ),
        service_code="DTH-03",
        answers=_survivor,
    ),
    StepSpec(
        "DTH-04",
        StepKind.OFFER,
        Message(
            ky="Нотариус үчүн маркумдун кыймылсыз мүлкү тууралуу маалымкатка арыз даяр.",
            ru="Заявление на справку о недвижимости умершего для нотариуса готово.",
            en="An application for the deceased's real-estate certificate for the notary is ready.",
        ),
        service_code="DTH-04",
        answers=_deceased,
    ),
)

NEW_NAME: tuple[StepSpec, ...] = (
    StepSpec(
        "ID-02",
        StepKind.OFFER,
        Message(
            ky="Фамилияңыз өзгөрдү: ID-картаны алмаштыруу арызы даяр, тейлөө борборун гана тандаңыз.",
            ru="Ваша фамилия изменилась: заявление на замену ID-карты готово, выберите только центр обслуживания.",
            en="Your name changed: an ID card exchange is prepared; only choose the service centre.",
        ),
        service_code="ID-02",
        answers=lambda facts: {"reason": "name_changed"},
    ),
)

# The services whose issued document starts a journey, with the life event and its steps.
CASCADES: dict[str, tuple[str, tuple[StepSpec, ...]]] = {
    "BIR-01": ("BIRTH", BIRTH),
    "DTH-01": ("DEATH", DEATH),
    "FAM-01": ("FAMILY", NEW_NAME),
    "FAM-04": ("FAMILY", NEW_NAME),
}
# A marriage changes the ID card only when the applicant takes another surname.
STARTS_IF: dict[str, Callable[[dict[str, Any]], bool]] = {
    "FAM-01": lambda answers: answers.get("surname_after") != "keep",
}
