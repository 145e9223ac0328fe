"""Reads of the back office, always on behalf of someone: an official, a supervisor, a citizen."""

from __future__ import annotations

import datetime as dt
import heapq
import uuid
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kagazsyz.accounts.models import OfficialRole, Role, User
from kagazsyz.applications.models import Application, Status
from kagazsyz.core.errors import NOT_FOUND, NotFound
from kagazsyz.office.models import InformationRequest, ProposalStatus, RefusalProposal

# A case an official works on: it counts towards their load.
OPEN_REVIEW = (Status.IN_REVIEW, Status.INFORMATION_REQUESTED)
# A case whose clock runs against the agency: waiting for the citizen (information, a fee) or
# already decided does not breach the deadline.
BREACH_STATUSES = (Status.SUBMITTED, Status.GATHERING_EVIDENCE, Status.IN_REVIEW)
DECIDING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR)


def roles_in(user: User, agency_code: str) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        OfficialRole.objects.filter(user=user, agency_code=agency_code).values_list(
            "role", flat=True
        )
    )


def office_agencies(user: User, *roles: Role) -> list[str]:
    """The agencies where ``user`` holds one of ``roles`` (any deciding role when none given)."""
    wanted = roles or DECIDING_ROLES
    codes = OfficialRole.objects.filter(user=user, role__in=wanted).values_list(
        "agency_code", flat=True
    )
    return sorted(set(codes))


def eligible_officials(agency_code: str) -> QuerySet[User]:
    """Who the system may assign a case of this agency to: active holders of the official role."""
    return User.objects.filter(
        is_active=True,
        official_roles__agency_code=agency_code,
        official_roles__role=Role.OFFICIAL,
    ).distinct()


def official_loads(agency_code: str) -> dict[uuid.UUID, int]:
    """Open cases (in review or waiting for information) per eligible official, zeros included."""
    loads = dict.fromkeys(eligible_officials(agency_code).values_list("pk", flat=True), 0)
    counted = (
        Application.objects.filter(assigned_to__in=list(loads), status__in=OPEN_REVIEW)
        .values("assigned_to")
        .annotate(open=Count("id"))
    )
    for row in counted:
        loads[row["assigned_to"]] = row["open"]
    return loads


QUEUE_FIELDS = ("id", "number", "service_code", "status", "due_on", "submitted_at", "agency_code")


