"""The inbox page, the header's unread counter, contact settings, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from kagazsyz.accounts.models import User
from kagazsyz.applications.models import Status
from kagazsyz.notifications.models import Contact, Notice
from kagazsyz.notifications.services import notification_for_transition
from kagazsyz.notifications.tests.test_notifications import _Application


def _notify(citizen: User, status: Status = Status.APPROVED) -> Notice:
    with transaction.atomic():
        return notification_for_transition(_Application(citizen), status)


def test_the_inbox_lists_notices_and_the_header_counts_the_unread(
    citizen: User, client: Client
) -> None:
    _notify(citizen)
    _notify(citizen, Status.ISSUED)
    client.force_login(citizen)
    page = client.get("/me/notifications/?lang=en").content.decode()
    assert "Application KG-2026-900001: Approved" in page
    assert "2 unread messages" in page
    assert '<span class="badge">2</span>' in page
    home = client.get("/?lang=en").content.decode()
    assert '<span class="badge">2</span>' in home


def test_marking_read_one_and_then_all(citizen: User, client: Client) -> None:
    first = _notify(citizen)
    _notify(citizen, Status.ISSUED)
    client.force_login(citizen)
    assert client.post("/me/notifications/read/", {"notice": str(first.pk)}).status_code == 302
    assert Notice.objects.filter(user=citizen, read_at__isnull=True).count() == 1
    client.post("/me/notifications/read/", {})
    assert not Notice.objects.filter(user=citizen, read_at__isnull=True).exists()
    assert '<span class="badge">' not in client.get("/").content.decode()


def test_nobody_reads_or_marks_another_citizens_notices(
    citizen: User, other_citizen: User, client: Client
) -> None:
    notice = _notify(citizen)
    client.force_login(other_citizen)
    assert "KG-2026-900001" not in client.get("/me/notifications/").content.decode()
    client.post("/me/notifications/read/", {"notice": str(notice.pk)})
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_needs_a_log_in(client: Client, db: Any) -> None:
    assert client.get("/me/notifications/")["Location"].startswith("/login/")


def test_contact_settings_are_saved(citizen: User, client: Client) -> None:
    client.force_login(citizen)
    response = client.post(
        "/me/notifications/contact/",
        {"email": "a@example.kg", "phone": "+996 (555) 12-34-56", "sms_enabled": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(user=citizen)
    assert (contact.email, contact.phone) == ("a@example.kg", "+996555123456")
    assert (contact.email_enabled, contact.sms_enabled) == (False, True)
    assert 'value="+996555123456"' in client.get("/me/notifications/").content.decode()


@pytest.mark.parametrize(
    ("posted", "field", "text"),
    [
        ({"phone": "555-12", "sms_enabled": "on"}, "phone", "+996XXXXXXXXX"),
        ({"sms_enabled": "on"}, "phone", "Give a phone number"),
        ({"email": "not-an-address"}, "email", "not valid"),
        ({"email_enabled": "on"}, "email", "Give an e-mail address"),
    ],
)
def test_bad_contact_settings_are_explained_next_to_the_field(
    citizen: User, client: Client, posted: dict[str, str], field: str, text: str
) -> None:
    client.force_login(citizen)
    response = client.post("/me/notifications/contact/?lang=en", posted)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'aria-describedby="{field}-error"' in page and text in page
    assert not Contact.objects.filter(user=citizen).exists()


def test_the_api_lists_my_notifications(citizen: User, other_citizen: User, client: Client) -> None:
    _notify(citizen)
    _notify(other_citizen)
    token = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": citizen.personal_number},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/v1/me/notifications", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["unread"] == 1
    assert [notice["ref"] for notice in body["notices"]] == ["KG-2026-900001"]
    assert body["notices"][0]["read"] is False
    assert client.get("/api/v1/me/notifications").status_code == 401


def test_the_citizen_chooses_the_language_of_messages(citizen: User, client: Client) -> None:
    client.force_login(citizen)
    client.post("/me/notifications/contact/", {"language": "ru"})
    citizen.refresh_from_db()
    assert citizen.language == "ru"
    assert _notify(citizen).subject.startswith("Заявление")
    # The inbox speaks the reader's current language whatever the message was sent in.
    assert "Application KG-2026-900001" in client.get("/me/notifications/?lang=en").content.decode()


def test_the_inbox_says_whether_e_mail_and_sms_went_out(
    citizen: User, client: Client, settings: Any
) -> None:
    from kagazsyz.notifications.models import Delivery, DeliveryStatus
    from kagazsyz.notifications.services import contact_update

    contact_update(
        user=citizen,
        email="a@example.kg",
        phone="+996555000111",
        email_enabled=True,
        sms_enabled=True,
    )
    _notify(citizen)
    Delivery.objects.filter(channel="email").update(status=DeliveryStatus.SENT)
    Delivery.objects.filter(channel="sms").update(status=DeliveryStatus.FAILED)
    client.force_login(citizen)
    page = client.get("/me/notifications/?lang=en").content.decode()
    assert "Sent by e-mail." in page
    assert "Could not be sent by SMS; check the number below." in page


def test_the_inbox_costs_the_same_queries_for_many_notices(
    citizen: User, client: Client, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(citizen)
    _notify(citizen)
    with CaptureQueriesContext(connection) as one:
        client.get("/me/notifications/")
    for _ in range(6):
        _notify(citizen, Status.ISSUED)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/me/notifications/")
