"""The sandbox registries over HTTP: the providers' side of Tunduk, for tests and the demo.

A plain WSGI application, served by ``wsgiref.simple_server`` with a thread per connection
(HTTP/1.1 keep-alive), that plays the security servers of every registry in
``data/registries.yaml`` and answers from the sandbox population (``SandboxResident`` rows):

* ``GET /r1/{instance}/{class}/{code}/{subsystem}/{dataset}/{subject}`` → 200 with
  ``{"subject", "dataset", "data"}``; 404 with body type ``SUBJECT_NOT_FOUND`` when the registry
  holds nothing about the subject. Requires ``X-Road-Client`` and ``X-Road-Id`` (400
  ``Client.BadRequest`` otherwise); an unknown member, subsystem or dataset gives 404
  ``Server.ServerProxy.UnknownService``. Responses echo ``X-Road-Id`` and ``X-Road-Client``,
  name ``X-Road-Service`` and carry ``X-Road-Request-Hash`` (see ``xroad.request_hash`` for exactly
  what is hashed).
* ``GET /r1/{instance}/{class}/{code}/{subsystem}/listMethods`` (and ``allowedMethods``, the same
  list: the sandbox lets every client call everything) and
  ``GET .../getOpenAPI?serviceCode={dataset}``: an OpenAPI 3 description of the dataset endpoint.
* ``GET|POST /_sandbox/faults`` (loopback clients only): read or replace the injected faults —
  ``{"latency_ms": int, "error_rate": 0..1, "outage": [codes], "malformed": [codes],
  "wrong_subject": [codes], "seed": int}``; keys left out mean "no such fault".
  ``GET /_sandbox/stats``: how many dataset queries each registry received.

Errors that X-Road itself would produce carry the ``X-Road-Error`` header and an
``{"type", "message", "detail"}`` body whose detail is a fresh UUID, as the protocol describes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import IO, Any, cast
from urllib.parse import parse_qs, quote
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

import yaml
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from kagazsyz.registries.directory import DATA_FILE, Dataset, Registry, registries
from kagazsyz.registries.models import SandboxResident
from kagazsyz.registries.xroad import (
    DEFAULT_INSTANCE,
    PROTOCOL_VERSION,
    SUBJECT_NOT_FOUND,
    request_hash,
)

logger = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]

MAX_BODY = 64 * 1024
UNKNOWN_SERVICE = "Server.ServerProxy.UnknownService"
BAD_REQUEST = "Client.BadRequest"
NETWORK_ERROR = "Server.ServerProxy.NetworkError"
PROVIDER_ERROR = "Service.InternalError"
METADATA = ("listMethods", "allowedMethods", "getOpenAPI")


# -- faults ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Faults:
    """What the sandbox does wrong on purpose. Applies to dataset queries, not to metadata."""

    latency_ms: int = 0
    error_rate: float = 0.0
    outage: frozenset[str] = field(default_factory=frozenset)
    malformed: frozenset[str] = field(default_factory=frozenset)
    wrong_subject: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, raw: Any) -> Faults:
        """From the JSON of ``POST /_sandbox/faults`` (or keyword arguments); ValueError if bad."""
        if not isinstance(raw, dict):
            raise ValueError("faults must be a JSON object")
        unknown = set(raw) - {*cls.__dataclass_fields__, "seed"}
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        latency = raw.get("latency_ms", 0)
        if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= 600_000:
            raise ValueError("latency_ms must be an integer between 0 and 600000")
        rate = raw.get("error_rate", 0.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError("error_rate must be a number between 0 and 1")
        known = set(registries())
        lists: dict[str, frozenset[str]] = {}
        for name in ("outage", "malformed", "wrong_subject"):
            value = raw.get(name, [])
            if isinstance(value, str):
                value = [item.strip() for item in value.split(",") if item.strip()]
            if not isinstance(value, list | tuple | set | frozenset) or not all(
                isinstance(item, str) for item in value
            ):
                raise ValueError(f"{name} must be a list of registry codes")
            strange = set(value) - known
            if strange:
                raise ValueError(f"{name}: unknown registries {', '.join(sorted(strange))}")
            lists[name] = frozenset(value)
        return cls(latency_ms=latency, error_rate=float(rate), **lists)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("outage", "malformed", "wrong_subject"):
            data[name] = sorted(data[name])
        return data


# -- the application ---------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class _Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json; charset=utf-8"


def _xroad_error(status: int, kind: str, message: str) -> _Response:
    body = {"type": kind, "message": message, "detail": str(uuid.uuid4())}
    return _Response(status, _json(body), [("X-Road-Error", kind)])


def _provider_error(status: int, kind: str, message: str) -> _Response:
    """An error answered by the registry's own system (no X-Road-Error header)."""
    return _Response(status, _json({"type": kind, "message": message, "detail": ""}))


