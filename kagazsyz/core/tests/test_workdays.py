import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kagazsyz.core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


def test_weekend_is_skipped() -> None:
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday -> Monday


def test_new_year_holidays_and_year_end() -> None:
    # 31 Dec 2026 is a Thursday; 1-7 January are holidays, 8 January 2027 is a Friday.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 8)
    assert add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 8)


def test_holidays_in_may() -> None:
    # 1-9 May 2026 are holidays; 30 April is a Thursday.
    assert add_working_days(D(2026, 4, 30), 1) == D(2026, 5, 11)


def test_independence_day() -> None:
    assert not is_working_day(D(2026, 8, 31))
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 1)


def test_zero_days_moves_to_a_working_day() -> None:
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)
    assert add_working_days(D(2026, 11, 26), 0) == D(2026, 11, 26)


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    days=st.integers(min_value=0, max_value=120),
)
def test_add_and_count_agree(start: dt.date, days: int) -> None:
    due = add_working_days(start, days)
    assert is_working_day(due)
    assert due >= start
    if days:
        assert working_days_between(start, due) == days
        assert working_days_between(start, due - dt.timedelta(days=1)) == days - 1
