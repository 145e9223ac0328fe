"""Loading and validating the catalogue. Loaded once per process and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kagazsyz.catalog.rules import RuleError, rule_variables
from kagazsyz.catalog.schema import Agency, LifeEvent, Service

DATA_DIR = Path(__file__).resolve().parent / "data"
# Names a rule may use besides the service's own evidence aliases.
RULE_CONTEXT = {"applicant", "input", "today"}


@dataclass(frozen=True)
class CatalogProblem:
    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


class CatalogError(Exception):
    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Catalog:
    agencies: dict[str, Agency]
    life_events: dict[str, LifeEvent]
    services: dict[str, Service]

    def service(self, code: str) -> Service | None:
        return self.services.get(code)

    def services_by_life_event(self) -> list[tuple[LifeEvent, list[Service]]]:
        events = sorted(self.life_events.values(), key=lambda event: event.order)
        return [
            (event, [s for s in self.services.values() if s.life_event == event.code])
            for event in events
        ]


def _read_yaml(path: Path, problems: list[CatalogProblem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(CatalogProblem(path.name, "(file)", str(exc).replace("\n", " ")))
        return None


def _validation_problems(file: str, exc: ValidationError) -> list[CatalogProblem]:
    return [
        CatalogProblem(file, ".".join(str(part) for part in error["loc"]) or "(root)", error["msg"])
        for error in exc.errors()
    ]


def _load_list(
    path: Path, model: type[Agency] | type[LifeEvent], problems: list[CatalogProblem]
) -> dict[str, Any]:
    raw = _read_yaml(path, problems)
    items: dict[str, Any] = {}
    if not isinstance(raw, list):
        if raw is not None:
            problems.append(CatalogProblem(path.name, "(root)", "must be a list"))
        return items
    for index, entry in enumerate(raw):
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:
            problems.extend(
                CatalogProblem(p.file, f"[{index}].{p.field}", p.reason)
                for p in _validation_problems(path.name, exc)
            )
            continue
        items[item.code] = item
    return items


def _cross_check(
    service: Service, catalog_file: str, agencies: dict[str, Agency], events: dict[str, LifeEvent]
) -> list[CatalogProblem]:
    problems: list[CatalogProblem] = []
    if service.agency not in agencies:
        problems.append(
            CatalogProblem(catalog_file, "agency", f"unknown agency {service.agency!r}")
        )
    if service.life_event not in events:
        problems.append(
            CatalogProblem(catalog_file, "life_event", f"unknown life event {service.life_event!r}")
        )
    if Path(catalog_file).stem != service.code:
        problems.append(
            CatalogProblem(catalog_file, "code", f"file must be named {service.code}.yaml")
        )
    for item in service.evidence:
        if item.as_ in RULE_CONTEXT:
            problems.append(
                CatalogProblem(catalog_file, "evidence.as", f"{item.as_!r} is reserved")
            )
    known = RULE_CONTEXT | {item.as_ for item in service.evidence}
    expressions = [("decision.rule", service.decision.rule)] if service.decision.rule else []
    if service.document:
        expressions += [(f"document.claims.{c.name}", c.expr) for c in service.document.claims]
    for field, expression in expressions:
        try:
            unknown = rule_variables(expression) - known
        except RuleError as exc:
            problems.append(CatalogProblem(catalog_file, field, f"CEL: {exc}"))
            continue
        if unknown:
            problems.append(CatalogProblem(catalog_file, field, f"unknown names {sorted(unknown)}"))
    return problems


def load_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    """Read and validate every file; raise CatalogError listing all problems at once."""
    problems: list[CatalogProblem] = []
    agencies = _load_list(data_dir / "agencies.yaml", Agency, problems)
    events = _load_list(data_dir / "life_events.yaml", LifeEvent, problems)
    services: dict[str, Service] = {}
    for path in sorted((data_dir / "services").glob("*.yaml")):
        before = len(problems)
        raw = _read_yaml(path, problems)
        if raw is None:
            if len(problems) == before:
                problems.append(CatalogProblem(path.name, "(root)", "the file is empty"))
            continue
        try:
            service = Service.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(path.name, exc))
            continue
        problems.extend(_cross_check(service, path.name, agencies, events))
        if service.code in services:
            problems.append(CatalogProblem(path.name, "code", f"duplicate code {service.code}"))
        services[service.code] = service
    if problems:
        raise CatalogError(problems)
    return Catalog(agencies=agencies, life_events=events, services=services)


@cache
def get_catalog() -> Catalog:
    return load_catalog()
