"""The schema of catalogue files. A file that does not match fails with its path, field and reason.

Services are data: each is one YAML file in ``data/services/``; agencies and life events are
``data/agencies.yaml`` and ``data/life_events.yaml``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SERVICE_CODE = r"^[A-Z]{2,5}-\d{2}$"
NAME = r"^[a-z][a-z0-9_]{0,39}$"
DATASET = r"^[a-z][a-z_]*\.[a-z][a-z_]*$"
# The population register's family links: an automatic service may only look up a person named in
# the form when the applicant's own record links them (child, spouse, parent, household).
FAMILY_DATASET = "population.family"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """A text in the three languages of the platform; none may be empty."""

    ky: Annotated[str, Field(min_length=1)]
    ru: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, language: str) -> str:
        return str(getattr(self, language, self.ky))


class Agency(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
    names: Localized
    short_names: Localized


class LifeEvent(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{2,10}$")]
    order: int
    names: Localized
    descriptions: Localized


class Choice(Strict):
    value: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
    labels: Localized


class Input(Strict):
    """One field of the application form. Values a registry knows are never asked for."""

    name: Annotated[str, Field(pattern=NAME)]
    type: Literal["text", "integer", "date", "choice", "boolean", "personal_number"]
    labels: Localized
    help: Localized | None = None
    required: bool = True
    max_length: Annotated[int, Field(ge=1, le=2000)] | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Choice, ...] = ()

    @model_validator(mode="after")
    def _choices_match_type(self) -> Input:
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice input needs choices")
        if self.type != "choice" and self.choices:
            raise ValueError("only a choice input may have choices")
        if self.type == "text" and self.max_length is None:
            raise ValueError("a text input needs max_length")
        return self


class Evidence(Strict):
    """A registry dataset fetched about a subject; ``as`` names it in rules and claims."""

    dataset: Annotated[str, Field(pattern=DATASET)]
    subject: Annotated[str, Field(pattern=r"^(applicant|input:[a-z][a-z0-9_]*)$")] = "applicant"
    as_: Annotated[str, Field(alias="as", pattern=NAME)]


class Decision(Strict):
    """``auto``: a CEL rule decides; when it is false the case is refused or goes to review."""

    mode: Literal["auto", "review"]
    rule: str | None = None
    on_false: Literal["reject", "review"] | None = None
    refusal: Localized | None = None
    rule_summary: Localized | None = None

    @model_validator(mode="after")
    def _auto_needs_rule(self) -> Decision:
        if self.mode == "auto":
            if not self.rule:
                raise ValueError("an auto decision needs a rule")
            if self.on_false is None:
                raise ValueError("an auto decision needs on_false (reject or review)")
            if self.on_false == "reject" and self.refusal is None:
                raise ValueError("on_false: reject needs a refusal text")
            if self.rule_summary is None:
                raise ValueError("an auto decision needs rule_summary, the rule in plain words")
        elif self.rule or self.on_false:
            raise ValueError("a review decision has no rule or on_false")
        return self


class Claim(Strict):
    name: Annotated[str, Field(pattern=NAME)]
    expr: Annotated[str, Field(min_length=1)]
    labels: Localized


class Document(Strict):
    type: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,60}$")]
    titles: Localized
    validity_days: Annotated[int, Field(ge=1)] | None = None
    claims: Annotated[tuple[Claim, ...], Field(min_length=1)]


class Service(Strict):
    code: Annotated[str, Field(pattern=SERVICE_CODE)]
    version: Annotated[int, Field(ge=1)]
    names: Localized
    descriptions: Localized
    agency: str
    life_event: str
    deadline_working_days: Annotated[int, Field(ge=0, le=250)]
    deadline_confirmed: bool
    deadline_note: str = ""
    fee_som: Annotated[int, Field(ge=0)]
    fee_confirmed: bool
    fee_note: str = ""
    # Whether a paid fee is given back when the application is refused (payments app).
    refund_on_refusal: bool = True
    inputs: tuple[Input, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    decision: Decision
    document: Document | None = None
    source: str = ""

    @field_validator("inputs")
    @classmethod
    def _unique_inputs(cls, inputs: tuple[Input, ...]) -> tuple[Input, ...]:
        names = [item.name for item in inputs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate input names: {', '.join(duplicates)}")
        return inputs

    @model_validator(mode="after")
    def _references_resolve(self) -> Service:
        input_names = {item.name for item in self.inputs}
        aliases = [item.as_ for item in self.evidence]
        if len(aliases) != len(set(aliases)):
            raise ValueError("evidence aliases (as) must be unique")
        clash = input_names & set(aliases)
        if clash:
            raise ValueError(f"evidence alias clashes with an input name: {sorted(clash)}")
        named = [item for item in self.evidence if item.subject != "applicant"]
        knows_family = any(
            item.dataset == FAMILY_DATASET and item.subject == "applicant" for item in self.evidence
        )
        if named and self.decision.mode == "auto" and not knows_family:
            raise ValueError(
                f"an automatic service that fetches data about a person named in the form must "
                f"also fetch the applicant's {FAMILY_DATASET}, so the relationship is checked first"
            )
        for item in self.evidence:
            if item.subject.startswith("input:"):
                field = item.subject.removeprefix("input:")
                if field not in input_names:
                    raise ValueError(f"evidence {item.dataset} names unknown input {field!r}")
        return self

    @property
    def is_automatic(self) -> bool:
        return self.decision.mode == "auto"


def service_summary(service: Service) -> dict[str, Any]:
    """The facts of a service every listing shows (`catalog list --json`, the API)."""
    return {
        "code": service.code,
        "version": service.version,
        "names": service.names.model_dump(),
        "agency": service.agency,
        "life_event": service.life_event,
        "decision": service.decision.mode,
        "deadline_working_days": service.deadline_working_days,
        "deadline_confirmed": service.deadline_confirmed,
        "fee_som": service.fee_som,
        "fee_confirmed": service.fee_confirmed,
    }


def is_service_code(value: str) -> bool:
    return re.fullmatch(SERVICE_CODE, value) is not None
