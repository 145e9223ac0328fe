"""Checking a citizen's answers against a service's form, at the edge of the core.

Every problem is reported at once, each with its field and a message in three languages.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from kagazsyz.catalog.schema import Input, Service
from kagazsyz.core.errors import DomainError, Message
from kagazsyz.core.personal_number import parse_personal_number

M = {
    "not_object": Message(
        ky="Жооптор объект (талаа: маани) түрүндө болушу керек.",
        ru="Ответы должны быть объектом (поле: значение).",
        en="Answers must be an object (field: value).",
    ),
    "unknown_field": Message(
        ky="Бул кызматтын формасында «{field}» талаасы жок.",
        ru="В форме этой услуги нет поля «{field}».",
        en="The form of this service has no field {field!r}.",
    ),
    "required": Message(
        ky="«{label}» талаасын толтуруңуз.",
        ru="Заполните поле «{label}».",
        en="Fill in {label!r}.",
    ),
    "too_long": Message(
        ky="«{label}» {limit} белгиден ашпашы керек (азыр {length}).",
        ru="«{label}»: не более {limit} символов (сейчас {length}).",
        en="{label!r} must be at most {limit} characters (it has {length}).",
    ),
    "not_text": Message(
        ky="«{label}» текст болушу керек.",
        ru="«{label}» должно быть текстом.",
        en="{label!r} must be text.",
    ),
    "markup": Message(
        ky="«{label}» талаасында < жана > белгилери болбошу керек.",
        ru="Поле «{label}» не должно содержать знаков < и >.",
        en="{label!r} must not contain the signs < and >.",
    ),
    "control": Message(
        ky="«{label}» талаасында башкаруучу белгилер бар.",
        ru="Поле «{label}» содержит управляющие символы.",
        en="{label!r} contains control characters.",
    ),
    "not_integer": Message(
        ky="«{label}» бүтүн сан болушу керек.",
        ru="«{label}» должно быть целым числом.",
        en="{label!r} must be a whole number.",
    ),
    "out_of_range": Message(
        ky="«{label}» {minimum} менен {maximum} ортосунда болушу керек.",
        ru="«{label}» должно быть от {minimum} до {maximum}.",
        en="{label!r} must be between {minimum} and {maximum}.",
    ),
    "not_date": Message(
        ky="«{label}» КК.АА.ЖЖЖЖ же ЖЖЖЖ-АА-КК түрүндөгү күн болушу керек.",
        ru="«{label}» должно быть датой в формате ДД.ММ.ГГГГ или ГГГГ-ММ-ДД.",
        en="{label!r} must be a date as DD.MM.YYYY or YYYY-MM-DD.",
    ),
    "not_boolean": Message(
        ky="«{label}» ооба же жок болушу керек.",
        ru="«{label}» должно быть «да» или «нет».",
        en="{label!r} must be yes or no.",
    ),
    "bad_choice": Message(
        ky="«{label}» үчүн мындай тандоо жок: {value}.",
        ru="Для «{label}» нет такого варианта: {value}.",
        en="{label!r} has no option {value!r}.",
    ),
    "invalid": Message(
        ky="Жоопторду оңдоңуз: {first}",
        ru="Исправьте ответы: {first}",
        en="Please correct the answers: {first}",
    ),
}


class FieldProblem(Exception):
    def __init__(self, code: str, message: Message) -> None:
        self.code = code
        self.message = message


def _problem(code: str, field: Input, **params: Any) -> FieldProblem:
    labels = field.labels
    message = Message(
        ky=M[code].ky.format(label=labels.ky, **params),
        ru=M[code].ru.format(label=labels.ru, **params),
        en=M[code].en.format(label=labels.en, **params),
    )
    return FieldProblem(code, message)


def _text(field: Input, value: Any) -> str:
    if not isinstance(value, str):
        raise _problem("not_text", field)
    text = unicodedata.normalize("NFC", value).strip()
    if field.max_length is not None and len(text) > field.max_length:
        raise _problem("too_long", field, limit=field.max_length, length=len(text))
    if "<" in text or ">" in text:
        raise _problem("markup", field)
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise _problem("control", field)
    return text


def _integer(field: Input, value: Any) -> int:
    if isinstance(value, bool):
        raise _problem("not_integer", field)
    if (
        isinstance(value, str)
        and value.strip().lstrip("-").isascii()
        and value.strip().lstrip("-").isdigit()
    ):
        value = int(value.strip())
    if not isinstance(value, int):
        raise _problem("not_integer", field)
    low = field.minimum if field.minimum is not None else -(10**9)
    high = field.maximum if field.maximum is not None else 10**9
    if not low <= value <= high:
        raise _problem("out_of_range", field, minimum=low, maximum=high)
    return value


def _date(field: Input, value: Any) -> str:
    if not isinstance(value, str):
        raise _problem("not_date", field)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    raise _problem("not_date", field)


def _boolean(field: Input, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:  # an unticked box is absent from the answers, as from a posted form
        return False
    if value in ("true", "on", "yes", "1"):
        return True
    if value in ("false", "off", "no", "0", ""):
        return False
    raise _problem("not_boolean", field)


def _choice(field: Input, value: Any) -> str:
    allowed = {choice.value for choice in field.choices}
    if not isinstance(value, str) or value not in allowed:
        raise _problem("bad_choice", field, value=str(value)[:40])
    return value


def _personal_number(field: Input, value: Any) -> str:
    if not isinstance(value, str):
        raise _problem("not_text", field)
    try:
        return parse_personal_number(value).value
    except DomainError as exc:
        raise FieldProblem(exc.code, exc.message) from None


PARSERS = {
    "text": _text,
    "integer": _integer,
    "date": _date,
    "boolean": _boolean,
    "choice": _choice,
    "personal_number": _personal_number,
}


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_answers(service: Service, answers: Any) -> dict[str, Any]:
    """Return the answers parsed to their types, or raise one DomainError listing every problem."""
    if not isinstance(answers, dict):
        raise DomainError("invalid_answers", M["not_object"], status=422)
    fields = {field.name: field for field in service.inputs}
    problems: dict[str, FieldProblem] = {}
    for name in answers:
        if name not in fields:
            problems[str(name)[:60]] = FieldProblem(
                "unknown_field", M["unknown_field"].format(field=str(name)[:60])
            )
    cleaned: dict[str, Any] = {}
    for name, field in fields.items():
        value = answers.get(name)
        if _is_empty(value) and field.type != "boolean":
            if field.required:
                problems[name] = _problem("required", field)
            continue
        try:
            cleaned[name] = PARSERS[field.type](field, value)
        except FieldProblem as problem:
            problems[name] = problem
    if problems:
        first = next(iter(problems.values())).message
        raise DomainError(
            "invalid_answers",
            Message(
                ky=M["invalid"].ky.format(first=first.ky),
                ru=M["invalid"].ru.format(first=first.ru),
                en=M["invalid"].en.format(first=first.en),
            ),
            status=422,
            field=next(iter(problems)),
            details={
                "errors": {
                    name: {"code": p.code, **p.message.as_dict()} for name, p in problems.items()
                }
            },
        )
    return cleaned
