"""The back office's writes: fair assignment, officials' decisions, questions, four eyes,
escalation of breached deadlines, and the record of an official's look at a case.

Each wraps a primitive of ``applications.services`` (which keeps the state machine, the
transition row and the ledger entry) with the check of who may do it, under the application's
row lock, so a concurrent decision, reassignment or withdrawal is seen, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import unicodedata
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kagazsyz.accounts.models import OfficialRole, Role, User
from kagazsyz.applications.models import Application, Assignment, Status
from kagazsyz.applications.services import (
    NOT_IN_REVIEW,
    application_approve,
    application_refuse,
    application_transition,
    service_or_error,
)
from kagazsyz.catalog.schema import RefusalReason, Service
from kagazsyz.core.errors import NOT_FOUND, DomainError, Message, NotFound
from kagazsyz.ledger.services import ledger_append, salted_reference
from kagazsyz.office.models import Escalation, InformationRequest, ProposalStatus, RefusalProposal
from kagazsyz.office.selectors import (
    BREACH_STATUSES,
    DECIDING_ROLES,
    OPEN_REVIEW,
    official_loads,
    roles_in,
)
from kagazsyz.registries.models import DataAccess, Outcome

TEXT_MAX = 2000
# Ties between equally loaded officials are broken at random, so nobody can predict (or arrange)
# which case lands with whom.
_tie_break = random.SystemRandom()

NOT_ASSIGNED = Message(
    ky="Бул арыз сизге дайындалган эмес.",
    ru="Это заявление назначено не вам.",
    en="This case is not assigned to you.",
)
NOT_SUPERVISOR = Message(
    ky="Муну мекеменин жетекчиси гана жасай алат.",
    ru="Это может сделать только руководитель подразделения.",
    en="Only a supervisor of the agency can do this.",
)
UNKNOWN_REASON = Message(
    ky="Бул кызмат үчүн мындай баш тартуу себеби жок.",
    ru="Для этой услуги нет такой причины отказа.",
    en="This service has no such refusal reason.",
)
NEEDS_TEXT = Message(
    ky="Жарандын окуй турган түшүндүрмөнү жазыңыз (2000 белгиге чейин).",
    ru="Напишите пояснение, которое прочтёт гражданин (до 2000 символов).",
    en="Write the explanation the citizen will read (up to 2000 characters).",
)
FOUR_EYES_NEEDED = Message(
    ky="Бул кызмат боюнча баш тартууну экинчи кызматкер ырасташы керек: баш тартууну сунуштаңыз.",
    ru="Отказ по этой услуге подтверждает второй сотрудник: предложите отказ.",
    en="A refusal of this service needs a second official: propose the refusal instead.",
)
NOT_FOUR_EYES = Message(
    ky="Бул кызмат экинчи кызматкердин ырастоосун талап кылбайт: түз баш тартыңыз.",
    ru="Эта услуга не требует подтверждения вторым сотрудником: откажите напрямую.",
    en="This service needs no second official: refuse directly.",
)
PROPOSAL_OPEN = Message(
    ky="Бул арыз боюнча баш тартуу сунушу экинчи кызматкердин чечимин күтүүдө.",
    ru="По этому заявлению предложение об отказе ждёт решения второго сотрудника.",
    en="A refusal proposal on this case is waiting for a second official.",
)
PROPOSAL_CLOSED = Message(
    ky="Бул сунуш боюнча чечим мурунтан кабыл алынган.",
    ru="По этому предложению решение уже принято.",
    en="This proposal has already been decided.",
)
OWN_PROPOSAL = Message(
    ky="Өзүңүздүн сунушуңузду өзүңүз ырастай албайсыз: аны башка кызматкер карашы керек.",
    ru="Нельзя подтвердить собственное предложение: его рассматривает другой сотрудник.",
    en="You cannot decide on your own proposal: another official must.",
)
NOT_AN_OFFICIAL = Message(
    ky="Тандалган адам бул мекеменин кызматкери эмес.",
    ru="Выбранный человек не является сотрудником этого ведомства.",
    en="The person chosen is not an official of this agency.",
)
NOT_WAITING = Message(
    ky="Бул арыз боюнча сизден маалымат суралган эмес.",
    ru="По этому заявлению у вас не запрашивали сведений.",
    en="No information was asked of you on this application.",
)
ALREADY_ASSIGNED = Message(
    ky="Арыз мурунтан эле ушул кызматкерге дайындалган.",
    ru="Заявление уже назначено этому сотруднику.",
    en="The case is already assigned to this official.",
)


def official_actor(official: User) -> str:
    return f"official:{official.pk}"


def _clean_text(text: str, field: str) -> str:
    cleaned = unicodedata.normalize("NFC", text or "").strip()
    if (
        not cleaned
        or len(cleaned) > TEXT_MAX
        or any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in cleaned)
    ):
        raise DomainError("invalid_text", NEEDS_TEXT, status=422, field=field)
    return cleaned


def _locked(application_id: Any) -> Application:
    try:
        return (
            Application.objects.select_for_update().select_related("citizen").get(pk=application_id)
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise NotFound(NOT_FOUND) from None


def _check_may_decide(official: User, application: Application) -> None:
    """The assigned official or a supervisor of the agency; outsiders are told nothing exists."""
    roles = roles_in(official, application.agency_code)
    if not roles & set(DECIDING_ROLES):
        raise NotFound(NOT_FOUND)
    if Role.SUPERVISOR not in roles and application.assigned_to_id != official.pk:
        raise DomainError("not_assigned", NOT_ASSIGNED, status=403)


def _check_in_review(application: Application) -> None:
    if application.status != Status.IN_REVIEW:
        raise DomainError(
            "not_in_review", NOT_IN_REVIEW.format(status=application.status), status=409
        )


def _reason(service: Service, code: str) -> RefusalReason:
    reason = service.refusal_reason(code)
    if reason is None:
        raise DomainError("unknown_reason", UNKNOWN_REASON, status=422, field="reason_code")
    return reason


def refusal_message(reason: RefusalReason, text: str) -> Message:
    """What the citizen reads: the coded reason in their language, then the official's words."""
    return Message(
        ky=f"{reason.labels.ky} {text}",
        ru=f"{reason.labels.ru} {text}",
        en=f"{reason.labels.en} {text}",
    )


