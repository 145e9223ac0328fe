"""Shared fixtures: a small sandbox population loaded once per test database, and personas."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

from kagazsyz.accounts.models import User

# CI explores a fixed set of examples (each test's own, derived from its name), so a submission's
# run is repeatable; on a developer's machine every run draws new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

POPULATION_SIZE = 400
POPULATION_SEED = 2026


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from kagazsyz.registries.sandbox.load import population_generate

    with django_db_blocker.unblock():
        population_generate(size=POPULATION_SIZE, seed=POPULATION_SEED, today=dt.date(2026, 11, 1))


def _adults(predicate: Callable[[dict[str, Any]], bool]) -> list[str]:
    from kagazsyz.registries.models import SandboxResident

    found = []
    for resident in SandboxResident.objects.order_by("personal_number"):
        data = resident.datasets
        person = data["population.person"]
        if person["alive"] and person["birth_date"] <= "2006-01-01" and predicate(data):
            found.append(resident.personal_number)
    return found


def _user(personal_number: str) -> User:
    from kagazsyz.accounts.services import citizen_sandbox_login

    return citizen_sandbox_login(personal_number=personal_number)


def _clean(data: dict[str, Any]) -> bool:
    return (
        data["tax.taxpayer_account"]["debt_som"] == 0.0
        and not data["police.criminal_records"]["records"]
    )


@pytest.fixture
def citizen(db: Any) -> User:
    """Aigul: an adult with no tax debt and no criminal record."""
    return _user(_adults(_clean)[0])


@pytest.fixture
def other_citizen(db: Any) -> User:
    """Another adult, who must never see the first one's applications or documents."""
    return _user(_adults(_clean)[1])


@pytest.fixture
def debtor(db: Any) -> User:
    """An adult whose taxpayer account shows a debt."""
    return _user(_adults(lambda d: d["tax.taxpayer_account"]["debt_som"] > 0)[0])


@pytest.fixture
def convict(db: Any) -> User:
    """An adult with a criminal record: the automatic rule sends the case to an officer."""
    return _user(_adults(lambda d: bool(d["police.criminal_records"]["records"]))[0])


@pytest.fixture
def parent(db: Any) -> User:
    """An adult whose family record lists at least one living child."""
    from kagazsyz.registries.models import SandboxResident

    alive = {
        r.personal_number
        for r in SandboxResident.objects.all()
        if r.datasets["population.person"]["alive"]
    }
    return _user(_adults(lambda d: any(c in alive for c in d["population.family"]["children"]))[0])


@pytest.fixture
def submit(db: Any) -> Callable[..., Any]:
    """Submit an application and let the task queue carry it as far as it goes, as a worker would."""
    from kagazsyz.applications.services import application_submit
    from kagazsyz.tasks.worker import run_until_empty

    def _submit(**arguments: Any) -> Any:
        application = application_submit(**arguments)
        run_until_empty()
        application.refresh_from_db()
        return application

    return _submit


@pytest.fixture
def pay(db: Any) -> Callable[[Any], Any]:
    """Settle an application's invoice with the signed callback a provider sends, then let the
    worker carry the application on."""
    from django.conf import settings

    from kagazsyz.payments.models import Invoice
    from kagazsyz.payments.providers import SandboxProvider, sign
    from kagazsyz.payments.services import payment_callback_receive
    from kagazsyz.tasks.worker import run_until_empty

    def _pay(application: Any) -> Any:
        invoice = Invoice.objects.get(application=application)
        provider = SandboxProvider(settings.PAYMENTS_SANDBOX_SECRET)
        body = provider.callback_body(invoice, "succeeded").encode()
        payment_callback_receive(
            provider_code=provider.code,
            body=body,
            signature=sign(settings.PAYMENTS_SANDBOX_SECRET, body),
        )
        run_until_empty()
        application.refresh_from_db()
        return application

    return _pay
