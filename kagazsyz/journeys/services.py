"""Writes of the citizen's side: life-event journeys, one-click offers, ratings, complaints.

A journey starts when its trigger application's document is issued (the ``journeys.start`` task,
enqueued in the issuing transaction). Starting is idempotent: the journey is keyed by its
trigger application and each follow-up application by an idempotency key of its step, so a task
that runs twice neither doubles a journey nor submits an application twice.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.applications.answers import clean_answers
from kagazsyz.applications.models import Application, Status
from kagazsyz.applications.selectors import application_get_for_citizen
from kagazsyz.applications.services import application_submit, service_or_error
from kagazsyz.core.errors import NOT_FOUND, DomainError, Message, NotFound
from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.journeys.cascades import CASCADES, STARTS_IF, Facts, StepSpec
from kagazsyz.journeys.models import (
    Complaint,
    Journey,
    JourneyStep,
    Rating,
    StepKind,
    StepStatus,
)
from kagazsyz.journeys.selectors import RATEABLE, application_is_overdue
from kagazsyz.ledger.services import ledger_append
from kagazsyz.registries.sandbox.civil_events import (
    Newborn,
    sandbox_birth_register,
    sandbox_death_register,
)
from kagazsyz.tasks.services import task_enqueue

TEXT_LIMIT = 2000
NOT_PENDING = Message(
    ky="Бул кадам азыр тастыктоону күтпөйт.",
    ru="Этот шаг сейчас не ждёт подтверждения.",
    en="This step is not waiting for your confirmation.",
)
NOT_RATEABLE = Message(
    ky="Кызматка иш жабылгандан кийин бир жолу гана баа берүүгө болот.",
    ru="Оценить услугу можно один раз, после завершения дела.",
    en="A service can be rated once, after the case is closed.",
)
BAD_SCORE = Message(
    ky="Баа 1ден 5ке чейинки бүтүн сан болушу керек.",
    ru="Оценка должна быть целым числом от 1 до 5.",
    en="The rating must be a whole number from 1 to 5.",
)
NOT_OVERDUE = Message(
    ky="Арыздын мыйзамдуу мөөнөтү бузулган жок: даттанууга болбойт.",
    ru="Срок рассмотрения заявления не нарушен: жаловаться не на что.",
    en="The application's legal deadline has not been breached, so there is nothing to complain of.",
)
ALREADY_COMPLAINED = Message(
    ky="Бул арыз боюнча даттануу мурунтан эле берилген.",
    ru="Жалоба по этому заявлению уже подана.",
    en="A complaint about this application was already filed.",
)
TOO_LONG = Message(
    ky="Текст {limit} белгиден ашпашы керек.",
    ru="Текст не должен превышать {limit} символов.",
    en="The text must be at most {limit} characters.",
)


def _text(value: str, limit: int, field: str) -> str:
    text = unicodedata.normalize("NFC", value if isinstance(value, str) else "").strip()
    if len(text) > limit:
        raise DomainError("text_too_long", TOO_LONG.format(limit=limit), status=422, field=field)
    return text


# ------------------------------------------------------------------------------- journeys


def _birth(application: Application) -> tuple[str, dt.date]:
    answers = application.answers
    born = dt.date.fromisoformat(answers["child_birth_date"])
    child = Newborn(
        surname=answers["child_surname"],
        given_name=answers["child_given_name"],
        patronymic=answers.get("child_patronymic", ""),
        sex="F" if answers["child_sex"] == "female" else "M",
        birth_date=born,
    )
    number = sandbox_birth_register(
        parent_number=application.citizen.personal_number,
        other_parent_number=answers.get("other_parent"),
        child=child,
    )
    return number, born


def _death(application: Application) -> tuple[str, dt.date]:
    died = dt.date.fromisoformat(application.answers["date_of_death"])
    number = application.answers["deceased"]
    sandbox_death_register(personal_number=number, died_on=died)
    return number, died


def _own(application: Application) -> tuple[str, dt.date]:
    """A life event about the applicant themselves (a new name): the registers already know."""
    return application.citizen.personal_number, timezone.localdate()


# What the civil-status registry records when the trigger's document is issued.
REGISTER = {"BIR-01": _birth, "DTH-01": _death}


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _create_step(journey: Journey, position: int, spec: StepSpec, facts: Facts) -> JourneyStep:
    kind = spec.kind
    if kind == StepKind.APPLICATION and not spec.submit_if(facts):
        kind = StepKind.OFFER
    status = {
        StepKind.NOTICE: StepStatus.DONE,
        StepKind.INVITATION: StepStatus.SCHEDULED,
    }.get(kind, StepStatus.PENDING)
    due_at = _local_midnight(spec.due(facts)) if spec.due else None
    step = JourneyStep.objects.create(
        journey=journey,
        key=spec.key,
        position=position,
        service_code=spec.service_code,
        kind=kind,
        status=status,
        due_at=due_at,
        answers=spec.answers(facts),
        note=spec.note.format(subject=facts.subject_number).as_dict(),
        updated_at=timezone.now(),
    )
    if due_at is not None:
        task_enqueue(
            "journeys.fire_due",
            run_after=due_at,
            dedupe_key=f"journey-step:{step.pk}",
            due_at=due_at.isoformat(),
        )
    return step


def _open_journey(application: Application, life_event: str, specs: tuple[StepSpec, ...]) -> None:
    subject, day = REGISTER.get(application.service_code, _own)(application)
    journey = Journey.objects.create(
        citizen=application.citizen,
        life_event=life_event,
        trigger_application=application,
        subject_personal_number=subject,
        started_at=timezone.now(),
    )
    number = application.citizen.personal_number
    facts = Facts(number, parse_personal_number(number).sex, subject, application.answers, day)
    for position, spec in enumerate(specs, start=1):
        _create_step(journey, position, spec, facts)
    ledger_append(
        ref=application.number,
        kind="journey.started",
        payload={
            "application": application.number,
            "life_event": life_event,
            "steps": [spec.key for spec in specs],
        },
    )


def _submit_step(step: JourneyStep, actor: str) -> Application:
    """Submit a step's application for the journey's citizen; the step's key makes it idempotent."""
    with transaction.atomic():
        locked = (
            JourneyStep.objects.select_for_update()
            .select_related("journey__citizen")
            .get(pk=step.pk)
        )
        if locked.application_id is not None:
            return Application.objects.get(pk=locked.application_id)
        application = application_submit(
            citizen=locked.journey.citizen,
            service_code=locked.service_code,
            answers=locked.answers,
            idempotency_key=f"journey-step:{locked.pk}",
        )
        locked.application = application
        locked.status = StepStatus.STARTED
        locked.updated_at = timezone.now()
        locked.save(update_fields=["application", "status", "updated_at"])
        ledger_append(
            ref=application.number,
            kind="journey.step_submitted",
            payload={"application": application.number, "step": locked.key, "by": actor},
        )
    return application


