"""Eligibility rules and document claims, written in CEL and evaluated by a library.

CEL is side-effect free and cannot loop forever, so a rule in a catalogue file cannot harm the
platform. Programs are compiled once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import cel

# The library lists the variable bound by a comprehension macro (``list.exists(x, x > 0)``) among
# the program's variables; it is not a free name, so it is left out of rule_variables().
_BOUND = re.compile(
    r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,"
)


class RuleError(ValueError):
    """A rule does not compile, names an unknown variable, or fails on the given data."""


@lru_cache(maxsize=2048)
def compile_rule(expression: str) -> Any:
    try:
        return cel.compile(expression)
    except ValueError as exc:
        raise RuleError(str(exc).splitlines()[0]) from exc


def rule_variables(expression: str) -> set[str]:
    """The free names an expression reads (comprehension variables excluded)."""
    return set(compile_rule(expression).variables()) - set(_BOUND.findall(expression))


def evaluate(expression: str, variables: dict[str, Any]) -> Any:
    program = compile_rule(expression)
    try:
        return program.execute(variables)
    except (LookupError, ValueError, TypeError, RuntimeError) as exc:
        raise RuleError(f"{expression!r} failed: {exc!r}") from exc