@dataclass(frozen=True)
class QueuePage:
    cases: list[Application]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def queue_page(*, official: User, number: int, size: int = 50) -> QueuePage:
    """One page of the queue, read as one ordered index range per open status, merged.

    The index (assigned_to, status, due_on) yields each status's cases already in due-date order,
    so no query sorts the official's whole queue: a page reads at most number × size rows per
    status however long the queue is (the top pages, where officials work, cost least).
    """
    total = Application.objects.filter(assigned_to=official, status__in=OPEN_REVIEW).count()
    last_page = max(1, -(-total // size))
    number = min(max(1, number), last_page)
    end = number * size
    heads = [
        Application.objects.filter(assigned_to=official, status=status)
        .only(*QUEUE_FIELDS)
        .order_by("due_on", "id")[:end]
        for status in OPEN_REVIEW
    ]
    merged = heapq.merge(*heads, key=lambda case: (case.due_on or dt.date.max, str(case.pk)))
    return QueuePage(list(islice(merged, end - size, end)), number, total, size)


def open_refusal_proposal(application: Application) -> RefusalProposal | None:
    return application.refusal_proposals.filter(status=ProposalStatus.OPEN).first()


def open_information_request(application: Application) -> InformationRequest | None:
    """The question the citizen has to answer now, if any (the citizen's pages show it)."""
    return application.information_requests.filter(answered_at__isnull=True).last()


def proposals_awaiting(*, official: User) -> QuerySet[RefusalProposal]:
    """Four-eyes refusals in the official's agencies that someone else proposed."""
    return (
        RefusalProposal.objects.filter(
            status=ProposalStatus.OPEN,
            application__agency_code__in=office_agencies(official),
            application__status=Status.IN_REVIEW,
        )
        .exclude(proposed_by=official)
        .select_related("application")
        .order_by("proposed_at")
    )


def may_view_case(official: User, application: Application) -> bool:
    """The assigned official, a supervisor of the agency, and any official of the agency while a
    refusal waits for a second pair of eyes."""
    roles = roles_in(official, application.agency_code)
    if Role.SUPERVISOR in roles:
        return True
    if Role.OFFICIAL not in roles:
        return False
    if application.assigned_to_id == official.pk:
        return True
    return RefusalProposal.objects.filter(
        application=application, status=ProposalStatus.OPEN
    ).exists()


def case_for_official(*, official: User, application_id: Any) -> Application:
    """A case the official may see; anyone else is told it does not exist."""
    application = (
        Application.objects.select_related("citizen", "assigned_to")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not may_view_case(official, application):
        raise NotFound(NOT_FOUND)
    return application


@dataclass(frozen=True)
class HistoryStep:
    at: dt.datetime
    kind: str  # transition, assignment, question, answer, proposal
    text: str
    statuses: tuple[str, str] = ("", "")  # a transition's from and to


def case_history(application: Application) -> list[HistoryStep]:
    """Transitions, assignments, questions and refusal proposals of a case, in time order."""
    steps = [
        HistoryStep(t.at, "transition", t.reason, (t.from_status, t.to_status))
        for t in application.transitions.all()
    ]
    for assignment in application.assignments.select_related("official", "assigned_by"):
        text = assignment.official.full_name
        if assignment.assigned_by is not None:  # a supervisor's reassignment, with its reason
            text += f" ({assignment.assigned_by.full_name}: {assignment.reason})"
        steps.append(HistoryStep(assignment.at, "assignment", text))
    for request in application.information_requests.all():
        steps.append(HistoryStep(request.asked_at, "question", request.question))
        if request.answered_at:
            steps.append(HistoryStep(request.answered_at, "answer", request.answer))
    for proposal in application.refusal_proposals.all():
        steps.append(
            HistoryStep(
                proposal.proposed_at, "proposal", f"{proposal.reason_code}: {proposal.status}"
            )
        )
    return sorted(steps, key=lambda step: step.at)


@dataclass(frozen=True)
class OfficialLoad:
    official: User
    open_cases: int
    overdue: int


def team_load(*, agency_code: str, today: dt.date | None = None) -> list[OfficialLoad]:
    """Open and overdue cases per official of the agency, in two queries."""
    day = today or timezone.localdate()
    officials = list(eligible_officials(agency_code).order_by("full_name"))
    rows = (
        Application.objects.filter(assigned_to__in=officials, status__in=OPEN_REVIEW)
        .values("assigned_to")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=day)))
    )
    counts = {row["assigned_to"]: row for row in rows}
    return [
        OfficialLoad(
            official,
            counts.get(official.pk, {}).get("open", 0),
            counts.get(official.pk, {}).get("overdue", 0),
        )
        for official in officials
    ]


def breaches(
    *, agency_code: str | None = None, today: dt.date | None = None
) -> QuerySet[Application]:
    """Cases past their legal deadline whose clock runs against the agency, oldest first."""
    day = today or timezone.localdate()
    found = Application.objects.filter(status__in=BREACH_STATUSES, due_on__lt=day)
    if agency_code:
        found = found.filter(agency_code=agency_code)
    return found.select_related("assigned_to", "escalation").order_by("due_on", "submitted_at")


def breaches_for_citizen(*, citizen: User, today: dt.date | None = None) -> QuerySet[Application]:
    """The citizen's own applications past their legal deadline (for a complaint about delay)."""
    return breaches(today=today).filter(citizen=citizen)


def application_breached(application: Application, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return (
        application.status in BREACH_STATUSES
        and application.due_on is not None
        and application.due_on < day
    )


def unassigned_cases(*, agency_code: str) -> QuerySet[Application]:
    """Cases in review with nobody to work on them (the agency has no eligible official)."""
    return Application.objects.filter(
        agency_code=agency_code, status__in=OPEN_REVIEW, assigned_to__isnull=True
    ).order_by("due_on", "submitted_at")