def journey_start(*, application_id: Any) -> Journey | None:
    """React to an issued document: close the journey step it came from, and start the journey
    it triggers (if its service starts one), submitting what the platform may submit."""
    application = Application.objects.select_related("citizen").get(pk=application_id)
    JourneyStep.objects.filter(application=application, status=StepStatus.STARTED).update(
        status=StepStatus.DONE, updated_at=timezone.now()
    )
    cascade = CASCADES.get(application.service_code)
    starts = STARTS_IF.get(application.service_code)
    if cascade is None or application.status != Status.ISSUED:
        return None
    if starts is not None and not starts(application.answers):
        return None
    with transaction.atomic():
        if not Journey.objects.filter(trigger_application=application).exists():
            _open_journey(application, *cascade)
    journey = Journey.objects.get(trigger_application=application)
    for step in journey.steps.filter(kind=StepKind.APPLICATION, application__isnull=True):
        _submit_step(step, actor="platform")
    return journey


def journey_steps_fire_due(*, now: dt.datetime | None = None) -> int:
    """Turn scheduled steps whose time has come into invitations; return how many fired."""
    moment = now or timezone.now()
    with transaction.atomic():
        due = list(
            JourneyStep.objects.select_for_update().filter(
                status=StepStatus.SCHEDULED, due_at__lte=moment
            )
        )
        for step in due:
            step.status = StepStatus.PENDING
            step.updated_at = moment
            step.save(update_fields=["status", "updated_at"])
            ledger_append(
                ref=str(step.journey_id),
                kind="journey.step_due",
                payload={"journey": str(step.journey_id), "step": step.key},
            )
    return len(due)


