"""The citizen sees a life event as one journey, on the web and in the API."""

from __future__ import annotations

import pytest
from django.test import Client

from kagazsyz.accounts.services import citizen_sandbox_login
from kagazsyz.applications.models import Application, Status
from kagazsyz.applications.services import application_approve
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.journeys.models import Journey, StepStatus
from kagazsyz.registries.sandbox.examples import answers_example
from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db


def _death_registered(client: Client, submit) -> tuple[Journey, dict[str, str]]:
    example = answers_example(get_catalog().services["DTH-01"])
    assert example.resident is not None
    relative = citizen_sandbox_login(personal_number=example.resident)
    application = submit(citizen=relative, service_code="DTH-01", answers=example.answers)
    application_approve(application_id=application.pk, actor="official:test")
    run_until_empty()
    client.post("/login/", {"personal_number": relative.personal_number})
    token = client.post(
        "/api/v1/sandbox/login",
        {"personal_number": relative.personal_number},
        content_type="application/json",
    ).json()["token"]
    return Journey.objects.get(trigger_application=application), {
        "Authorization": f"Bearer {token}"
    }


def test_the_journey_page_lists_every_step_with_a_one_click_offer(client: Client, submit) -> None:
    journey, _ = _death_registered(client, submit)
    listing = client.get("/me/journeys/?lang=en").content.decode()
    assert f"/me/journeys/{journey.pk}/" in listing and "Loss of a loved one" in listing
    page = client.get(f"/me/journeys/{journey.pk}/?lang=en").content.decode()
    assert "Burial allowance" in page and "The Social Fund stopped" in page
    offer = journey.steps.get(key="DTH-04")
    assert f"/me/journeys/steps/{offer.pk}/confirm/" in page
    response = client.post(f"/me/journeys/steps/{offer.pk}/confirm/")
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.application is not None
    assert response["Location"] == f"/applications/{offer.application.pk}/"
    trigger = client.get(f"/applications/{journey.trigger_application_id}/?lang=en")
    assert f"/me/journeys/{journey.pk}/" in trigger.content.decode()


def test_an_offer_that_needs_more_answers_opens_the_form_prefilled(client: Client, submit) -> None:
    journey, _ = _death_registered(client, submit)
    step = journey.steps.get(key="DTH-03")
    step.answers = {"deceased": journey.subject_personal_number}  # no relationship chosen
    step.save(update_fields=["answers"])
    response = client.post(f"/me/journeys/steps/{step.pk}/confirm/")
    assert response.status_code == 302
    assert response["Location"].startswith("/services/DTH-03/apply/?deceased=")
    form = client.get(response["Location"]).content.decode()
    assert f'value="{journey.subject_personal_number}"' in form


def test_journeys_through_the_api(client: Client, submit, other_citizen) -> None:
    journey, auth = _death_registered(client, submit)
    listed = client.get("/api/v1/journeys", headers=auth).json()
    assert [item["id"] for item in listed] == [str(journey.pk)]
    steps = {step["key"]: step for step in listed[0]["steps"]}
    assert steps["pension_stopped"]["status"] == "done"
    assert steps["DTH-03"]["kind"] == "offer" and steps["DTH-03"]["status"] == "pending"
    confirmed = client.post(f"/api/v1/journeys/steps/{steps['DTH-04']['id']}/confirm", headers=auth)
    assert confirmed.status_code == 201
    run_until_empty()
    follow_up = Application.objects.get(pk=confirmed.json()["id"])
    assert follow_up.status == Status.ISSUED
    assert journey.steps.get(key="DTH-04").status == StepStatus.DONE
    other = citizen_sandbox_login(personal_number=other_citizen.personal_number)
    assert other.pk != journey.citizen_id
    client.post("/logout/")
    client.post("/login/", {"personal_number": other.personal_number})
    assert client.get(f"/me/journeys/{journey.pk}/").status_code == 404
