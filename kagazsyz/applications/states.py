"""The life of an application as a table of allowed transitions. Pure: no I/O, no models."""

from __future__ import annotations

from kagazsyz.applications.models import Status
from kagazsyz.core.errors import DomainError, Message

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.GATHERING_EVIDENCE, S.WITHDRAWN}),
    S.GATHERING_EVIDENCE: frozenset(
        {S.AWAITING_PAYMENT, S.APPROVED, S.REJECTED, S.IN_REVIEW, S.WITHDRAWN}
    ),
    S.AWAITING_PAYMENT: frozenset({S.APPROVED, S.IN_REVIEW, S.REJECTED, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.INFORMATION_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.INFORMATION_REQUESTED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.ISSUED}),
    S.ISSUED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)

ILLEGAL = Message(
    ky="Арызды «{current}» абалынан «{target}» абалына өткөрүүгө болбойт.",
    ru="Заявление нельзя перевести из состояния «{current}» в «{target}».",
    en="An application cannot move from {current} to {target}.",
)


def can_move(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def check_move(current: Status, target: Status) -> None:
    if not can_move(current, target):
        raise DomainError(
            "illegal_transition",
            ILLEGAL.format(current=current.value, target=target.value),
            status=409,
        )
