"""The citizen's actions on an application, and life-event journeys, in API version 1."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from kagazsyz.accounts.models import User
from kagazsyz.api import schemas
from kagazsyz.applications.services import application_information_answer, application_withdraw
from kagazsyz.journeys.models import Journey
from kagazsyz.journeys.selectors import journey_get_for_citizen, journeys_for_citizen
from kagazsyz.journeys.services import application_rate, complaint_file, journey_step_confirm

router = Router()


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class WithdrawIn(Schema):
    reason: str = Field(default="", max_length=2000)


class AnswerIn(Schema):
    text: str = Field(max_length=2000, description="the answer to the officer's question")


class RatingIn(Schema):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class RatingOut(Schema):
    application: str
    score: int
    comment: str
    rated_at: str


class ComplaintIn(Schema):
    text: str = Field(default="", max_length=2000)


class ComplaintOut(Schema):
    id: int
    application: str
    agency: str
    service: str
    status: str
    due_on: str
    filed_at: str


class StepOut(Schema):
    key: str
    service: str = Field(description="catalogue service code; empty for a notice")
    kind: str = Field(description="application, offer, invitation or notice")
    status: str = Field(description="pending, started, done, skipped or scheduled")
    due_at: str | None
    application: str | None = Field(description="id of the follow-up application")
    answers: dict[str, Any] = Field(description="the prefilled answers of the follow-up")
    note: schemas.Localized | None
    id: int


class JourneyOut(Schema):
    id: str
    life_event: str
    trigger_application: str
    subject_personal_number: str = Field(description="the newborn child or the deceased")
    started_at: str
    steps: list[StepOut]


def _journey_out(journey: Journey) -> dict[str, Any]:
    return {
        "id": str(journey.pk),
        "life_event": journey.life_event,
        "trigger_application": str(journey.trigger_application_id),
        "subject_personal_number": journey.subject_personal_number,
        "started_at": journey.started_at.isoformat(),
        "steps": [
            {
                "id": step.pk,
                "key": step.key,
                "service": step.service_code,
                "kind": step.kind,
                "status": step.status,
                "due_at": step.due_at.isoformat() if step.due_at else None,
                "application": str(step.application_id) if step.application_id else None,
                "answers": step.answers,
                "note": step.note,
            }
            for step in journey.steps.all()
        ],
    }


@router.post(
    "/applications/{application_id}/withdraw",
    response=schemas.ApplicationOut,
    tags=["applications"],
)
def withdraw(request: HttpRequest, application_id: str, payload: WithdrawIn) -> dict[str, Any]:
    """Withdraw an application on which no decision was made yet."""
    application = application_withdraw(
        citizen=_user(request), application_id=application_id, reason=payload.reason
    )
    return schemas.application_out(application)


@router.post(
    "/applications/{application_id}/answer", response=schemas.ApplicationOut, tags=["applications"]
)
def answer(request: HttpRequest, application_id: str, payload: AnswerIn) -> dict[str, Any]:
    """Answer the officer's request for information; the case returns to review."""
    application = application_information_answer(
        citizen=_user(request), application_id=application_id, text=payload.text
    )
    return schemas.application_out(application)


@router.post(
    "/applications/{application_id}/rating", response={201: RatingOut}, tags=["applications"]
)
def rate(request: HttpRequest, application_id: str, payload: RatingIn) -> Status[dict[str, Any]]:
    """Rate a closed case once (1..5)."""
    rating = application_rate(
        citizen=_user(request),
        application_id=application_id,
        score=payload.score,
        comment=payload.comment,
    )
    return Status(
        201,
        {
            "application": str(rating.application_id),
            "score": rating.score,
            "comment": rating.comment,
            "rated_at": rating.rated_at.isoformat(),
        },
    )


@router.post(
    "/applications/{application_id}/complaint",
    response={201: ComplaintOut},
    tags=["applications"],
)
def complain(
    request: HttpRequest, application_id: str, payload: ComplaintIn
) -> Status[dict[str, Any]]:
    """Complain that the legal deadline was breached; the complaint reaches oversight."""
    complaint = complaint_file(
        citizen=_user(request), application_id=application_id, text=payload.text
    )
    return Status(
        201,
        {
            "id": complaint.pk,
            "application": str(complaint.application_id),
            "agency": complaint.agency_code,
            "service": complaint.service_code,
            "status": complaint.status,
            "due_on": complaint.due_on.isoformat(),
            "filed_at": complaint.filed_at.isoformat(),
        },
    )


@router.get("/journeys", response=list[JourneyOut], tags=["journeys"])
def journeys(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's life events (a birth, a death), each with its follow-up steps."""
    return [_journey_out(j) for j in journeys_for_citizen(citizen=_user(request))[:50]]


@router.get("/journeys/{journey_id}", response=JourneyOut, tags=["journeys"])
def journey(request: HttpRequest, journey_id: str) -> dict[str, Any]:
    return _journey_out(journey_get_for_citizen(citizen=_user(request), journey_id=journey_id))


@router.post(
    "/journeys/steps/{step_id}/confirm", response={201: schemas.ApplicationOut}, tags=["journeys"]
)
def confirm_step(request: HttpRequest, step_id: int) -> Status[dict[str, Any]]:
    """Submit a prepared follow-up application with its prefilled answers."""
    application = journey_step_confirm(citizen=_user(request), step_id=step_id)
    return Status(201, schemas.application_out(application))
