"""A small hand-made set of applications whose indicators are worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kagazsyz.accounts.models import OfficialRole, User
from kagazsyz.applications.models import Application, Assignment, Transition
from kagazsyz.core.workdays import add_working_days
from kagazsyz.registries.models import DataAccess, DataAccessCase

_numbers = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def person(personal_number: str, name: str, *roles: tuple[str, str]) -> User:
    user = User.objects.create_user(personal_number, full_name=name)
    for agency, role in roles:
        OfficialRole.objects.create(user=user, agency_code=agency, role=role)
    return user


def application(
    *,
    citizen: User,
    service: str,
    agency: str,
    deadline: int,
    submitted: dt.datetime,
    decided: dt.datetime | None = None,
    status: str = "in_review",
    decider: str = "system",
    official: User | None = None,
    refusal_code: str = "",
    rating: int | None = None,
    started_by: str = "citizen",
) -> Application:
    found = Application.objects.create(
        number=f"KG-2026-T{next(_numbers):05d}",
        citizen=citizen,
        service_code=service,
        service_version=1,
        agency_code=agency,
        status=status,
        submitted_at=submitted,
        decided_at=decided,
        due_on=add_working_days(timezone.localdate(submitted), deadline),
        assigned_to=official,
        refusal_code=refusal_code,
        rating=rating,
    )
    Transition.objects.create(
        application=found, to_status="submitted", actor=started_by, at=submitted
    )
    if official:
        Assignment.objects.create(application=found, official=official, at=submitted)
    if decided:
        target = "rejected" if status == "rejected" else "approved"
        Transition.objects.create(
            application=found, from_status="in_review", to_status=target, actor=decider, at=decided
        )
    return found


@dataclass(frozen=True)
class HandMade:
    official: User
    other_official: User
    supervisor: User


def hand_made(citizen: User) -> HandMade:
    """October 2026 (no public holidays), two services:

    ID-01 (DRN, review, legal deadline 12 working days):
      A1 submitted Mon 5 Oct, approved Fri 9 Oct by O1 (4 working days), rated 5
      A2 submitted Mon 5 Oct, refused Mon 12 Oct by O1 (5 wd), "not_eligible", rated 2,
         and reassigned once by the supervisor
      A3 submitted Thu 1 Oct (due Mon 19 Oct), approved Thu 22 Oct by O2 (15 wd): a breach
      A4 submitted Tue 6 Oct (due Thu 22 Oct), still in review: overdue now
    WORK-04 (GNS, automatic, deadline 0):
      B1..B3 submitted and issued on Mon 5 Oct by the rule (0 wd)
      B4 refused by the rule on Mon 5 Oct (no code: "rule")
      B5 started by the platform (proactive) and issued on Mon 5 Oct
    One citizen's flag on an official's look at their data, at DRN, on 20 Oct.
    """
    official = person("60000000000001", "O1", ("DRN", "official"))
    other = person("60000000000002", "O2", ("DRN", "official"))
    supervisor = person("60000000000003", "S", ("DRN", "supervisor"))
    review: dict[str, Any] = {
        "citizen": citizen,
        "service": "ID-01",
        "agency": "DRN",
        "deadline": 12,
    }
    application(**review, submitted=at("2026-10-05"), decided=at("2026-10-09", 15),
                status="approved", decider=f"official:{official.pk}", official=official, rating=5)  # fmt: skip
    a2 = application(**review, submitted=at("2026-10-05"), decided=at("2026-10-12", 15),
                     status="rejected", decider=f"official:{official.pk}", official=official,
                     refusal_code="not_eligible", rating=2)  # fmt: skip
    Assignment.objects.create(
        application=a2, official=official, assigned_by=supervisor, at=at("2026-10-06")
    )
    application(**review, submitted=at("2026-10-01"), decided=at("2026-10-22", 15),
                status="approved", decider=f"official:{other.pk}", official=other)  # fmt: skip
    application(**review, submitted=at("2026-10-06"), official=other)
    automatic: dict[str, Any] = {
        "citizen": citizen,
        "service": "WORK-04",
        "agency": "GNS",
        "deadline": 0,
    }
    for _ in range(3):
        application(**automatic, submitted=at("2026-10-05"), decided=at("2026-10-05", 11),
                    status="issued")  # fmt: skip
    application(**automatic, submitted=at("2026-10-05"), decided=at("2026-10-05", 11),
                status="rejected")  # fmt: skip
    application(**automatic, submitted=at("2026-10-05"), decided=at("2026-10-05", 11),
                status="issued", started_by="system")  # fmt: skip
    access = DataAccess.objects.create(
        at=at("2026-10-09"), requester_kind="official", requester_ref=str(official.pk),
        requester_agency="DRN", subject_personal_number=citizen.personal_number, agency="DRN",
        registry="kagazsyz", dataset="application", purpose="case review", legal_basis="ID-01",
        outcome="ok", message_id="m1", request_hash="h",
    )  # fmt: skip
    DataAccessCase.objects.create(
        data_access=access,
        opened_by=citizen,
        agency="DRN",
        reason="why?",
        opened_at=at("2026-10-20"),
    )
    return HandMade(official, other, supervisor)
