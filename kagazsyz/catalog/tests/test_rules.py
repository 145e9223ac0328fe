"""Every rule and every claim of the catalogue evaluates on plausible registry answers."""

from __future__ import annotations

import pytest

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.catalog.rules import RuleError, evaluate, rule_variables
from kagazsyz.catalog.schema import Service
from kagazsyz.catalog.tests.samples import context

SERVICES = sorted(get_catalog().services.values(), key=lambda s: s.code)


@pytest.mark.parametrize("optional", [True, False], ids=["all-answers", "required-only"])
@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.code)
def test_rule_and_claims_evaluate(service: Service, optional: bool):
    variables = context(service, optional=optional)
    assert variables is not None
    if service.decision.rule:
        assert isinstance(evaluate(service.decision.rule, variables), bool)
    assert service.document is not None
    for claim in service.document.claims:
        value = evaluate(claim.expr, variables)
        assert isinstance(value, str | int | float | bool | list), (service.code, claim.name)


def test_comprehension_variables_are_not_free_names():
    assert rule_variables("acts.marriages.exists(m, m.dissolved_on != null)") == {"acts"}
    assert rule_variables("xs.map(x, x.n).filter(n, n > limit)") == {"xs", "limit"}


def test_evaluation_errors_become_rule_errors():
    with pytest.raises(RuleError):
        evaluate("items[3]", {"items": [1]})
    with pytest.raises(RuleError):
        evaluate("person.missing", {"person": {}})
