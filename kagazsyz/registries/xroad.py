"""The X-Road (Tunduk) REST transport: registry queries as HTTP requests to our security server.

A query about one subject becomes, per the X-Road Message Protocol for REST (r1)::

    GET {security server}/r1/{instance}/{member class}/{member code}/{subsystem}/{dataset}/{subject}
    X-Road-Client: {instance}/{our member class}/{our member code}/{our subsystem}
    X-Road-Id: {query.message_id}
    X-Road-UserId: {query.user_id or "system"}
    X-Road-Issue: {query.issue}            (only when the query carries an ``issue``)

Answers are mapped onto the exchange layer's errors:

* 200 with a JSON object: the envelope, returned with the response's ``X-Road-Request-Hash``
  added under ``"request_hash"`` (``None`` when the security server sent none);
* 200 that is not a JSON object, or whose ``X-Road-Id`` is not ours: ``MalformedResponse``;
* 404 from the provider (no ``X-Road-Error`` header) with body type ``SUBJECT_NOT_FOUND``:
  ``SubjectNotFound``;
* 401, 403, or an X-Road error saying the exchange will not route the query (access denied,
  unknown service or member, service disabled): ``QueryRefused`` — trying again cannot help;
* 5xx, timeouts, connection errors: ``RegistryUnavailable``, after bounded retries;
* anything else (other 4xx, 3xx — redirects are never followed): ``MalformedResponse``.

Every request is an idempotent GET, so transient failures are retried (``retries`` times, with
exponential backoff and jitter). A circuit breaker per registry opens after ``failure_threshold``
consecutive transient failures (each attempt counts); while it is open, ``fetch`` raises
``RegistryUnavailable`` at once without touching the network. After ``cooldown_seconds`` one probe
request is let through (half-open): an answer closes the circuit, a failure opens it again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from kagazsyz.core.env import SettingError, env_int, env_str
from kagazsyz.registries.client import Query, Transport
from kagazsyz.registries.errors import (
    MalformedResponse,
    QueryRefused,
    RegistryError,
    RegistryUnavailable,
    SubjectNotFound,
)

PROTOCOL_VERSION = "r1"
DEFAULT_INSTANCE = "KG-SANDBOX"
DEFAULT_CLIENT = "GOV/70000000/kagazsyz"
DEFAULT_SECURITY_SERVER = "http://127.0.0.1:8100"

# The body "type" with which a provider (404, no X-Road-Error header) says it holds nothing about
# the subject. Registries on Tunduk answer Kagazsyz with this contract; the sandbox does too.
SUBJECT_NOT_FOUND = "Service.SubjectNotFound"

# Last part of X-Road error types (X-Road-Error header) that mean the exchange will not route the
# query at all: a configuration or access-rights matter, not a passing fault.
_REFUSING_ERRORS = frozenset(
    {"AccessDenied", "UnknownService", "UnknownMember", "UnknownSubsystem", "ServiceDisabled"}
)

HASHED_HEADER_PREFIX = "x-road-"
REQUEST_HASH_HEADER = "X-Road-Request-Hash"


def request_hash(method: str, target: str, headers: Mapping[str, str]) -> str:
    """The X-Road-Request-Hash of a request without a body, as the sandbox computes it.

    Base64 (standard alphabet, padded) of SHA-512 over the UTF-8 bytes of::

        "{METHOD} {request-target}\\n"
        "{name}: {value}\\n"   for each X-Road-* request header, except X-Road-Request-Hash,
                               names lower-cased and sorted, values stripped of surrounding space

    where request-target is the path and query exactly as sent on the request line
    (percent-encoded, e.g. ``/r1/KG-SANDBOX/GOV/70000002/ais-gns/taxpayer_account/2010119900012``)
    and the HTTP version is left out. The X-Road protocol defines the hash as SHA-512 of the
    request's headers (and of its body, when it has one) without fixing how headers are
    serialised; this is the sandbox's serialisation, so a client can recompute and check it.
    """
    xroad: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered.startswith(HASHED_HEADER_PREFIX) and lowered != REQUEST_HASH_HEADER.lower():
            xroad[lowered] = value.strip()
    text = f"{method.upper()} {target}\n" + "".join(
        f"{name}: {xroad[name]}\n" for name in sorted(xroad)
    )
    return base64.b64encode(hashlib.sha512(text.encode("utf-8")).digest()).decode("ascii")


@dataclass(frozen=True)
class ClientId:
    """Kagazsyz's own subsystem on the exchange (without the instance)."""

    member_class: str
    member_code: str
    subsystem: str

    @classmethod
    def parse(cls, value: str, *, instance: str) -> ClientId:
        """``CLASS/CODE/SUBSYSTEM``, or the same prefixed with ``instance/``."""
        parts = [part.strip() for part in value.strip().strip("/").split("/")]
        if len(parts) == 4 and parts[0] == instance:
            parts = parts[1:]
        if len(parts) != 3 or not all(parts):
            raise ValueError(
                f"X-Road client {value!r} must be MEMBER_CLASS/MEMBER_CODE/SUBSYSTEM "
                f"(optionally prefixed with {instance}/)"
            )
        return cls(*parts)

    def header(self, instance: str) -> str:
        return "/".join(
            _encoded(part)
            for part in (instance, self.member_class, self.member_code, self.subsystem)
        )


