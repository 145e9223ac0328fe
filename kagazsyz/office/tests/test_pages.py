"""The back office through its real pages: TOTP log-in, queue, case, decisions, supervisor."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from kagazsyz.accounts.models import User
from kagazsyz.accounts.services import totp_enrol
from kagazsyz.accounts.totp import totp_code
from kagazsyz.applications.models import Application, Status
from kagazsyz.office.tests.conftest import PASSWORD
from kagazsyz.registries.models import DataAccess


def office_client(user: User, step_offset: int = 0) -> Client:
    client = Client()
    secret = totp_enrol(user=user)
    response = client.post(
        "/office/login/",
        {
            "personal_number": user.personal_number,
            "password": PASSWORD,
            "code": totp_code(secret, time.time() + 30 * step_offset),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_an_official_logs_in_and_decides_a_case_from_the_queue(
    review_case: Application, official: User, citizen: User
) -> None:
    client = office_client(official)
    queue = client.get("/office/?lang=en").content.decode()
    assert review_case.number in queue
    page = client.get(f"/office/cases/{review_case.pk}/?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Approve and issue" in html and "pin_already_assigned" in html
    assert DataAccess.objects.filter(
        subject_personal_number=citizen.personal_number, requester_kind="official"
    ).exists()
    response = client.post(f"/office/cases/{review_case.pk}/approve/", {"note": ""})
    assert response.status_code == 302
    review_case.refresh_from_db()
    assert review_case.status == Status.ISSUED
    # The citizen sees the official's look at their data.
    citizen_client = Client()
    citizen_client.force_login(citizen)
    listing = citizen_client.get("/me/data-access/?lang=en").content.decode()
    assert "An officer of" in listing
    assert f"opened your application {review_case.number}" in listing
    assert "asked the kagazsyz" not in listing


def test_a_refusal_through_the_page_needs_text_and_reaches_the_citizen(
    review_case: Application, official: User
) -> None:
    client = office_client(official)
    empty = client.post(
        f"/office/cases/{review_case.pk}/refuse/?lang=en",
        {"reason_code": "not_eligible", "text": ""},
    )
    assert empty.status_code == 422
    assert 'role="alert"' in empty.content.decode()
    done = client.post(
        f"/office/cases/{review_case.pk}/refuse/",
        {"reason_code": "not_eligible", "text": "Сиз башка райондо катталгансыз."},
    )
    assert done.status_code == 302
    review_case.refresh_from_db()
    assert review_case.status == Status.REJECTED
    assert review_case.refusal_code == "not_eligible"


def test_request_information_through_the_page(review_case: Application, official: User) -> None:
    client = office_client(official)
    response = client.post(f"/office/cases/{review_case.pk}/ask/", {"question": "Ким?"})
    assert response.status_code == 302
    review_case.refresh_from_db()
    assert review_case.status == Status.INFORMATION_REQUESTED


def test_four_eyes_through_the_pages(
    four_eyes_case: Application, official: User, second_official: User
) -> None:
    first = office_client(official)
    response = first.post(
        f"/office/cases/{four_eyes_case.pk}/refuse/",
        {"reason_code": "birth_not_confirmed", "text": "Ысым туура эмес."},
    )
    assert response.status_code == 302
    proposal = four_eyes_case.refusal_proposals.get()
    own = first.post(f"/office/proposals/{proposal.pk}/confirm/")
    assert own.status_code == 403
    second = office_client(second_official)
    assert str(four_eyes_case.number) in second.get("/office/").content.decode()
    assert second.get(f"/office/cases/{four_eyes_case.pk}/").status_code == 200
    assert second.post(f"/office/proposals/{proposal.pk}/confirm/").status_code == 302
    four_eyes_case.refresh_from_db()
    assert four_eyes_case.status == Status.REJECTED


def test_the_supervisor_page_shows_load_and_reassigns(
    review_case: Application, official: User, supervisor: User
) -> None:
    from kagazsyz.office.tests.conftest import make_official

    colleague = make_official(11)
    client = office_client(supervisor)
    html = client.get("/office/supervisor/?lang=en").content.decode()
    assert official.full_name in html and "Team load" in html
    response = client.post(
        f"/office/cases/{review_case.pk}/reassign/",
        {"official": str(colleague.pk), "reason": "Балансташтыруу."},
    )
    assert response.status_code == 302
    review_case.refresh_from_db()
    assert review_case.assigned_to == colleague
    assert office_client(official).get("/office/supervisor/").status_code == 403


ACTIONS = [
    ("get", "/office/cases/{id}/", {}),
    ("post", "/office/cases/{id}/approve/", {}),
    ("post", "/office/cases/{id}/refuse/", {"reason_code": "not_eligible", "text": "x"}),
    ("post", "/office/cases/{id}/ask/", {"question": "x"}),
    ("post", "/office/cases/{id}/reassign/", {"official": "", "reason": "x"}),
]


@pytest.mark.parametrize(("method", "url", "data"), ACTIONS)
@pytest.mark.parametrize("who", ["anonymous", "citizen", "foreign_official", "second_official"])
def test_every_forbidden_action_is_refused(
    review_case: Application,
    who: str,
    method: str,
    url: str,
    data: dict[str, Any],
    request: pytest.FixtureRequest,
) -> None:
    if who == "anonymous":
        client = Client()
    elif who == "citizen":
        client = Client()
        client.force_login(request.getfixturevalue("citizen"))
    else:
        client = office_client(request.getfixturevalue(who))
    response = getattr(client, method)(url.format(id=review_case.pk), data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/office/login/")
    else:
        assert response.status_code in {403, 404}
    review_case.refresh_from_db()
    assert review_case.status == Status.IN_REVIEW
    assert review_case.assigned_to is not None
    assert review_case.assignments.count() == 1


def test_a_code_cannot_be_used_twice_and_wrong_factors_are_refused(official: User) -> None:
    secret = totp_enrol(user=official)
    code = totp_code(secret, time.time())
    form = {"personal_number": official.personal_number, "password": PASSWORD, "code": code}
    assert Client().post("/office/login/", form).status_code == 302
    assert Client().post("/office/login/", form).status_code == 401
    wrong = {**form, "password": "wrong", "code": totp_code(secret, time.time() + 30)}
    assert Client().post("/office/login/?lang=en", wrong).status_code == 401


def test_the_queue_reads_a_page_in_a_fixed_number_of_queries(
    review_case: Application, official: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = office_client(official)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/office/").status_code == 200
        return len(captured.captured_queries)

    one = queries()
    Application.objects.bulk_create(
        Application(
            number=f"KG-2093-{n:06d}",
            citizen=review_case.citizen,
            service_code="BIR-02",
            service_version=1,
            agency_code="DRN",
            status=Status.IN_REVIEW if n % 2 else Status.INFORMATION_REQUESTED,
            submitted_at=review_case.submitted_at,
            due_on=review_case.due_on,
            assigned_to=official,
        )
        for n in range(120)
    )
    assert queries() == one


def test_a_decision_on_a_decided_case_is_a_clear_409(
    review_case: Application, official: User, supervisor: User
) -> None:
    assert (
        office_client(official).post(f"/office/cases/{review_case.pk}/approve/").status_code == 302
    )
    late = office_client(supervisor).post(
        f"/office/cases/{review_case.pk}/refuse/?lang=en",
        {"reason_code": "not_eligible", "text": "x"},
    )
    assert late.status_code == 409
    assert "not in review" in late.content.decode()
