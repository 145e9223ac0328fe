"""The digitalization plan (data/plan.yaml): targets per service, validated like the catalogue.

The plan only says what each service must reach and by when. Where a service stands is computed
by `selectors.service_standing` from the platform's own records, never read from this file.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kagazsyz.catalog.schema import SERVICE_CODE, Localized

PLAN_FILE = Path(__file__).resolve().parent / "data" / "plan.yaml"
Level = Literal["none", "online", "automatic", "proactive"]
LEVEL_RANK: dict[str, int] = {"none": 0, "online": 1, "automatic": 2, "proactive": 3}


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=SERVICE_CODE)]
    agency: str
    target: Literal["online", "automatic", "proactive"]
    by: dt.date
    # True where the value was invented for the demo because no adopted plan was found.
    assumed: bool


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Localized
    source: Annotated[str, Field(min_length=1)]
    services: tuple[Target, ...]

    def target(self, code: str) -> Target | None:
        return next((item for item in self.services if item.code == code), None)


def plan_load(path: Path = PLAN_FILE) -> Plan:
    """Parse and validate a plan file; raises pydantic's ValidationError with field and reason."""
    return Plan.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def get_plan() -> Plan:
    return plan_load()