def _encoded(part: str) -> str:
    """One identifier part, percent-encoded as UTF-8 ("/" included), as the protocol asks."""
    return quote(part, safe="")


class CircuitBreaker:
    """Consecutive-failure circuit breaker for one registry. Thread-safe."""

    def __init__(
        self,
        *,
        failure_threshold: int,
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """ "closed", "open", or "half-open" (cool-down over, a probe may go or is in flight)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._probing or self._clock() - self._opened_at >= self.cooldown_seconds:
                return "half-open"
            return "open"

    def allow(self) -> bool:
        """Whether a request may go now; in half-open state, only one probe at a time."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.cooldown_seconds:
                return False
            self._probing = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._probing = False

    def release(self) -> None:
        """A request that was let through ended without a verdict (an unexpected error)."""
        with self._lock:
            self._probing = False


class XRoadTransport:
    """``Transport`` over the X-Road Message Protocol for REST, through our security server."""

    def __init__(
        self,
        *,
        base_url: str,
        instance: str = DEFAULT_INSTANCE,
        client: ClientId | str = DEFAULT_CLIENT,
        timeout: float = 5.0,
        retries: int = 2,
        backoff_seconds: float = 0.05,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        max_connections: int = 20,
        trust_env: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if not 0 <= retries <= 10:
            raise ValueError("retries must be between 0 and 10")
        self.base_url = base_url.rstrip("/")
        self.instance = instance
        self.client = (
            client if isinstance(client, ClientId) else ClientId.parse(client, instance=instance)
        )
        self.timeout = timeout
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._sleep = sleep
        self._jitter = random.SystemRandom()
        self._breakers: dict[str, CircuitBreaker] = {}
        self._breakers_lock = threading.Lock()
        # One pooled client per transport. Proxies from the environment are ignored by default:
        # the security server is ours, next to us, and data about people must not take a detour.
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            follow_redirects=False,
            trust_env=trust_env,
            headers={"Accept": "application/json"},
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> XRoadTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- request ---------------------------------------------------------------------------------

    def breaker(self, registry_code: str) -> CircuitBreaker:
        with self._breakers_lock:
            breaker = self._breakers.get(registry_code)
            if breaker is None:
                breaker = CircuitBreaker(
                    failure_threshold=self.failure_threshold,
                    cooldown_seconds=self.cooldown_seconds,
                    clock=self._clock,
                )
                self._breakers[registry_code] = breaker
            return breaker

    def url(self, query: Query) -> str:
        registry = query.registry
        parts = (
            self.instance,
            registry.member_class,
            registry.member_code,
            registry.subsystem,
            query.dataset,
            query.subject,
        )
        return f"{self.base_url}/{PROTOCOL_VERSION}/" + "/".join(_encoded(p) for p in parts)

    def headers(self, query: Query) -> dict[str, str]:
        headers = {
            "X-Road-Client": self.client.header(self.instance),
            "X-Road-Id": query.message_id,
            "X-Road-UserId": query.user_id or "system",
        }
        issue = getattr(query, "issue", None)  # the case the query serves, once Query carries it
        if issue:
            headers["X-Road-Issue"] = str(issue)
        return headers

    def fetch(self, query: Query) -> dict[str, Any]:
        code = query.registry.code
        breaker = self.breaker(code)
        url, headers = self.url(query), self.headers(query)
        failure: RegistryUnavailable | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self._backoff(attempt))
            if not breaker.allow():
                raise RegistryUnavailable(
                    code, "circuit open after repeated failures; not querying until it cools down"
                ) from failure
            verdict = False
            try:
                outcome = self._attempt(query, url, headers)
                verdict = True
            except RegistryError:
                verdict = True  # the registry answered (not found, refused, malformed): it is up
                breaker.record_success()
                raise
            finally:
                if not verdict:
                    breaker.release()
            if not isinstance(outcome, RegistryUnavailable):
                breaker.record_success()
                return outcome
            failure = outcome
            breaker.record_failure()
        assert failure is not None
        raise failure

    def _attempt(
        self, query: Query, url: str, headers: dict[str, str]
    ) -> dict[str, Any] | RegistryUnavailable:
        """One request: the envelope, a transient failure to retry, or raise a final error."""
        code = query.registry.code
        try:
            response = self._http.get(url, headers=headers)
        except httpx.TimeoutException:
            return RegistryUnavailable(code, f"no answer within {self.timeout:g} s")
        except httpx.TransportError as exc:
            return RegistryUnavailable(code, f"security server unreachable: {exc!r}")
        except httpx.HTTPError as exc:  # e.g. a body that cannot be decoded
            raise MalformedResponse(code, f"unreadable response: {exc!r}") from exc
        xroad_error = response.headers.get("X-Road-Error", "").strip()
        status = response.status_code
        if xroad_error.rsplit(".", 1)[-1] in _REFUSING_ERRORS or status in (401, 403):
            raise QueryRefused(code, _describe(response, "the exchange refused the query"))
        if status >= 500:
            return RegistryUnavailable(code, _describe(response, "registry failed"))
        if status == 404 and not xroad_error and _error_type(response) == SUBJECT_NOT_FOUND:
            raise SubjectNotFound(code, "no record about the subject")
        if status != 200:
            raise MalformedResponse(code, _describe(response, "unexpected answer"))
        echoed = response.headers.get("X-Road-Id")
        if echoed is not None and echoed != query.message_id:
            raise MalformedResponse(code, "the answer carries another message id")
        try:
            envelope = json.loads(response.content)
        except ValueError as exc:
            raise MalformedResponse(code, "the answer is not JSON") from exc
        if not isinstance(envelope, dict):
            raise MalformedResponse(code, "the answer is not a JSON object")
        envelope["request_hash"] = response.headers.get(REQUEST_HASH_HEADER)
        return envelope

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": between half and all of base·2^(attempt-1)."""
        ceiling: float = self.backoff_seconds * 2.0 ** (attempt - 1)
        return ceiling / 2 + self._jitter.uniform(0, ceiling / 2)


def _error_type(response: httpx.Response) -> str:
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    value = body.get("type") if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def _describe(response: httpx.Response, what: str) -> str:
    kind = response.headers.get("X-Road-Error") or _error_type(response)
    return f"{what} (HTTP {response.status_code}{', ' + kind if kind else ''})"


def _env_float(name: str, default: float, *, minimum: float) -> float:
    raw = env_str(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} is not a number") from exc
    if value < minimum:
        raise SettingError(f"{name}={value:g} is below the minimum {minimum:g}")
    return value


def xroad_transport_from_settings() -> Transport:
    """The transport the environment asks for; build it once per process and keep it.

    ``REGISTRY_TRANSPORT``: ``inprocess`` (default: the sandbox population in this database) or
    ``xroad``, which reads ``XROAD_SECURITY_SERVER`` (``http://127.0.0.1:8100``),
    ``XROAD_INSTANCE`` (``KG-SANDBOX``), ``XROAD_CLIENT`` (``GOV/70000000/kagazsyz``),
    ``XROAD_TIMEOUT_SECONDS`` (5), ``XROAD_RETRIES`` (2), ``XROAD_BREAKER_FAILURES`` (5) and
    ``XROAD_BREAKER_COOLDOWN_SECONDS`` (30).
    """
    kind = env_str("REGISTRY_TRANSPORT", "inprocess").strip().lower()
    if kind == "inprocess":
        from kagazsyz.registries.transports import InProcessTransport

        return InProcessTransport()
    if kind != "xroad":
        raise SettingError(f"REGISTRY_TRANSPORT={kind!r} must be inprocess or xroad")
    base_url = env_str("XROAD_SECURITY_SERVER", DEFAULT_SECURITY_SERVER)
    if not base_url.startswith(("http://", "https://")):
        raise SettingError(f"XROAD_SECURITY_SERVER={base_url!r} must be an http(s) URL")
    instance = env_str("XROAD_INSTANCE", DEFAULT_INSTANCE)
    try:
        client = ClientId.parse(env_str("XROAD_CLIENT", DEFAULT_CLIENT), instance=instance)
    except ValueError as exc:
        raise SettingError(f"XROAD_CLIENT: {exc}") from exc
    retries = env_int("XROAD_RETRIES", 2, minimum=0)
    if retries > 10:
        raise SettingError(f"XROAD_RETRIES={retries} is above the maximum 10")
    return XRoadTransport(
        base_url=base_url,
        instance=instance,
        client=client,
        timeout=_env_float("XROAD_TIMEOUT_SECONDS", 5.0, minimum=0.001),
        retries=retries,
        failure_threshold=env_int("XROAD_BREAKER_FAILURES", 5, minimum=1),
        cooldown_seconds=_env_float("XROAD_BREAKER_COOLDOWN_SECONDS", 30.0, minimum=0.0),
    )
