"""Personas of the back office: officials and a supervisor of the civil registry (DRN), an
official of another agency, and cases in review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kagazsyz.accounts.models import Role, User
from kagazsyz.accounts.services import official_role_grant
from kagazsyz.applications.tests.answers import answers_for

PASSWORD = "demo-Kagazsyz-2026"
AGENCY = "DRN"  # civil registry: BIR-02 (review), BIR-01 (review, four eyes)
OTHER_AGENCY = "GNS"


def make_official(number: int, agency: str = AGENCY, role: Role = Role.OFFICIAL) -> User:
    user = User.objects.create_user(
        f"2010119809{number:04d}", PASSWORD, full_name=f"Official {number} {agency} {role}"
    )
    official_role_grant(user=user, agency_code=agency, role=role)
    return user


@pytest.fixture
def official(db: Any) -> User:
    return make_official(1)


@pytest.fixture
def second_official(official: User) -> User:
    """A colleague of the same agency: the second pair of eyes, never assigned in these tests."""
    colleague = make_official(2)
    return colleague


@pytest.fixture
def supervisor(db: Any) -> User:
    return make_official(3, role=Role.SUPERVISOR)


@pytest.fixture
def foreign_official(db: Any) -> User:
    """An official of the tax service, who must not see or decide civil-registry cases."""
    return make_official(4, agency=OTHER_AGENCY)


@pytest.fixture
def review_case(citizen: User, official: User, submit: Callable[..., Any]) -> Any:
    """A personal number assignment (BIR-02) in review, assigned to ``official`` (the only one)."""
    application = submit(
        citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen)
    )
    assert application.status == "in_review"
    assert application.assigned_to_id == official.pk
    return application


@pytest.fixture
def four_eyes_case(citizen: User, official: User, submit: Callable[..., Any]) -> Any:
    """A birth registration (BIR-01): refusing it needs a second official."""
    application = submit(
        citizen=citizen, service_code="BIR-01", answers=answers_for("BIR-01", citizen)
    )
    assert application.status == "in_review"
    assert application.assigned_to_id == official.pk
    return application
