import argparse

import pytest

from kagazsyz.core.arguments import PORT, bounded_int


@pytest.mark.parametrize("text", ["-1", "65536", "eighty", ""])
def test_a_bad_port_is_a_usage_error(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        PORT(text)


def test_numbers_in_range_pass() -> None:
    assert PORT("8100") == 8100
    assert bounded_int(1, 3)("3") == 3
