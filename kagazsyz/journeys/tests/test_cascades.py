"""A registered birth or death starts its journey: the platform applies, offers and schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kagazsyz.accounts.models import User
from kagazsyz.accounts.services import citizen_sandbox_login
from kagazsyz.applications.models import Application, Status
from kagazsyz.applications.services import application_approve
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.conftest import POPULATION_SEED, POPULATION_SIZE
from kagazsyz.core.errors import DomainError
from kagazsyz.journeys.cascades import KINDERGARTEN_AFTER_DAYS
from kagazsyz.journeys.models import Journey, StepKind, StepStatus
from kagazsyz.journeys.services import (
    journey_start,
    journey_step_confirm,
    journey_steps_fire_due,
)
from kagazsyz.ledger.models import Entry
from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.sandbox.examples import answers_example
from kagazsyz.registries.sandbox.load import population_present
from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db


def _registered(code: str, submit) -> tuple[User, Application]:
    example = answers_example(get_catalog().services[code])
    assert example.resident is not None
    citizen = citizen_sandbox_login(personal_number=example.resident)
    application = submit(citizen=citizen, service_code=code, answers=example.answers)
    assert application.status == Status.IN_REVIEW
    application_approve(application_id=application.pk, actor="official:test")
    run_until_empty()
    return citizen, application


def _steps(journey: Journey) -> dict[str, Any]:
    return {step.key: step for step in journey.steps.all()}


def test_a_registered_birth_gives_the_child_a_personal_number_in_the_registers(submit) -> None:
    mother, application = _registered("BIR-01", submit)
    journey = Journey.objects.get(trigger_application=application)
    child = journey.subject_personal_number
    born = dt.date.fromisoformat(application.answers["child_birth_date"])
    assert child[0] == "1" and child[1:9] == born.strftime("%d%m%Y") and len(child) == 14
    record = SandboxResident.objects.get(personal_number=child).datasets
    assert record["population.family"]["mother"] == mother.personal_number
    assert record["civil_status.acts"]["birth_act"] is not None
    parent = SandboxResident.objects.get(personal_number=mother.personal_number).datasets
    assert child in parent["population.family"]["children"]
    # A restart of the demo keeps the newborn: the population is still recognised as the same.
    assert population_present(
        size=POPULATION_SIZE, seed=POPULATION_SEED, today=dt.date(2026, 11, 1)
    )


def test_a_registered_birth_applies_for_the_payment_address_and_doctor_by_itself(submit) -> None:
    mother, application = _registered("BIR-01", submit)
    journey = Journey.objects.get(trigger_application=application)
    steps = _steps(journey)
    assert list(steps) == ["personal_number", "BIR-05", "BIR-06", "BIR-07", "EDU-01"]
    assert steps["personal_number"].status == StepStatus.DONE
    for code in ("BIR-05", "BIR-06", "BIR-07"):
        step = steps[code]
        assert step.kind == StepKind.APPLICATION
        assert step.application.citizen_id == mother.pk
        assert step.application.answers["child"] == journey.subject_personal_number
    # The address and the family doctor follow from the registers: decided and issued at once.
    assert steps["BIR-06"].application.status == Status.ISSUED
    assert steps["BIR-06"].status == StepStatus.DONE
    # Without a bank account on file, the payment goes to an officer; it is not refused.
    assert steps["BIR-05"].application.status in {Status.ISSUED, Status.IN_REVIEW}


def test_the_kindergarten_invitation_waits_until_the_child_is_six_months_old(submit) -> None:
    _, application = _registered("BIR-01", submit)
    step = _steps(Journey.objects.get(trigger_application=application))["EDU-01"]
    born = dt.date.fromisoformat(application.answers["child_birth_date"])
    assert step.status == StepStatus.SCHEDULED
    assert timezone.localdate(step.due_at) == born + dt.timedelta(days=KINDERGARTEN_AFTER_DAYS)
    assert journey_steps_fire_due(now=step.due_at - dt.timedelta(seconds=1)) == 0
    run_until_empty(now=step.due_at)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING
    # The parent still chooses the kindergarten: one click is not enough, the form is.
    with pytest.raises(DomainError) as error:
        journey_step_confirm(citizen=application.citizen, step_id=step.pk)
    assert error.value.field == "kindergarten"


def test_starting_a_journey_twice_changes_nothing(submit) -> None:
    _, application = _registered("BIR-01", submit)
    residents = SandboxResident.objects.count()
    applications = Application.objects.count()
    journey_start(application_id=application.pk)
    run_until_empty()
    assert Journey.objects.filter(trigger_application=application).count() == 1
    assert SandboxResident.objects.count() == residents
    assert Application.objects.count() == applications


def test_a_registered_death_stops_the_pension_and_applies_for_the_burial_allowance(submit) -> None:
    relative, application = _registered("DTH-01", submit)
    journey = Journey.objects.get(trigger_application=application)
    deceased = SandboxResident.objects.get(personal_number=application.answers["deceased"])
    assert deceased.datasets["population.person"]["alive"] is False
    assert deceased.datasets["civil_status.acts"]["death_act"] is not None
    assert deceased.datasets["social_fund.pension"]["receives"] is False
    steps = _steps(journey)
    assert list(steps) == [
        "HOME-02",
        "id_cancelled",
        "pension_stopped",
        "DTH-02",
        "DTH-03",
        "DTH-04",
    ]
    assert all(steps[key].status == StepStatus.DONE for key in ("HOME-02", "id_cancelled"))
    assert steps["DTH-02"].application.citizen_id == relative.pk
    assert steps["DTH-03"].status == StepStatus.PENDING
    assert steps["DTH-03"].answers["relationship"] == "parent"


def test_a_one_click_offer_submits_the_prepared_application(submit) -> None:
    relative, application = _registered("DTH-01", submit)
    step = _steps(Journey.objects.get(trigger_application=application))["DTH-04"]
    follow_up = journey_step_confirm(citizen=relative, step_id=step.pk)
    run_until_empty()
    follow_up.refresh_from_db()
    # The registers now know of the death, so the certificate for the notary is issued at once.
    assert follow_up.status == Status.ISSUED
    step.refresh_from_db()
    assert step.status == StepStatus.DONE
    with pytest.raises(DomainError):
        journey_step_confirm(citizen=relative, step_id=step.pk)


def test_another_citizen_cannot_confirm_someone_elses_step(submit, other_citizen) -> None:
    _, application = _registered("DTH-01", submit)
    step = _steps(Journey.objects.get(trigger_application=application))["DTH-04"]
    with pytest.raises(DomainError) as error:
        journey_step_confirm(citizen=other_citizen, step_id=step.pk)
    assert error.value.status == 404


def test_the_journey_is_in_the_ledger_without_personal_data(submit) -> None:
    _, application = _registered("BIR-01", submit)
    entry = Entry.objects.get(kind="journey.started")
    journey = Journey.objects.get(trigger_application=application)
    assert journey.subject_personal_number not in entry.canonical
    assert application.citizen.personal_number not in entry.canonical


def test_a_new_surname_offers_the_id_card_exchange(submit, pay) -> None:
    example = answers_example(get_catalog().services["FAM-04"])
    assert example.resident is not None
    citizen = citizen_sandbox_login(personal_number=example.resident)
    application = pay(submit(citizen=citizen, service_code="FAM-04", answers=example.answers))
    application_approve(application_id=application.pk, actor="official:test")
    run_until_empty()
    journey = Journey.objects.get(trigger_application=application)
    assert journey.life_event == "FAMILY"
    assert journey.subject_personal_number == citizen.personal_number
    step = journey.steps.get()
    assert (step.key, step.kind, step.status) == ("ID-02", StepKind.OFFER, StepStatus.PENDING)
    assert step.answers == {"reason": "name_changed"}


def test_a_marriage_that_keeps_the_surname_starts_no_journey(submit, pay) -> None:
    example = answers_example(get_catalog().services["FAM-01"])
    assert example.resident is not None
    citizen = citizen_sandbox_login(personal_number=example.resident)
    answers = {**example.answers, "surname_after": "keep"}
    application = pay(submit(citizen=citizen, service_code="FAM-01", answers=answers))
    application_approve(application_id=application.pk, actor="official:test")
    run_until_empty()
    assert not Journey.objects.filter(trigger_application=application).exists()
