from __future__ import annotations

from django.test import Client

from kagazsyz.accounts.models import User
from kagazsyz.accounts.services import api_token_issue
from kagazsyz.applications.models import Application


def test_the_api_shows_the_deadline_and_the_reviewing_agency_not_the_official(
    review_case: Application, citizen: User, official: User
) -> None:
    token = api_token_issue(user=citizen)
    body = (
        Client()
        .get(f"/api/v1/applications/{review_case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert body["due_on"] == review_case.due_on.isoformat() if review_case.due_on else False
    assert body["assigned_agency"] == "DRN"
    assert str(official.pk) not in str(body)