@cache
def _raw_fields() -> dict[str, dict[str, Any]]:
    """ "<registry>.<dataset>" → {field: its description in registries.yaml}."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["registries"]
    return {
        f"{code}.{name}": dict(spec["fields"])
        for code, entry in raw.items()
        for name, spec in entry["datasets"].items()
    }


def _field_schema(spec: Any) -> dict[str, Any]:
    """A JSON Schema (OpenAPI 3.0 dialect) read from a field's description in registries.yaml."""
    if isinstance(spec, dict):
        return {
            "type": "object",
            "properties": {name: _field_schema(value) for name, value in spec.items()},
        }
    text = str(spec)
    alternatives = [part.strip() for part in text.split("|")]
    schema: dict[str, Any] = {"description": text}
    if "null" in alternatives:
        schema["nullable"] = True
        alternatives = [part for part in alternatives if part != "null"]
    base = alternatives[0] if len(alternatives) == 1 else ""
    if text.startswith("["):
        schema["type"] = "array"
        schema["items"] = {"type": "object"} if text.startswith("[{") else {"type": "string"}
    elif text.startswith("{"):
        schema["type"] = "object"
    elif base == "bool":
        schema["type"] = "boolean"
    elif base.startswith("int") or (alternatives and all(p.isdigit() for p in alternatives)):
        schema["type"] = "integer"
    elif base == "number" or "as number" in base:
        schema["type"] = "number"
    elif base.startswith("date"):
        schema.update(type="string", format="date")
    else:
        schema["type"] = "string"
    return schema


