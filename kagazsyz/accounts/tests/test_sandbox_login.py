"""The sandbox identity provider exists only outside production."""

import pytest
from django.test import Client, override_settings

from kagazsyz.accounts.services import api_token_issue, user_for_api_token

pytestmark = pytest.mark.django_db


@override_settings(SANDBOX_LOGIN=False)
def test_without_sandbox_login_neither_page_nor_endpoint_exists(client: Client, citizen) -> None:
    assert client.get("/login/").status_code == 404
    response = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": citizen.personal_number},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "sandbox_disabled"


def test_tokens_are_stored_only_as_hashes_and_expire(citizen) -> None:
    import datetime as dt

    from django.utils import timezone

    from kagazsyz.accounts.models import ApiToken

    token = api_token_issue(user=citizen)
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert user_for_api_token(token) == citizen
    old = api_token_issue(user=citizen, now=timezone.now() - dt.timedelta(hours=13))
    assert user_for_api_token(old) is None
    assert user_for_api_token("not-a-token") is None
