"""What a citizen can do on their own application: withdraw, answer, rate, complain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Application, Status
from kagazsyz.applications.services import (
    _move,
    application_withdraw,
)
from kagazsyz.core.errors import DomainError
from kagazsyz.journeys.models import Complaint, Rating
from kagazsyz.journeys.selectors import application_is_overdue, complaints_open
from kagazsyz.journeys.services import application_rate, complaint_file
from kagazsyz.ledger.models import Entry
from kagazsyz.office.services import information_answer

pytestmark = pytest.mark.django_db
QUESTION = "Please give the number of the court decision on the adoption."


def _in_review(citizen: User, submit: Any) -> Application:
    """A review service (a duplicate school certificate) waits for an official."""
    application: Application = submit(
        citizen=citizen,
        service_code="EDU-04",
        answers={"school_name": "School 5", "graduation_year": 2000, "reason": "lost"},
    )
    assert application.status == Status.IN_REVIEW
    return application


def _ask(application: Application) -> None:
    """What the back office does when an official requests information."""
    with transaction.atomic():
        _move(application, Status.INFORMATION_REQUESTED, actor="official:7", reason=QUESTION)


def _overdue(application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    application.refresh_from_db()


def _login(client: Client, citizen: User) -> dict[str, str]:
    client.post("/login/", {"personal_number": citizen.personal_number})
    response = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": citizen.personal_number},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


# ------------------------------------------------------------------------------- withdraw


def test_a_case_in_review_can_be_withdrawn_with_a_reason(citizen, submit) -> None:
    application = _in_review(citizen, submit)
    application_withdraw(citizen=citizen, application_id=application.pk, reason="Found it")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    last = application.transitions.last()
    assert last is not None and last.actor == "citizen" and last.reason == "Found it"
    entry = Entry.objects.filter(ref=application.number).order_by("-id").first()
    assert entry is not None and '"to":"withdrawn"' in entry.canonical
    assert "Found it" not in entry.canonical


def test_an_issued_document_cannot_be_withdrawn(citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="HOME-03", answers={})
    with pytest.raises(DomainError) as error:
        application_withdraw(citizen=citizen, application_id=application.pk)
    assert error.value.code == "not_withdrawable" and error.value.status == 409


def test_nobody_withdraws_another_persons_application(citizen, other_citizen, submit) -> None:
    application = _in_review(citizen, submit)
    with pytest.raises(DomainError) as error:
        application_withdraw(citizen=other_citizen, application_id=application.pk)
    assert error.value.status == 404


def test_withdrawing_asks_for_confirmation_on_the_web(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    _login(client, citizen)
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert f'href="/applications/{application.pk}/withdraw/"' in page
    confirm = client.get(f"/applications/{application.pk}/withdraw/?lang=en")
    assert "Yes, withdraw" in confirm.content.decode()
    response = client.post(f"/applications/{application.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    again = client.post(f"/applications/{application.pk}/withdraw/?lang=en")
    assert again.status_code == 409 and "can no longer be withdrawn" in again.content.decode()
    assert client.get(f"/applications/{application.pk}/withdraw/").status_code == 409


def test_withdrawing_through_the_api(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    auth = _login(client, citizen)
    response = client.post(
        f"/api/v1/applications/{application.pk}/withdraw",
        {"reason": "changed my mind"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


# ------------------------------------------------------------------------------- answer


def test_the_citizen_reads_the_question_and_answers_it(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    _ask(application)
    _login(client, citizen)
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert QUESTION in page and "The officer asks" in page
    response = client.post(f"/applications/{application.pk}/answer/", {"text": "No 2-15/26"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    last = application.transitions.last()
    assert last is not None and last.reason == "No 2-15/26" and last.actor == "citizen"
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "Your answer: No 2-15/26" in page


def test_an_answer_needs_a_question_and_some_text(citizen, submit) -> None:
    application = _in_review(citizen, submit)
    with pytest.raises(DomainError) as error:
        information_answer(citizen=citizen, application_id=application.pk, text="x")
    assert error.value.code == "not_waiting"
    _ask(application)
    with pytest.raises(DomainError) as error:
        information_answer(citizen=citizen, application_id=application.pk, text="  ")
    assert error.value.code == "invalid_text"


def test_answering_through_the_api(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    _ask(application)
    auth = _login(client, citizen)
    url = f"/api/v1/applications/{application.pk}/answer"
    response = client.post(url, {"text": "Here"}, content_type="application/json", headers=auth)
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    again = client.post(url, {"text": "Here"}, content_type="application/json", headers=auth)
    assert again.status_code == 409


# ------------------------------------------------------------------------------- rating


def test_a_closed_case_is_rated_once(client: Client, citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="HOME-03", answers={})
    _login(client, citizen)
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "Rate the service" in page
    client.post(f"/applications/{application.pk}/rate/", {"score": "4", "comment": "Fast"})
    application.refresh_from_db()
    assert application.rating == 4
    assert Rating.objects.get(application=application).comment == "Fast"
    with pytest.raises(DomainError) as error:
        application_rate(citizen=citizen, application_id=application.pk, score=5)
    assert error.value.code == "not_rateable"


def test_an_open_case_or_a_bad_score_is_refused(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    with pytest.raises(DomainError):
        application_rate(citizen=citizen, application_id=application.pk, score=5)
    issued = submit(citizen=citizen, service_code="HOME-03", answers={})
    for score in (0, 6, True, "5"):
        with pytest.raises(DomainError) as error:
            application_rate(citizen=citizen, application_id=issued.pk, score=score)
        assert error.value.code == "invalid_score"
    auth = _login(client, citizen)
    response = client.post(
        f"/api/v1/applications/{issued.pk}/rating",
        {"score": 5},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201 and response.json()["score"] == 5


# ------------------------------------------------------------------------------- complaints


def test_an_overdue_application_shows_it_and_can_be_complained_about(
    client: Client, citizen, submit
) -> None:
    application = _in_review(citizen, submit)
    assert not application_is_overdue(application, timezone.localdate())
    with pytest.raises(DomainError) as error:
        complaint_file(citizen=citizen, application_id=application.pk)
    assert error.value.code == "not_overdue"
    _overdue(application)
    _login(client, citizen)
    page = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "Overdue" in page and "Complain about the delay" in page
    response = client.post(f"/applications/{application.pk}/complain/", {"text": "Too long"})
    assert response.status_code == 302
    complaint = Complaint.objects.get(application=application)
    assert complaint.agency_code == application.agency_code
    assert list(complaints_open()) == [complaint]
    entry = Entry.objects.get(kind="complaint.filed")
    assert application.number in entry.canonical and "Too long" not in entry.canonical
    with pytest.raises(DomainError) as error:
        complaint_file(citizen=citizen, application_id=application.pk)
    assert error.value.code == "already_complained"


def test_a_late_decision_is_overdue_too(citizen, submit) -> None:
    application = submit(citizen=citizen, service_code="HOME-03", answers={})
    assert not application_is_overdue(application, timezone.localdate())
    _overdue(application)
    assert application_is_overdue(application, timezone.localdate())


def test_complaining_through_the_api(client: Client, citizen, submit) -> None:
    application = _in_review(citizen, submit)
    _overdue(application)
    auth = _login(client, citizen)
    response = client.post(
        f"/api/v1/applications/{application.pk}/complaint",
        {"text": ""},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201 and response.json()["status"] == "open"


# ------------------------------------------------------------------------------- timeline


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ky", "Арыз кызматкерге кароого жөнөтүлдү."),
        ("ru", "Заявление передано на рассмотрение сотруднику."),
        ("en", "The application was passed to an officer for review."),
    ],
)
def test_the_timeline_says_why_in_the_readers_language(
    client: Client, citizen, submit, language: str, expected: str
) -> None:
    application = _in_review(citizen, submit)
    _login(client, citizen)
    page = client.get(f"/applications/{application.pk}/?lang={language}").content.decode()
    assert expected in page
    assert application.due_on is not None and application.due_on.strftime("%d.%m.%Y") in page


def test_a_deadline_complaint_reaches_the_oversight_page(client: Client, citizen, submit) -> None:
    from kagazsyz.accounts.models import OfficialRole, Role

    application = _in_review(citizen, submit)
    _overdue(application)
    complaint_file(citizen=citizen, application_id=application.pk, text="Too long")
    inspector = User.objects.create_user("29001199000123", full_name="Oversight inspector")
    OfficialRole.objects.create(user=inspector, agency_code="NATIONAL", role=Role.OVERSIGHT)
    client.force_login(inspector)
    page = client.get("/oversight/complaints/?lang=en").content.decode()
    assert application.number in page and application.service_code in page
    client.force_login(citizen)
    assert client.get("/oversight/complaints/").status_code == 403
