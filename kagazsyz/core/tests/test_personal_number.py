import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kagazsyz.core.errors import DomainError
from kagazsyz.core.personal_number import make_personal_number, parse_personal_number

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "pin_empty"),
        ("   ", "pin_empty"),
        ("2150519801234", "pin_length"),
        ("215051980123456", "pin_length"),
        ("2150519801234a", "pin_not_digits"),
        ("2150519801 234", "pin_not_digits"),
        ("٢١٥٠٥١٩٨٠١٢٣٤٥", "pin_not_digits"),  # Arabic-Indic digits are digits, but not ASCII
        ("２１５０５１９８０１２３４５", "pin_not_digits"),  # full-width digits
        ("31505198012345", "pin_sex_digit"),
        ("01505198012345", "pin_sex_digit"),
        ("23202198012345", "pin_date_impossible"),  # 32 February
        ("22902200112345", "pin_date_impossible"),  # 29 February of a common year
        ("21513198012345", "pin_date_impossible"),  # month 13
        ("20001198012345", "pin_date_impossible"),  # day 0
        ("21505189912345", "pin_date_too_old"),
        ("21505203012345", "pin_date_future"),
    ],
)
def test_each_malformed_number_has_its_own_error(raw: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_personal_number(raw, today=TODAY)
    assert caught.value.code == code
    assert caught.value.field == "personal_number"
    message = caught.value.message
    assert message.ky and message.ru and message.en
    assert len({message.ky, message.ru, message.en}) == 3


def test_valid_number_gives_sex_and_birth_date() -> None:
    pin = parse_personal_number(" 12902200012345 ", today=TODAY)
    assert pin.value == "12902200012345"
    assert pin.sex == "F"
    assert pin.birth_date == dt.date(2000, 2, 29)
    assert pin.age_on(dt.date(2026, 2, 28)) == 25
    assert pin.age_on(dt.date(2026, 3, 1)) == 26


@given(
    sex=st.sampled_from(["F", "M"]),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    serial=st.integers(min_value=0, max_value=99999),
)
def test_composed_numbers_parse_back(sex: str, birth: dt.date, serial: int) -> None:
    pin = parse_personal_number(
        make_personal_number(sex=sex, birth_date=birth, serial=serial), today=TODAY
    )
    assert (pin.sex, pin.birth_date) == (sex, birth)


@given(st.text(max_size=20))
def test_any_text_is_parsed_or_refused_with_a_domain_error(raw: str) -> None:
    try:
        pin = parse_personal_number(raw, today=TODAY)
    except DomainError as error:
        assert error.code.startswith("pin_")
    else:
        assert len(pin.value) == 14
