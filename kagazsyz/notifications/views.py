"""The citizen's inbox and contact settings. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from kagazsyz.accounts.models import User
from kagazsyz.core.errors import DomainError
from kagazsyz.notifications.selectors import (
    contact_for_user,
    notice_wording,
    notices_for_user,
    unread_count,
)
from kagazsyz.notifications.services import contact_update, notices_mark_read
from kagazsyz.web.access import citizen_required


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _render_inbox(
    request: HttpRequest, values: dict[str, Any], error: DomainError | None
) -> HttpResponse:
    user = _user(request)
    notices = list(notices_for_user(user=user)[:100])
    language = (translation.get_language() or "ky")[:2]
    errors = error.details.get("errors", {}) if error else {}
    context = {
        "notices": [(notice, *notice_wording(notice, language)) for notice in notices],
        "unread": unread_count(user=user),
        "languages": settings.LANGUAGES,
        "contact": values,
        "errors": {field: text.get(language, "") for field, text in errors.items()},
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "notifications/inbox.html", context, status=422 if error else 200)


def _contact_values(user: User) -> dict[str, Any]:
    contact = contact_for_user(user=user)
    if contact is None:
        return {
            "email": "",
            "phone": "",
            "email_enabled": False,
            "sms_enabled": False,
            "language": user.language,
        }
    return {
        "language": user.language,
        "email": contact.email,
        "phone": contact.phone,
        "email_enabled": contact.email_enabled,
        "sms_enabled": contact.sms_enabled,
    }


@citizen_required
def inbox(request: HttpRequest) -> HttpResponse:
    return _render_inbox(request, _contact_values(_user(request)), None)


@citizen_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice``) or, without it, all notices read."""
    back = HttpResponseRedirect(reverse("notifications:inbox"))
    raw = request.POST.get("notice", "")
    try:
        notice_id = uuid.UUID(raw) if raw else None
    except ValueError:
        return back
    notices_mark_read(user=_user(request), notice_id=notice_id)
    return back


@citizen_required
@require_POST
def contact(request: HttpRequest) -> HttpResponse:
    email = request.POST.get("email", "")[:254]
    phone = request.POST.get("phone", "")[:32]
    email_enabled = request.POST.get("email_enabled") == "on"
    sms_enabled = request.POST.get("sms_enabled") == "on"
    language = request.POST.get("language", "")[:2]
    values = {
        "language": language,
        "email": email,
        "phone": phone,
        "email_enabled": email_enabled,
        "sms_enabled": sms_enabled,
    }
    try:
        contact_update(
            user=_user(request),
            email=email,
            phone=phone,
            email_enabled=email_enabled,
            sms_enabled=sms_enabled,
            language=language or None,
        )
    except DomainError as error:
        return _render_inbox(request, values, error)
    return HttpResponseRedirect(reverse("notifications:inbox") + "?saved=1")
