"""A service's form as JSON Schema (draft 2020-12), for API users to build and check answers.

The schema describes the canonical answers that ``clean_answers`` returns, and accepts nothing
that ``clean_answers`` would refuse: a client that validates against it is not refused at the edge.
``clean_answers`` is more lenient (it strips spaces, accepts DD.MM.YYYY dates and numeric strings)
and checks what a pattern cannot: that a date exists and a birth date is not in the future. The
personal number's format ``kg-personal-number`` names that check.
"""

from __future__ import annotations

from typing import Any

from kagazsyz.catalog.schema import Input, Service

DIALECT = "https://json-schema.org/draft/2020-12/schema"
PERSONAL_NUMBER_FORMAT = "kg-personal-number"
# 1 (female) or 2 (male), the birth date DDMMYYYY from 1900, a five-digit serial (FACTS §2.1).
PERSONAL_NUMBER_PATTERN = r"^[12](0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])(19|20)[0-9]{2}[0-9]{5}$"
# No surrounding spaces, no < or >, no control characters (Unicode category Cc).
TEXT_PATTERN = r"^(?!\s)(?!.*\s$)[^<>\u0000-\u001f\u007f-\u009f]+$"
# clean_answers bounds an integer without limits to ±10^9.
INTEGER_LIMIT = 10**9


def _property(field: Input) -> dict[str, Any]:
    labels = field.labels.model_dump()
    schema: dict[str, Any] = {"title": field.labels.ky, "x-labels": labels}
    if field.help:
        schema["description"] = field.help.ky
        schema["x-help"] = field.help.model_dump()
    if field.type == "text":
        schema.update(type="string", maxLength=field.max_length, pattern=TEXT_PATTERN)
    elif field.type == "integer":
        schema.update(
            type="integer",
            minimum=field.minimum if field.minimum is not None else -INTEGER_LIMIT,
            maximum=field.maximum if field.maximum is not None else INTEGER_LIMIT,
        )
    elif field.type == "date":
        schema.update(type="string", format="date")
    elif field.type == "boolean":
        schema.update(type="boolean")
    elif field.type == "choice":
        schema.update(
            enum=[choice.value for choice in field.choices],
            **{"x-enum-labels": {c.value: c.labels.model_dump() for c in field.choices}},
        )
    else:
        schema.update(type="string", pattern=PERSONAL_NUMBER_PATTERN, format=PERSONAL_NUMBER_FORMAT)
    return schema


def answers_schema(service: Service) -> dict[str, Any]:
    """The JSON Schema of the ``answers`` object of an application for ``service``."""
    return {
        "$schema": DIALECT,
        "$id": f"urn:kagazsyz:service:{service.code}:v{service.version}:answers",
        "title": service.names.ky,
        "x-labels": service.names.model_dump(),
        "type": "object",
        "properties": {field.name: _property(field) for field in service.inputs},
        "required": [f.name for f in service.inputs if f.required and f.type != "boolean"],
        "additionalProperties": False,
    }
