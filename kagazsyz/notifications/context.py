from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kagazsyz.accounts.models import User
from kagazsyz.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread counter; counted only on pages that show it."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