def _assign(
    application: Application, official_id: uuid.UUID, *, by: User | None, reason: str
) -> None:
    application.assigned_to_id = official_id
    application.save(update_fields=["assigned_to"])
    Assignment.objects.create(
        application=application,
        official_id=official_id,
        assigned_by=by,
        reason=reason,
        at=timezone.now(),
    )
    ledger_append(
        ref=application.number,
        kind="application.assigned",
        payload={
            "application": application.number,
            "official": str(official_id),
            "by": str(by.pk) if by else "system",
        },
    )


def case_assign(application: Application) -> uuid.UUID | None:
    """Fair assignment, run inside the transaction that moves the case into review.

    The case goes to the eligible official of its agency with the fewest open cases, at random
    among equals; a case coming back from the citizen stays with its official while they remain
    eligible. No eligible official: the case stays unassigned and shows on the supervisors' page.
    Locking the agency's official roles serialises assignments within one agency, so two
    concurrent assignments cannot both see the same official as least loaded.
    """
    agency = application.agency_code
    list(
        OfficialRole.objects.select_for_update()
        .filter(agency_code=agency, role=Role.OFFICIAL)
        .values_list("pk", flat=True)
    )
    loads = official_loads(agency)
    current = application.assigned_to_id
    if current is not None and current in loads:
        return current
    if not loads:
        return None
    least = min(loads.values())
    chosen = _tie_break.choice(sorted(pk for pk, load in loads.items() if load == least))
    _assign(application, chosen, by=None, reason="")
    return chosen


def case_reassign(
    *, supervisor: User, application_id: Any, official_id: Any, reason: str
) -> Application:
    """A supervisor gives an open case to another official of the agency, with a written reason."""
    with transaction.atomic():
        application = _locked(application_id)
        roles = roles_in(supervisor, application.agency_code)
        if not roles:
            raise NotFound(NOT_FOUND)
        if Role.SUPERVISOR not in roles:
            raise DomainError("not_supervisor", NOT_SUPERVISOR, status=403)
        if application.status not in OPEN_REVIEW:
            raise DomainError(
                "not_in_review", NOT_IN_REVIEW.format(status=application.status), status=409
            )
        text = _clean_text(reason, "reason")
        target = User.objects.filter(
            pk=official_id,
            is_active=True,
            official_roles__agency_code=application.agency_code,
            official_roles__role=Role.OFFICIAL,
        ).first()
        if target is None:
            raise DomainError("not_an_official", NOT_AN_OFFICIAL, status=422, field="official")
        if target.pk == application.assigned_to_id:
            raise DomainError("already_assigned", ALREADY_ASSIGNED, status=409, field="official")
        _assign(application, target.pk, by=supervisor, reason=text)
    return application


