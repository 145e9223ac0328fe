"""Errors of the exchange layer. Each says whether trying again can help."""

from __future__ import annotations

from kagazsyz.registries.models import Outcome


class RegistryError(Exception):
    outcome: Outcome = Outcome.UNAVAILABLE
    retryable: bool = False

    def __init__(self, registry: str, detail: str) -> None:
        self.registry = registry
        self.detail = detail
        super().__init__(f"{registry}: {detail}")


class SubjectNotFound(RegistryError):
    """The registry answered and holds nothing about the subject."""

    outcome = Outcome.NOT_FOUND


class RegistryUnavailable(RegistryError):
    """Timeout, connection refused, 5xx, or an open circuit: try again later."""

    outcome = Outcome.UNAVAILABLE
    retryable = True


class MalformedResponse(RegistryError):
    """The answer cannot be trusted (bad JSON, wrong subject, wrong dataset)."""

    outcome = Outcome.MALFORMED
    retryable = True


class QueryRefused(RegistryError):
    """No purpose, or the purpose gives no legal basis for this dataset."""

    outcome = Outcome.REFUSED
