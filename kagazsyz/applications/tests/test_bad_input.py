"""Bad input: a clear, localized error naming what is wrong, and nothing half-stored."""

import pytest

from kagazsyz.applications.models import Application, Transition
from kagazsyz.applications.services import application_submit
from kagazsyz.core.errors import DomainError
from kagazsyz.documents.models import Document
from kagazsyz.ledger.models import Entry
from kagazsyz.registries.models import DataAccess

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Application, Transition, Document, Entry, DataAccess))


CASES = [
    ("unknown service", "XXX-99", {}, "unknown_service", "service"),
    ("answers not an object", "WORK-04", ["a"], "invalid_answers", None),
    (
        "unknown field",
        "WORK-04",
        {"favourite_colour": "red"},
        "invalid_answers",
        "favourite_colour",
    ),
    ("missing required field", "WORK-01", {}, "invalid_answers", "purpose"),
    ("over-long field", "WORK-04", {"presented_to": "я" * 201}, "invalid_answers", "presented_to"),
    ("wrong type", "WORK-04", {"presented_to": 12}, "invalid_answers", "presented_to"),
    ("wrong choice", "WORK-01", {"purpose": "bribe"}, "invalid_answers", "purpose"),
    ("html in text", "WORK-04", {"presented_to": "<b>bank</b>"}, "invalid_answers", "presented_to"),
    (
        "script in text",
        "WORK-04",
        {"presented_to": "<script>alert(1)</script>"},
        "invalid_answers",
        "presented_to",
    ),
    (
        "control characters",
        "WORK-04",
        {"presented_to": "bank\x00"},
        "invalid_answers",
        "presented_to",
    ),
]


@pytest.mark.parametrize(
    ("case", "service", "answers", "code", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    citizen, case, service, answers, code, field
) -> None:
    before = _counts()
    with pytest.raises(DomainError) as caught:
        application_submit(citizen=citizen, service_code=service, answers=answers)
    error = caught.value
    assert error.code == code
    assert error.status in {404, 422}
    if field:
        assert error.field == field
    texts = error.message.as_dict()
    assert all(texts.values()) and len(set(texts.values())) == 3
    assert _counts() == before


def test_kyrgyz_letters_are_kept_exactly(citizen, submit) -> None:
    name = "Үсөнбаев Төлөгөн Жаңыл"
    application = submit(citizen=citizen, service_code="WORK-04", answers={"presented_to": name})
    assert application.answers["presented_to"] == name


def test_decomposed_unicode_is_normalized_to_nfc(citizen, submit) -> None:
    application = submit(
        citizen=citizen, service_code="WORK-04", answers={"presented_to": "Е\u0308лка"}
    )
    assert application.answers["presented_to"] == "Ёлка"


def test_a_form_sent_twice_makes_one_application(citizen, submit) -> None:
    for _ in range(2):
        submit(citizen=citizen, service_code="WORK-04", answers={}, idempotency_key="form-123")
    assert Application.objects.filter(citizen=citizen).count() == 1


def test_a_reused_key_with_other_answers_is_a_conflict(citizen) -> None:
    application_submit(
        citizen=citizen, service_code="WORK-04", answers={}, idempotency_key="form-9"
    )
    with pytest.raises(DomainError) as caught:
        application_submit(
            citizen=citizen,
            service_code="WORK-01",
            answers={"purpose": "visa"},
            idempotency_key="form-9",
        )
    assert caught.value.code == "idempotency_key_reused"
    assert caught.value.status == 409
