"""Eligibility rules and document claims, written in CEL and evaluated by a library.

CEL is side-effect free and cannot loop forever, so a rule in a catalogue file cannot harm the
platform. Programs are compiled once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import cel


class RuleError(ValueError):
    """A rule does not compile, names an unknown variable, or fails on the given data."""


@lru_cache(maxsize=2048)
def compile_rule(expression: str) -> Any:
    try:
        return cel.compile(expression)
    except ValueError as exc:
        raise RuleError(str(exc).splitlines()[0]) from exc


def rule_variables(expression: str) -> set[str]:
    return set(compile_rule(expression).variables())


def evaluate(expression: str, variables: dict[str, Any]) -> Any:
    program = compile_rule(expression)
    try:
        return program.execute(variables)
    except (KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise RuleError(f"{expression!r} failed: {exc!r}") from exc