def _no_open_proposal(application: Application) -> None:
    if application.refusal_proposals.filter(status=ProposalStatus.OPEN).exists():
        raise DomainError("refusal_proposed", PROPOSAL_OPEN, status=409)


def case_approve(*, official: User, application_id: Any, note: str = "") -> Application:
    """Approve the case and issue its document (the assigned official or a supervisor)."""
    with transaction.atomic():
        application = _locked(application_id)
        _check_may_decide(official, application)
        _check_in_review(application)
        _no_open_proposal(application)
        return application_approve(
            application_id=application.pk, actor=official_actor(official), note=note[:TEXT_MAX]
        )


def case_refuse(*, official: User, application_id: Any, reason_code: str, text: str) -> Application:
    """Refuse with a coded reason of the service and a text the citizen reads.

    A four-eyes service cannot be refused by one official: see ``refusal_propose``.
    """
    with transaction.atomic():
        application = _locked(application_id)
        _check_may_decide(official, application)
        _check_in_review(application)
        service = service_or_error(application.service_code)
        if service.four_eyes:
            raise DomainError("four_eyes_required", FOUR_EYES_NEEDED, status=409)
        reason = _reason(service, reason_code)
        message = refusal_message(reason, _clean_text(text, "text"))
        return application_refuse(
            application_id=application.pk,
            actor=official_actor(official),
            reason_code=reason.code,
            text=message,
        )


def refusal_propose(
    *, official: User, application_id: Any, reason_code: str, text: str
) -> RefusalProposal:
    """The first official's refusal of a four-eyes case; it takes effect when another confirms."""
    with transaction.atomic():
        application = _locked(application_id)
        _check_may_decide(official, application)
        _check_in_review(application)
        service = service_or_error(application.service_code)
        if not service.four_eyes:
            raise DomainError("not_four_eyes", NOT_FOUR_EYES, status=409)
        reason = _reason(service, reason_code)
        cleaned = _clean_text(text, "text")
        _no_open_proposal(application)
        proposal = RefusalProposal.objects.create(
            application=application,
            proposed_by=official,
            reason_code=reason.code,
            text=cleaned,
            proposed_at=timezone.now(),
        )
        ledger_append(
            ref=application.number,
            kind="refusal.proposed",
            payload={
                "application": application.number,
                "proposal": proposal.pk,
                "code": reason.code,
                "official": str(official.pk),
            },
        )
    return proposal


def _locked_proposal(official: User, proposal_id: Any) -> tuple[RefusalProposal, Application]:
    """The open proposal and its case, locked, for a second official of the agency."""
    found = RefusalProposal.objects.filter(pk=proposal_id).values_list("application_id", flat=True)
    application_id = found.first() if str(proposal_id).isdigit() else None
    if application_id is None:
        raise NotFound(NOT_FOUND)
    application = _locked(application_id)
    if not roles_in(official, application.agency_code) & set(DECIDING_ROLES):
        raise NotFound(NOT_FOUND)
    proposal = RefusalProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.proposed_by_id == official.pk:
        raise DomainError("own_proposal", OWN_PROPOSAL, status=403)
    if proposal.status != ProposalStatus.OPEN:
        raise DomainError("proposal_closed", PROPOSAL_CLOSED, status=409)
    return proposal, application


def _close_proposal(
    proposal: RefusalProposal, official: User, status: ProposalStatus, note: str
) -> None:
    proposal.status = status
    proposal.decided_by = official
    proposal.decided_at = timezone.now()
    proposal.note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note"])
    ledger_append(
        ref=proposal.application.number,
        kind=f"refusal.{status.value}",
        payload={
            "application": proposal.application.number,
            "proposal": proposal.pk,
            "official": str(official.pk),
        },
    )


def refusal_confirm(*, official: User, proposal_id: Any) -> Application:
    """A second official of the agency confirms the refusal; the case is refused at once."""
    with transaction.atomic():
        proposal, application = _locked_proposal(official, proposal_id)
        _check_in_review(application)
        service = service_or_error(application.service_code)
        _close_proposal(proposal, official, ProposalStatus.CONFIRMED, "")
        return application_refuse(
            application_id=application.pk,
            actor=official_actor(official),
            reason_code=proposal.reason_code,
            text=refusal_message(_reason(service, proposal.reason_code), proposal.text),
        )