class SandboxApp:
    """The WSGI application. Thread-safe; faults can be replaced while it serves."""

    def __init__(self, *, instance: str, faults: Faults, seed: int = 0) -> None:
        self.instance = instance
        self._lock = threading.Lock()
        self._faults = faults
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not security
        self._counts: Counter[str] = Counter()
        self._by_subsystem = {
            (r.member_class, r.member_code, r.subsystem): r for r in registries().values()
        }
        # Set when the server thread shares the test's in-memory SQLite connection: then request
        # threads take turns on it.
        self.db_lock: threading.Lock | None = None

    # faults and counters

    @property
    def faults(self) -> Faults:
        with self._lock:
            return self._faults

    def set_faults(self, faults: Faults, *, seed: int | None = None) -> None:
        with self._lock:
            self._faults = faults
            if seed is not None:
                self._random.seed(seed)

    def request_count(self, registry: str | None = None) -> int:
        with self._lock:
            return self._counts[registry] if registry else sum(self._counts.values())

    def _roll(self) -> float:
        with self._lock:
            return self._random.random()

    # WSGI

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = _read_body(environ)
            response = self._route(environ, body)
        except _TooLarge:
            response = _xroad_error(413, BAD_REQUEST, f"the body exceeds {MAX_BODY} bytes")
        except Exception:
            logger.exception("sandbox registries: request failed")
            response = _xroad_error(500, "Server.ServerProxy.InternalError", "sandbox failure")
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            *response.headers,
        ]
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        return [response.body]

    def _route(self, environ: Environ, body: bytes) -> _Response:
        method = environ["REQUEST_METHOD"]
        path = _path(environ)
        if path.startswith("/_sandbox/"):
            return self._control(environ, method, path, body)
        parts = path.split("/")
        if len(parts) < 7 or parts[0] != "" or parts[1] != PROTOCOL_VERSION:
            return _xroad_error(
                400, BAD_REQUEST, f"not an X-Road REST ({PROTOCOL_VERSION}) request: {path}"
            )
        if method != "GET":
            return _xroad_error(405, BAD_REQUEST, f"{method} is not offered by these services")
        instance, member_class, member_code, subsystem, service = parts[2:7]
        rest = parts[7:]
        client_id = environ.get("HTTP_X_ROAD_CLIENT", "").strip()
        if not client_id:
            return _xroad_error(400, BAD_REQUEST, "the X-Road-Client header is missing")
        if len(client_id.split("/")) not in (3, 4):
            return _xroad_error(400, BAD_REQUEST, "X-Road-Client must be INSTANCE/CLASS/CODE[/SUB]")
        registry = self._by_subsystem.get((member_class, member_code, subsystem))
        if instance != self.instance or registry is None:
            target = f"{instance}/{member_class}/{member_code}/{subsystem}"
            return _xroad_error(404, UNKNOWN_SERVICE, f"no such member or subsystem: {target}")
        if service in METADATA and not rest:
            return self._metadata(registry, service, environ)
        message_id = environ.get("HTTP_X_ROAD_ID", "").strip()
        if not message_id:
            return _xroad_error(400, BAD_REQUEST, "the X-Road-Id header is missing")
        dataset = registry.datasets.get(service)
        if dataset is None or len(rest) != 1 or not rest[0]:
            return _xroad_error(
                404, UNKNOWN_SERVICE, f"no such service: {registry.code}/{service}/{'/'.join(rest)}"
            )
        response = self._query(registry, dataset, rest[0])
        self._stamp(response, environ, registry, dataset, client_id, message_id)
        return response

    def _query(self, registry: Registry, dataset: Dataset, subject: str) -> _Response:
        with self._lock:
            self._counts[registry.code] += 1
            faults = self._faults
        started = time.monotonic()
        try:
            if registry.code in faults.outage:
                return _xroad_error(
                    503, NETWORK_ERROR, f"the {registry.code} service cannot be reached"
                )
            if faults.error_rate and self._roll() < faults.error_rate:
                return _provider_error(500, PROVIDER_ERROR, "the registry failed to answer")
            if registry.code in faults.malformed:
                return _Response(200, b'{"subject": "' + subject.encode()[:8] + b'", "data": {')
            # Read first, then wait: the latency is the registry's, and the database is never
            # touched after the client may have given up.
            answer = self._lookup(dataset, subject, other=registry.code in faults.wrong_subject)
            if answer is None:
                return _provider_error(404, SUBJECT_NOT_FOUND, "no record about the subject")
            return _Response(200, _json(answer))
        finally:
            remaining = faults.latency_ms / 1000 - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)

    def _lookup(self, dataset: Dataset, subject: str, *, other: bool) -> dict[str, Any] | None:
        if len(subject) > 32:
            return None
        rows = SandboxResident.objects.order_by("personal_number").values_list(
            "personal_number", "datasets"
        )
        if other:  # an answer about someone else: the next resident who has this dataset
            rows = rows.filter(personal_number__gt=subject)
        else:
            rows = rows.filter(personal_number=subject)
        if self.db_lock is not None:
            with self.db_lock:
                found = _first_with(rows, dataset.key)
        else:
            found = _first_with(rows, dataset.key)
        if found is None:
            return None
        personal_number, data = found
        return {"subject": personal_number, "dataset": dataset.name, "data": data}

    def _stamp(
        self,
        response: _Response,
        environ: Environ,
        registry: Registry,
        dataset: Dataset,
        client_id: str,
        message_id: str,
    ) -> None:
        """The headers the provider's security server adds to every routed answer."""
        target = environ.get("RAW_URI") or _target(environ)
        xroad_headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_X_ROAD_")
        }
        service = "/".join(
            (self.instance, registry.member_class, registry.member_code, registry.subsystem)
        )
        response.headers += [
            ("X-Road-Id", message_id),
            ("X-Road-Client", client_id),
            ("X-Road-Service", f"{service}/{dataset.name}"),
            ("X-Road-Request-Id", str(uuid.uuid4())),
            ("X-Road-Request-Hash", request_hash(environ["REQUEST_METHOD"], target, xroad_headers)),
        ]

    # metadata services

    def _metadata(self, registry: Registry, service: str, environ: Environ) -> _Response:
        if service == "getOpenAPI":
            codes = parse_qs(environ.get("QUERY_STRING", "")).get("serviceCode", [])
            dataset = registry.datasets.get(codes[0]) if len(codes) == 1 else None
            if dataset is None:
                return _xroad_error(
                    404, UNKNOWN_SERVICE, f"no such service code {codes!r} in {registry.code}"
                )
            return _Response(200, _json(self.openapi(registry, dataset)))
        services = [
            {
                "object_type": "SERVICE",
                "xroad_instance": self.instance,
                "member_class": registry.member_class,
                "member_code": registry.member_code,
                "subsystem_code": registry.subsystem,
                "service_code": name,
                "service_type": "REST",
            }
            for name in registry.datasets
        ]
        return _Response(200, _json({"service": services}))

    def openapi(self, registry: Registry, dataset: Dataset) -> dict[str, Any]:
        fields = _raw_fields()[dataset.key]
        base = "/".join(
            (PROTOCOL_VERSION, self.instance, registry.member_class, registry.member_code)
        )
        header = {"in": "header", "schema": {"type": "string"}}
        error = {"$ref": "#/components/schemas/Error"}
        return {
            "openapi": "3.0.3",
            "info": {
                "title": f"{registry.names['en']}: {dataset.names['en']}",
                "version": "1",
                "description": (
                    f"Dataset {dataset.key} of agency {registry.agency}, "
                    "about one person identified by personal number."
                ),
                "x-names": dataset.names,
            },
            "servers": [{"url": f"/{base}/{registry.subsystem}"}],
            "paths": {
                f"/{dataset.name}/{{subject}}": {
                    "get": {
                        "operationId": dataset.key,
                        "summary": dataset.names["en"],
                        "parameters": [
                            {
                                "name": "subject",
                                "in": "path",
                                "required": True,
                                "description": "personal number of the person asked about",
                                "schema": {"type": "string", "pattern": "^[0-9]{14}$"},
                            },
                            {"name": "X-Road-Client", "required": True, **header},
                            {"name": "X-Road-Id", "required": True, **header},
                            {"name": "X-Road-UserId", "required": False, **header},
                            {"name": "X-Road-Issue", "required": False, **header},
                        ],
                        "responses": {
                            "200": {
                                "description": "what the registry holds about the subject",
                                "headers": {
                                    name: {"schema": {"type": "string"}}
                                    for name in ("X-Road-Id", "X-Road-Request-Hash")
                                },
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Answer"}
                                    }
                                },
                            },
                            "400": {
                                "description": "not an X-Road request",
                                "content": {"application/json": {"schema": error}},
                            },
                            "404": {
                                "description": f"no record (type {SUBJECT_NOT_FOUND})",
                                "content": {"application/json": {"schema": error}},
                            },
                            "503": {
                                "description": "the registry cannot be reached",
                                "content": {"application/json": {"schema": error}},
                            },
                        },
                    }
                }
            },
            "components": {
                "schemas": {
                    "Answer": {
                        "type": "object",
                        "required": ["subject", "dataset", "data"],
                        "properties": {
                            "subject": {"type": "string"},
                            "dataset": {"type": "string", "enum": [dataset.name]},
                            "data": {"$ref": "#/components/schemas/Data"},
                        },
                    },
                    "Data": {
                        "type": "object",
                        "required": list(fields),
                        "properties": {name: _field_schema(s) for name, s in fields.items()},
                    },
                    "Error": {
                        "type": "object",
                        "required": ["type", "message"],
                        "properties": {
                            "type": {"type": "string"},
                            "message": {"type": "string"},
                            "detail": {"type": "string"},
                        },
                    },
                }
            },
        }

    # control endpoint

    def _control(self, environ: Environ, method: str, path: str, body: bytes) -> _Response:
        if not _loopback(environ.get("REMOTE_ADDR", "")):
            return _xroad_error(403, "Client.AccessDenied", "the control endpoint is local only")
        if path == "/_sandbox/stats" and method == "GET":
            with self._lock:
                return _Response(200, _json({"queries": dict(self._counts)}))
        if path != "/_sandbox/faults":
            return _xroad_error(404, BAD_REQUEST, f"no such control endpoint: {path}")
        if method == "POST":
            try:
                raw = json.loads(body or b"{}")
                faults = Faults.parse(raw)
                seed = raw.get("seed")
                if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                    raise ValueError("seed must be an integer")
            except ValueError as exc:
                return _xroad_error(400, BAD_REQUEST, str(exc))
            self.set_faults(faults, seed=seed)
        elif method != "GET":
            return _xroad_error(405, BAD_REQUEST, "use GET or POST")
        return _Response(200, _json(self.faults.as_json()))


