"""A broken catalogue file is refused with its file name, the field and a reason."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kagazsyz.catalog.loader import DATA_DIR, CatalogError, load_catalog

Mutation = Callable[[dict[str, Any]], None]


def _parent(raw: dict[str, Any], path: str) -> tuple[Any, str]:
    """The container holding the last part of a dotted path (digits index lists)."""
    *parents, last = path.split(".")
    target: Any = raw
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    return target, last


def _set(path: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        target, last = _parent(raw, path)
        target[last] = value

    return mutate


def _drop(path: str) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        target, last = _parent(raw, path)
        del target[last]

    return mutate


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _rewrite(data_dir: Path, code: str, mutate: Mutation) -> None:
    path = data_dir / "services" / f"{code}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    return [str(problem) for problem in caught.value.problems]


CASES = [
    ("unknown agency", "WORK-04", _set("agency", "NOPE"), "agency", "unknown agency 'NOPE'"),
    ("missing names.ky", "WORK-04", _drop("names.ky"), "names.ky", "Field required"),
    (
        "CEL syntax error",
        "WORK-04",
        _set("decision.rule", "tax.debt_som =="),
        "decision.rule",
        "CEL:",
    ),
    ("unknown variable", "WORK-04", _set("decision.rule", "bank.ok"), "decision.rule", "['bank']"),
    (
        "unknown claim variable",
        "WORK-04",
        _set("document.claims.0.expr", "who.name"),
        "document.claims.full_name",
        "['who']",
    ),
    ("auto without rule", "WORK-04", _drop("decision.rule"), "decision", "needs a rule"),
    (
        "text without max_length",
        "WORK-04",
        _drop("inputs.0.max_length"),
        "inputs.0",
        "needs max_length",
    ),
    ("reserved alias", "WORK-04", _set("evidence.1.as", "input"), "evidence.as", "reserved"),
]


@pytest.mark.parametrize(
    ("code", "mutate", "field", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken_service_is_refused(data_dir, code, mutate, field, reason):
    _rewrite(data_dir, code, mutate)
    problems = _problems(data_dir)
    assert any(p.startswith(f"{code}.yaml: {field}: ") and reason in p for p in problems), problems


def test_file_name_must_match_code(data_dir):
    services = data_dir / "services"
    (services / "WORK-04.yaml").rename(services / "WORK-09.yaml")
    assert _problems(data_dir) == ["WORK-09.yaml: code: file must be named WORK-04.yaml"]


def test_empty_service_file_is_refused(data_dir):
    (data_dir / "services" / "WORK-09.yaml").write_text("", encoding="utf-8")
    assert _problems(data_dir) == ["WORK-09.yaml: (root): the file is empty"]


def test_unknown_life_event_in_list_file(data_dir):
    path = data_dir / "life_events.yaml"
    events = yaml.safe_load(path.read_text(encoding="utf-8"))
    del events[0]["names"]["en"]
    path.write_text(yaml.safe_dump(events, allow_unicode=True), encoding="utf-8")
    problems = _problems(data_dir)
    assert "life_events.yaml: [0].names.en: Field required" in problems
    assert any(p.endswith("life_event: unknown life event 'BIRTH'") for p in problems)


def test_all_problems_are_reported_together(data_dir):
    _rewrite(data_dir, "WORK-04", _set("agency", "NOPE"))
    _rewrite(data_dir, "HOME-03", _set("life_event", "NOWHERE"))
    problems = _problems(data_dir)
    assert "WORK-04.yaml: agency: unknown agency 'NOPE'" in problems
    assert "HOME-03.yaml: life_event: unknown life event 'NOWHERE'" in problems