def refusal_reject(*, official: User, proposal_id: Any, note: str) -> RefusalProposal:
    """A second official turns the proposed refusal down, with a note; the case stays in review."""
    with transaction.atomic():
        proposal, _application = _locked_proposal(official, proposal_id)
        _close_proposal(proposal, official, ProposalStatus.REJECTED, _clean_text(note, "note"))
    return proposal


def information_request(
    *, official: User, application_id: Any, question: str
) -> InformationRequest:
    """Ask the citizen a question; the case waits (information_requested) until they answer."""
    with transaction.atomic():
        application = _locked(application_id)
        _check_may_decide(official, application)
        _check_in_review(application)
        _no_open_proposal(application)
        text = _clean_text(question, "question")
        request = InformationRequest.objects.create(
            application=application, asked_by=official, question=text, asked_at=timezone.now()
        )
        application_transition(
            application=application,
            target=Status.INFORMATION_REQUESTED,
            actor=official_actor(official),
            reason=text,
        )
        # The citizen's application page shows the decision reason: here, the question.
        application.decision_reason = {"ky": text, "ru": text, "en": text}
        application.save(update_fields=["decision_reason"])
    return request


def information_answer(*, citizen: User, application_id: Any, text: str) -> Application:
    """The citizen answers the open question; the case returns to review with its official."""
    with transaction.atomic():
        application = _locked(application_id)
        if application.citizen_id != citizen.pk:
            raise NotFound(NOT_FOUND)
        if application.status != Status.INFORMATION_REQUESTED:
            raise DomainError("not_waiting", NOT_WAITING, status=409)
        answer = _clean_text(text, "text")
        request = application.information_requests.filter(answered_at__isnull=True).last()
        if request is not None:
            request.answer = answer
            request.answered_at = timezone.now()
            request.save(update_fields=["answer", "answered_at"])
        application.decision_reason = None
        application.save(update_fields=["decision_reason"])
        application_transition(
            application=application,
            target=Status.IN_REVIEW,
            actor="citizen",
            reason=answer,
        )
    return application


def case_view_record(*, official: User, application: Application) -> DataAccess:
    """An official opened a case: a look at the citizen's data, shown to them like any query."""
    agency = application.agency_code
    request = f"{application.pk}:{official.pk}:{timezone.now().isoformat()}"
    with transaction.atomic():
        access = DataAccess.objects.create(
            at=timezone.now(),
            requester_kind="official",
            requester_ref=str(official.pk),
            requester_agency=agency,
            subject_personal_number=application.citizen.personal_number,
            agency=agency,
            registry="kagazsyz",
            dataset="case",
            purpose=f"{application.number}: {application.service_code}",
            legal_basis=application.service_code,
            outcome=Outcome.OK,
            message_id=uuid.uuid4().hex,
            request_hash=hashlib.sha256(request.encode()).hexdigest(),
        )
        ledger_append(
            ref=application.number,
            kind="data.accessed",
            payload={
                "access": access.pk,
                "dataset": "case",
                "subject": salted_reference(access.subject_personal_number, purpose="person"),
                "legal_basis": access.legal_basis,
                "requester": official_actor(official),
            },
        )
    return access


def breaches_escalate(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """Bring every case past its legal deadline to its agency's supervisors, once per case.

    Returns how many were escalated now; safe to run again (a case already escalated is skipped).
    """
    day = today or timezone.localdate()
    overdue = Application.objects.filter(
        status__in=BREACH_STATUSES, due_on__lt=day, escalation__isnull=True
    ).values_list("pk", "number", "agency_code", "due_on")[:limit]
    escalated = 0
    for pk, number, agency, due_on in overdue:
        assert due_on is not None  # filtered by due_on__lt
        try:
            with transaction.atomic():
                Escalation.objects.create(
                    application_id=pk,
                    agency_code=agency,
                    due_on=due_on,
                    escalated_at=timezone.now(),
                )
                ledger_append(
                    ref=number,
                    kind="application.escalated",
                    payload={"application": number, "agency": agency, "due_on": due_on.isoformat()},
                )
        except IntegrityError:
            continue  # a concurrent sweep escalated it first
        escalated += 1
    return escalated


def unassigned_cases_assign(*, limit: int = 1000) -> int:
    """Give waiting cases to officials who have appeared since (a role granted, a return from
    leave); run by the periodic sweep. Returns how many found an official."""
    waiting = Application.objects.filter(status__in=OPEN_REVIEW, assigned_to__isnull=True)
    assigned = 0
    for pk in waiting.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            if application.assigned_to_id is None and application.status in OPEN_REVIEW:
                assigned += case_assign(application) is not None
    return assigned