class _TooLarge(Exception):
    pass


def _read_body(environ: Environ) -> bytes:
    """The whole body (so that a kept-alive connection stays in step), refused above MAX_BODY."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ["wsgi.input"]
    if length > MAX_BODY:
        while length > 0:
            length -= len(stream.read(min(length, MAX_BODY)) or b"") or length
        raise _TooLarge
    return stream.read(length) if length > 0 else b""


def _first_with(rows: Any, key: str) -> tuple[str, Any] | None:
    for personal_number, datasets in rows.iterator(chunk_size=50):
        if key in datasets:
            return str(personal_number), datasets[key]
    return None


def _path(environ: Environ) -> str:
    """PATH_INFO as text: wsgiref decodes percent-escapes as Latin-1; identifiers are UTF-8."""
    raw = environ.get("PATH_INFO", "")
    try:
        return str(raw.encode("iso-8859-1").decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return str(raw)


def _target(environ: Environ) -> str:
    query = environ.get("QUERY_STRING", "")
    return quote(_path(environ)) + (f"?{query}" if query else "")


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# -- the server --------------------------------------------------------------------------------


class _ServerHandler(ServerHandler):
    http_version = "1.1"

    def _flush(self) -> None:
        """The request handler flushes once per response (status, headers and body together)."""

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        this: Any = self  # wsgiref sets these attributes; typeshed does not declare them
        if "Content-Length" not in this.headers:  # cannot delimit the body: end the connection
            this.request_handler.close_connection = True

    def log_exception(self, exc_info: Any) -> None:
        logger.error("sandbox registries: request failed", exc_info=exc_info)


class _RequestHandler(WSGIRequestHandler):
    """wsgiref's handler with HTTP/1.1 keep-alive, the raw request target, and quiet logs."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle kept-alive connection may wait for its next request
    # Responses are written whole, in one send, and sent at once: written piecemeal, the body
    # waited for the client's delayed ACK of the headers (Nagle), 40 ms a query.
    wbufsize = 64 * 1024

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sandbox registries: " + format, *args)

    def address_string(self) -> str:
        return str(self.client_address[0])

    def get_environ(self) -> dict[str, str]:
        # Headers with "_" would be ambiguous with "-" once in the environ: drop them.
        for name in list(self.headers):
            if "_" in name:
                del self.headers[name]
        environ = super().get_environ()
        environ["RAW_URI"] = self.path
        return environ

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            self.handle_one_request()

    def handle_one_request(self) -> None:
        try:
            self._handle_one_request()
        finally:
            try:
                self.wfile.flush()
            except OSError:
                self.close_connection = True

    def _handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # idle timeout, or the server is stopping
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(
            self.rfile,
            cast(IO[bytes], self.wfile),
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(
        self,
        address: tuple[str, int],
        connections_override: dict[str, BaseDatabaseWrapper],
    ) -> None:
        self.connections_override = connections_override
        self._open: dict[socket.socket, threading.Thread] = {}
        self._open_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        for alias, connection in self.connections_override.items():
            connections[alias] = connection
        with self._open_lock:
            self._open[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(request, None)
            # This thread's own connections (the shared in-memory one is never closed by this).
            connections.close_all()

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("sandbox registries: connection from %s ended badly", client_address)

    def close_open_connections(self, *, wait: float) -> None:
        """End kept-alive connections so their threads finish (and close their DB connections)."""
        with self._open_lock:
            open_now = dict(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + wait
        for thread in open_now.values():
            thread.join(max(0.0, deadline - time.monotonic()))


def _shared_connections() -> dict[str, BaseDatabaseWrapper]:
    """This thread's in-memory SQLite connections, which a server thread must share to see them.

    Django's test runner keeps the test database of SQLite in memory, reachable only through the
    connection that created it; like ``LiveServerThread``, the server's threads use that very
    connection (made shareable), and see what it sees. Other databases are reached through each
    thread's own connection, which sees committed data only.
    """
    shared: dict[str, BaseDatabaseWrapper] = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
            shared[connection.alias] = connection
    return shared


class SandboxServerHandle:
    """A running sandbox server: its URL, its faults, and how to stop it."""

    def __init__(
        self,
        server: _ThreadingServer,
        app: SandboxApp,
        thread: threading.Thread,
        shared: dict[str, BaseDatabaseWrapper],
    ) -> None:
        self._server = server
        self.app = app
        self._thread = thread
        self._shared = shared
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}"
        self.instance = app.instance
        self._stopped = False

    def set_faults(
        self,
        *,
        latency_ms: int = 0,
        error_rate: float = 0.0,
        outage: Iterable[str] = (),
        malformed: Iterable[str] = (),
        wrong_subject: Iterable[str] = (),
        seed: int | None = None,
    ) -> None:
        """Replace the faults; anything not named is cleared."""
        faults = Faults.parse(
            {
                "latency_ms": latency_ms,
                "error_rate": error_rate,
                "outage": list(outage),
                "malformed": list(malformed),
                "wrong_subject": list(wrong_subject),
            }
        )
        self.app.set_faults(faults, seed=seed)

    @property
    def faults(self) -> Faults:
        return self.app.faults

    def request_count(self, registry: str | None = None) -> int:
        """Dataset queries received (by one registry, or by all) since the server started."""
        return self.app.request_count(registry)

    def stop(self, *, wait: float = 5.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.close_open_connections(wait=wait)
        self._server.server_close()
        self._thread.join(wait)
        for connection in self._shared.values():
            connection.dec_thread_sharing()

    def __enter__(self) -> SandboxServerHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_sandbox_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    instance: str = DEFAULT_INSTANCE,
    seed: int = 0,
    latency_ms: int = 0,
    error_rate: float = 0.0,
    outage: Iterable[str] = (),
    malformed: Iterable[str] = (),
    wrong_subject: Iterable[str] = (),
) -> SandboxServerHandle:
    """Serve the sandbox registries from a background thread; port 0 picks a free one.

    Call it from the thread whose database connection the server should read through when that
    database is in-memory SQLite (tests); ``stop()`` the handle when done.
    """
    faults = Faults.parse(
        {
            "latency_ms": latency_ms,
            "error_rate": error_rate,
            "outage": list(outage),
            "malformed": list(malformed),
            "wrong_subject": list(wrong_subject),
        }
    )
    app = SandboxApp(instance=instance, faults=faults, seed=seed)
    shared = _shared_connections()
    server = _ThreadingServer((host, port), shared)
    server.set_app(app)
    for connection in shared.values():
        connection.inc_thread_sharing()
    if shared:
        app.db_lock = threading.Lock()
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="sandbox-registries",
        daemon=True,
    )
    thread.start()
    return SandboxServerHandle(server, app, thread, shared)


def iter_registry_lines(instance: str = DEFAULT_INSTANCE) -> Iterator[str]:
    """Human-readable lines about every registry and its datasets, for ``registries list``."""
    for registry in registries().values():
        service = "/".join(
            (instance, registry.member_class, registry.member_code, registry.subsystem)
        )
        yield f"{registry.code:<18} {registry.agency:<8} {service}  {registry.names['en']}"
        for dataset in registry.datasets.values():
            yield f"    {dataset.key:<36} {dataset.names['en']}  ({len(dataset.fields)} fields)"
