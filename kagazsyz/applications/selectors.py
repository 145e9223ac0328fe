"""Reads of applications, always on behalf of someone who may see them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Application
from kagazsyz.core.errors import NOT_FOUND, NotFound


def applications_for_citizen(*, citizen: User) -> QuerySet[Application]:
    return Application.objects.filter(citizen=citizen).order_by("-submitted_at")


def application_get_for_citizen(*, citizen: User, application_id: Any) -> Application:
    """Another person's application is reported as absent (404), never as forbidden."""
    try:
        key = uuid.UUID(str(application_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    found = (
        Application.objects.filter(citizen=citizen, pk=key)
        .prefetch_related("transitions", "evidence")
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found
