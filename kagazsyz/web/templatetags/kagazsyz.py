from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def loc(value: Any, language: str) -> str:
    """A catalogue text (Localized or {"ky", "ru", "en"}) in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("ky") or "")
    getter = getattr(value, "get", None)
    return str(getter(language)) if getter else str(value)


@register.filter
def som(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u00a0")
