import argparse

import pytest

from kagazsyz.core.arguments import PORT, bounded_int, seconds


@pytest.mark.parametrize("text", ["-1", "65536", "eighty", ""])
def test_a_bad_port_is_a_usage_error(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        PORT(text)


def test_numbers_in_range_pass() -> None:
    assert PORT("8100") == 8100
    assert bounded_int(1, 3)("3") == 3


@pytest.mark.parametrize("text", ["-1", "86401", "often", "", "nan"])
def test_a_bad_pause_is_a_usage_error(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        seconds(text)


def test_pauses_in_range_pass() -> None:
    assert seconds("0") == 0.0
    assert seconds("0.2") == 0.2
    assert seconds("300") == 300.0
