"""Answers that pass a service's form, for tests: the first choice, the citizen's own number."""

from __future__ import annotations

from kagazsyz.accounts.models import User


def answers_for(code: str, citizen: User) -> dict[str, object]:
    from kagazsyz.catalog.loader import get_catalog

    service = get_catalog().service(code)
    assert service is not None
    answers: dict[str, object] = {}
    for item in service.inputs:
        if not item.required:
            continue
        if item.type == "choice":
            answers[item.name] = item.choices[0].value
        elif item.type == "personal_number":
            answers[item.name] = citizen.personal_number
        elif item.type == "date":
            answers[item.name] = "2026-10-01"
        elif item.type == "integer":
            answers[item.name] = item.minimum or 1
        elif item.type == "boolean":
            answers[item.name] = True
        else:
            answers[item.name] = "Бишкек"
    return answers
