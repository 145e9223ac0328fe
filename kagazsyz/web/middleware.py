"""Language choice: ?lang=, then the session, then the user's preference, then Kyrgyz.

Kyrgyz is the default for everyone; the browser's Accept-Language is not consulted, because
most browsers here announce Russian or English even for Kyrgyz speakers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}
SESSION_KEY = "language"


def choose_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked in SUPPORTED:
        request.session[SESSION_KEY] = asked
        return asked
    stored = request.session.get(SESSION_KEY, "")
    if stored in SUPPORTED:
        return str(stored)
    header = request.headers.get("Accept-Language", "")[:2]
    if request.path.startswith("/api/") and header in SUPPORTED:
        return header
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
