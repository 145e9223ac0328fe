"""The personal identification number (ПИН): 14 digits.

Position 1 is the sex (1 female, 2 male), positions 2-9 the birth date DDMMYYYY, positions 10-14
a serial. The serial's last digit may be a check digit, but no source confirms the algorithm, so
it is not checked (see docs/adr/0003-personal-number.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kagazsyz.core.errors import DomainError, Message

LENGTH = 14
ASCII_DIGITS = frozenset("0123456789")

MESSAGES = {
    "pin_empty": Message(
        ky="Жеке идентификациялык номерди (ПИН) жазыңыз.",
        ru="Введите персональный идентификационный номер (ПИН).",
        en="Enter the personal identification number (PIN).",
    ),
    "pin_length": Message(
        ky="ПИН 14 сандан турушу керек, сиз {length} белги жаздыңыз.",
        ru="ПИН должен состоять из 14 цифр, введено символов: {length}.",
        en="A PIN has 14 digits; you entered {length} characters.",
    ),
    "pin_not_digits": Message(
        ky="ПИНде 0дөн 9га чейинки сандар гана болушу керек (тамга, боштук же башка белги болбошу керек).",
        ru="ПИН может содержать только цифры от 0 до 9 (без букв, пробелов и других знаков).",
        en="A PIN may contain only the digits 0 to 9 (no letters, spaces or other signs).",
    ),
    "pin_sex_digit": Message(
        ky="ПИНдин биринчи саны 1 (аял) же 2 (эркек) болушу керек, {digit} эмес.",
        ru="Первая цифра ПИН должна быть 1 (женский пол) или 2 (мужской пол), а не {digit}.",
        en="The first digit of a PIN must be 1 (female) or 2 (male), not {digit}.",
    ),
    "pin_date_impossible": Message(
        ky="ПИНдин 2–9 сандары туулган күн (ККААЖЖЖЖ) болушу керек; {date} — мындай күн жок.",
        ru="Цифры 2–9 ПИН — дата рождения (ДДММГГГГ); даты {date} не существует.",
        en="Digits 2-9 of a PIN are the birth date (DDMMYYYY); {date} is not a real date.",
    ),
    "pin_date_future": Message(
        ky="ПИНдеги туулган күн {date} келечекте.",
        ru="Дата рождения в ПИН ({date}) ещё не наступила.",
        en="The birth date in the PIN ({date}) is in the future.",
    ),
    "pin_date_too_old": Message(
        ky="ПИНдеги туулган жыл {year} 1900-жылдан мурда болушу мүмкүн эмес.",
        ru="Год рождения в ПИН ({year}) не может быть раньше 1900.",
        en="The birth year in the PIN ({year}) cannot be before 1900.",
    ),
}


@dataclass(frozen=True)
class PersonalNumber:
    value: str
    sex: str  # "F" or "M"
    birth_date: dt.date

    def __str__(self) -> str:
        return self.value

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


def _error(code: str, **params: object) -> DomainError:
    return DomainError(code, MESSAGES[code].format(**params), status=422, field="personal_number")


def parse_personal_number(raw: str, *, today: dt.date | None = None) -> PersonalNumber:
    """Parse and check a PIN; raise DomainError with a distinct code for each way it is wrong."""
    value = raw.strip()
    if not value:
        raise _error("pin_empty")
    if not set(value) <= ASCII_DIGITS:
        raise _error("pin_not_digits")
    if len(value) != LENGTH:
        raise _error("pin_length", length=len(value))
    if value[0] not in "12":
        raise _error("pin_sex_digit", digit=value[0])
    day, month, year = int(value[1:3]), int(value[3:5]), int(value[5:9])
    shown = f"{value[1:3]}.{value[3:5]}.{value[5:9]}"
    if year < 1900:
        raise _error("pin_date_too_old", year=year)
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise _error("pin_date_impossible", date=shown) from None
    if birth_date > (today or timezone.localdate()):
        raise _error("pin_date_future", date=shown)
    return PersonalNumber(value=value, sex="F" if value[0] == "1" else "M", birth_date=birth_date)


def make_personal_number(*, sex: str, birth_date: dt.date, serial: int) -> str:
    """Compose a PIN; used by the sandbox population and tests."""
    if sex not in {"F", "M"} or not 0 <= serial <= 99999:
        raise ValueError("sex must be F or M and serial 0..99999")
    return f"{1 if sex == 'F' else 2}{birth_date:%d%m%Y}{serial:05d}"
