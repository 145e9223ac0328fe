"""One family of domain errors: a stable code and a message in the three languages."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils import translation


@dataclass(frozen=True)
class Message:
    ky: str
    ru: str
    en: str

    def format(self, **params: Any) -> Message:
        return Message(self.ky.format(**params), self.ru.format(**params), self.en.format(**params))

    def get(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "ky")[:2]
        return str(getattr(self, language, self.ky))

    def as_dict(self) -> dict[str, str]:
        return {"ky": self.ky, "ru": self.ru, "en": self.en}


@dataclass
class DomainError(Exception):
    """A business rule refused the request. ``status`` is the HTTP status an edge should use."""

    code: str
    message: Message
    status: int = 400
    field: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message.en}"

    def localized(self, language: str | None = None) -> str:
        return self.message.get(language)


class NotFound(DomainError):
    def __init__(self, what: Message) -> None:
        super().__init__("not_found", what, status=404)


NOT_FOUND = Message(
    ky="Мындай жазуу табылган жок.",
    ru="Такая запись не найдена.",
    en="No such record was found.",
)