def journey_step_get_for_citizen(*, citizen: User, step_id: Any) -> JourneyStep:
    try:
        key = int(step_id)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    step = JourneyStep.objects.filter(pk=key, journey__citizen=citizen).first()
    if step is None:
        raise NotFound(NOT_FOUND)
    return step


def journey_step_confirm(*, citizen: User, step_id: Any) -> Application:
    """Submit a prepared application with one click. Answers the form still lacks (a
    kindergarten's name) raise the form's error: the citizen completes them on the form."""
    step = journey_step_get_for_citizen(citizen=citizen, step_id=step_id)
    if step.status != StepStatus.PENDING or not step.service_code:
        raise DomainError("step_not_pending", NOT_PENDING, status=409)
    clean_answers(service_or_error(step.service_code), step.answers)
    return _submit_step(step, actor="citizen")


# ------------------------------------------------------------------------------- ratings


def application_rate(
    *, citizen: User, application_id: Any, score: Any, comment: str = ""
) -> Rating:
    """Rate a closed case once, 1..5, with an optional comment that oversight reads."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError("invalid_score", BAD_SCORE, status=422, field="score")
    text = _text(comment, 1000, "comment")
    with transaction.atomic():
        found = application_get_for_citizen(citizen=citizen, application_id=application_id)
        application = Application.objects.select_for_update().get(pk=found.pk)
        if application.status not in RATEABLE or application.rating is not None:
            raise DomainError("not_rateable", NOT_RATEABLE, status=409)
        now = timezone.now()
        rating = Rating.objects.create(
            application=application, score=score, comment=text, rated_at=now
        )
        application.rating = score
        application.save(update_fields=["rating"])
        ledger_append(
            ref=application.number,
            kind="application.rated",
            payload={
                "application": application.number,
                "service": application.service_code,
                "score": score,
            },
        )
    return rating


# ------------------------------------------------------------------------------- complaints


def complaint_file(*, citizen: User, application_id: Any, text: str = "") -> Complaint:
    """Complain that an application's legal deadline was breached; oversight sees it at once."""
    body = _text(text, TEXT_LIMIT, "text")
    with transaction.atomic():
        found = application_get_for_citizen(citizen=citizen, application_id=application_id)
        application = Application.objects.select_for_update().get(pk=found.pk)
        if not application_is_overdue(application, timezone.localdate()):
            raise DomainError("not_overdue", NOT_OVERDUE, status=409)
        if Complaint.objects.filter(application=application).exists():
            raise DomainError("already_complained", ALREADY_COMPLAINED, status=409)
        assert application.due_on is not None  # overdue implies a deadline
        complaint = Complaint.objects.create(
            application=application,
            citizen=citizen,
            agency_code=application.agency_code,
            service_code=application.service_code,
            text=body,
            filed_at=timezone.now(),
            due_on=application.due_on,
        )
        ledger_append(
            ref=application.number,
            kind="complaint.filed",
            payload={
                "complaint": complaint.pk,
                "application": application.number,
                "service": application.service_code,
                "agency": application.agency_code,
                "due_on": application.due_on.isoformat(),
            },
        )
    return complaint
