"""Argument types for the ``kagazsyz`` commands: a bad number is a usage error, not a traceback."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def bounded_int(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{value} is not between {minimum} and {maximum}")
        return value

    parse.__name__ = "number"
    return parse


PORT = bounded_int(0, 65535)
COUNT = bounded_int(0, 100_000_000)
POSITIVE = bounded_int(1, 100_000_000)


def seconds(text: str) -> float:
    """A pause between runs of a periodic command: zero (run once) up to a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"{value:g} is not between 0 and 86400 seconds")
    return value
