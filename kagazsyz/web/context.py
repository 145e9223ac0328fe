from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "LANGUAGES_AVAILABLE": settings.LANGUAGES,
        "SANDBOX_LOGIN": settings.SANDBOX_LOGIN,
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
    }
