"""Each service's answers_schema agrees with clean_answers, and its example passes both."""

from __future__ import annotations

import string
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from kagazsyz.applications.answers import clean_answers
from kagazsyz.applications.form_schema import PERSONAL_NUMBER_FORMAT, answers_schema
from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.schema import Input, Service
from kagazsyz.core.errors import DomainError
from kagazsyz.core.personal_number import parse_personal_number
from kagazsyz.registries.sandbox.examples import answers_example

SERVICES = sorted(get_catalog().services)
FORMATS = FormatChecker()


def _is_personal_number(value: object) -> bool:
    return not isinstance(value, str) or bool(parse_personal_number(value))


FORMATS.checks(PERSONAL_NUMBER_FORMAT, raises=DomainError)(_is_personal_number)


def _validator(service: Service) -> Draft202012Validator:
    return Draft202012Validator(answers_schema(service), format_checker=FORMATS)


def _schema_accepts(service: Service, answers: Any) -> bool:
    return bool(_validator(service).is_valid(answers))


def _clean(service: Service, answers: Any) -> dict[str, Any] | None:
    try:
        return clean_answers(service, answers)
    except DomainError:
        return None


@pytest.mark.parametrize("code", SERVICES)
def test_every_schema_is_a_valid_draft_2020_12_schema_with_three_languages(code: str) -> None:
    schema = answers_schema(get_catalog().services[code])
    Draft202012Validator.check_schema(schema)
    for prop in schema["properties"].values():
        assert set(prop["x-labels"]) == {"ky", "ru", "en"}
        assert prop["title"] == prop["x-labels"]["ky"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", SERVICES)
def test_every_example_matches_the_schema_and_the_form(code: str) -> None:
    service = get_catalog().services[code]
    example = answers_example(service)
    _validator(service).validate(example.answers)
    assert clean_answers(service, example.answers) == example.answers


def test_an_example_without_the_sandbox_still_matches_the_form() -> None:
    for service in get_catalog().services.values():
        example = answers_example(service, sandbox=False)
        assert example.resident is None
        assert _schema_accepts(service, example.answers)
        assert _clean(service, example.answers) is not None


# Characters NFC keeps as they are: a few (U+0958…) expand under NFC, so a string the schema
# measured could grow past max_length in clean_answers.
_STABLE = st.characters(codec="utf-8").filter(lambda c: unicodedata.normalize("NFC", c) == c)
_PINS = st.one_of(
    st.from_regex(r"\A[12](0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])(19|20)[0-9]{7}\Z"),
    st.text(alphabet=string.digits, min_size=13, max_size=15),
)


def _value(field: Input) -> st.SearchStrategy[Any]:
    """Values of the right shape, near misses, and values of the wrong type."""
    wrong = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3))
    right: st.SearchStrategy[Any]
    if field.type == "text":
        right = st.text(alphabet=_STABLE, max_size=(field.max_length or 10) + 2)
    elif field.type == "integer":
        low = field.minimum if field.minimum is not None else -(10**9)
        high = field.maximum if field.maximum is not None else 10**9
        right = st.integers(low - 2, min(high, low + 10**6) + 2)
    elif field.type == "date":
        right = st.one_of(
            st.dates().map(lambda d: d.isoformat()),
            st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
        )
    elif field.type == "choice":
        right = st.sampled_from([c.value for c in field.choices] + ["nope"])
    elif field.type == "boolean":
        right = st.booleans()
    else:
        right = _PINS
    return st.one_of(right, right, wrong)


@st.composite
def _answers(draw: st.DrawFn, service: Service) -> dict[str, Any]:
    answers = {}
    for field in service.inputs:
        if draw(st.integers(0, 9)) > 0:  # mostly present, sometimes missing
            answers[field.name] = draw(_value(field))
    if draw(st.integers(0, 19)) == 0:
        answers["unknown_field"] = "x"
    return answers


@pytest.mark.parametrize("code", SERVICES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_schema_never_accepts_what_the_form_refuses(code: str, data: st.DataObject) -> None:
    """Schema-valid answers pass clean_answers unchanged; whatever clean_answers accepts, it
    returns in a form the schema accepts (the schema describes the canonical answers)."""
    service = get_catalog().services[code]
    answers = data.draw(_answers(service))
    cleaned = _clean(service, answers)
    if _schema_accepts(service, answers):
        assert cleaned is not None, answers
        # Unchanged, except that an absent checkbox becomes false and text is NFC-normalized
        # (a CJK compatibility ideograph such as U+51DE becomes its unified form).
        canonical = {
            k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v
            for k, v in answers.items()
        }
        assert cleaned == {**{k: False for k in cleaned.keys() - answers.keys()}, **canonical}
    if cleaned is not None:
        assert _schema_accepts(service, cleaned), (answers, cleaned)
