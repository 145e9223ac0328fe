"""Reads of journeys, complaints and the citizen's possible actions on an application."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Application, Status, Transition
from kagazsyz.applications.services import WITHDRAWABLE
from kagazsyz.applications.states import FINAL
from kagazsyz.core.errors import NOT_FOUND, NotFound
from kagazsyz.journeys.models import Complaint, ComplaintStatus, Journey

# A case the citizen may rate: a decision was made (a document issued or a refusal).
RATEABLE = frozenset({Status.ISSUED, Status.REJECTED})


def journeys_for_citizen(*, citizen: User) -> QuerySet[Journey]:
    return (
        Journey.objects.filter(citizen=citizen)
        .select_related("trigger_application")
        .prefetch_related("steps")
        .order_by("-started_at")
    )


def journey_get_for_citizen(*, citizen: User, journey_id: Any) -> Journey:
    """Another person's journey is reported as absent (404), never as forbidden."""
    try:
        key = uuid.UUID(str(journey_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    found = (
        Journey.objects.filter(citizen=citizen, pk=key)
        .select_related("trigger_application")
        .prefetch_related("steps__application")
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def application_is_overdue(application: Application, today: dt.date) -> bool:
    """Past its legal deadline: still open after ``due_on``, or decided after it."""
    if application.due_on is None or application.status == Status.WITHDRAWN:
        return False
    if application.status in FINAL or application.decided_at is not None:
        decided = application.decided_at.date() if application.decided_at else today
        return decided > application.due_on
    return today > application.due_on


def information_question(application: Application) -> str:
    """The official's question: the reason of the last move into information_requested."""
    last = (
        Transition.objects.filter(application=application, to_status=Status.INFORMATION_REQUESTED)
        .order_by("-at", "-id")
        .first()
    )
    return last.reason if last else ""


def application_actions(application: Application, today: dt.date) -> dict[str, Any]:
    """What the citizen may do now on their application, and what the page must show for it."""
    has_complaint = Complaint.objects.filter(application=application).exists()
    awaiting = application.status == Status.INFORMATION_REQUESTED
    overdue = application_is_overdue(application, today)
    return {
        "overdue": overdue,
        "can_withdraw": application.status in WITHDRAWABLE,
        "can_rate": application.status in RATEABLE and application.rating is None,
        "can_complain": overdue and not has_complaint,
        "has_complaint": has_complaint,
        "awaiting_answer": awaiting,
        "question": information_question(application) if awaiting else "",
    }


def complaints_open() -> QuerySet[Complaint]:
    """Open deadline complaints, oldest first: what oversight lists and follows up."""
    return (
        Complaint.objects.filter(status=ComplaintStatus.OPEN)
        .select_related("application")
        .order_by("filed_at", "id")
    )


def journey_of(application: Application) -> Journey | None:
    """The journey an application started or belongs to as a step, if any."""
    return (
        Journey.objects.filter(trigger_application=application).first()
        or Journey.objects.filter(steps__application=application).first()
    )
