"""`python -m codegen serve --chaos SPEC`: DynamoDB faults at random, for client teams to
exercise their retry logic against the real handlers.

SPEC is `name=probability,...` (e.g. `throttle=0.05,timeout=0.01`), names from
codegen/serve/faults.py (`NAMES`). Each DynamoDB *attempt* the handlers make meets at most
one fault, drawn with those probabilities.

The faults are injected at the DynamoDB endpoint, not in the handlers' client (which the
local server never touches): the handlers' `AWS_ENDPOINT_URL_DYNAMODB` points at a front
on a loopback port (`ChaosEndpoint`) that answers the attempt itself, over real HTTP, or
passes it on to the embedded moto or, through `Forwarder`, to `--dynamodb-endpoint`. So
the handlers' SDK parses real answers, and its retries, the request deadline and
`guarded` answer them exactly as deployed (mostly a 503 with Retry-After once retries are
spent):

- throttle, provisioned, limit, internal, unavailable: DynamoDB's error answer (status,
  `__type`, message), as `faults.THROTTLES` / `faults.SERVER_ERRORS` define it;
- conflict: a TransactWriteItems is cancelled with one `TransactionConflict` reason per
  action; any other call gets TransactionConflictException;
- timeout: no answer until the client gives up (its read timeout: it closes the
  connection) or the function's timeout has passed, then the connection is closed;
- reset, unreachable: the connection is closed without an answer (the SDK's
  ConnectionClosedError). A refused connection cannot be made per attempt on a port that
  also serves the other attempts, so "unreachable" is met as the same lost connection,
  which standard-mode retries treat alike.

The request of a faulted attempt never reaches DynamoDB, so it writes nothing. Off by
default; when on, a banner says so at start and every injected fault prints a marker.
"""

from __future__ import annotations

import contextlib
import random
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TextIO

import urllib3

from codegen.serve import faults
from codegen.serve.embedded_dynamodb import StartResponse, WsgiApp

MARKER = "CHAOS"
# How often a stalled attempt looks whether its client has hung up.
STALL_POLL_SECONDS = 0.05
# werkzeug's development server puts the connection's socket in the environment (documented
# for WebSocket upgrades): the only way a WSGI application can drop a connection.
SOCKET_KEY = "werkzeug.socket"
# Headers that belong to one hop of a connection (RFC 9110 7.6.1), not forwarded; and
# Content-Length, set anew for the body as sent on.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


@dataclass(frozen=True)
class ChaosSpec:
    """Fault name -> probability per attempt, in the order given."""

    rates: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        return ", ".join(f"{name} {rate:.2%}" for name, rate in self.rates)


def parse(text: str) -> ChaosSpec:
    """SPEC -> ChaosSpec; ValueError whose message is the one line to print."""
    rates: dict[str, float] = {}
    for part in text.split(","):
        name, equals, value = part.strip().partition("=")
        if not equals or not name:
            raise ValueError(f"{part.strip()!r} is not name=probability")
        if name not in faults.NAMES:
            raise ValueError(f"unknown fault {name!r} (one of: {', '.join(faults.NAMES)})")
        if name in rates:
            raise ValueError(f"fault {name!r} given twice")
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a probability (0 < p <= 1)") from None
        if not 0 < rate <= 1:
            raise ValueError(f"{value!r} is not a probability (0 < p <= 1)")
        rates[name] = rate
    if sum(rates.values()) > 1:
        raise ValueError("the probabilities add up to more than 1")
    return ChaosSpec(tuple(rates.items()))


class Chaos:
    """The draw: at most one fault per attempt, by the spec's probabilities, each said
    aloud (`MARKER`) and counted."""

    def __init__(
        self,
        spec: ChaosSpec,
        out: TextIO = sys.stderr,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.spec = spec
        self._out = out
        self._draw = draw
        self._lock = threading.Lock()
        self.injected: dict[str, int] = {}

    def pick(self, operation: str) -> str | None:
        """The fault this attempt of `operation` meets, or None (it goes through)."""
        point = self._draw()
        for name, rate in self.spec.rates:
            if point < rate:
                with self._lock:
                    self.injected[name] = self.injected.get(name, 0) + 1
                    print(f"{MARKER}: injected {name} into {operation}", file=self._out, flush=True)
                return name
            point -= rate
        return None


def _operation(environ: Mapping[str, Any]) -> str:
    """`X-Amz-Target: DynamoDB_20120810.PutItem` -> `PutItem` (the JSON protocol's action)."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    return target.rpartition(".")[2] or "unknown operation"


def _body(environ: Mapping[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    return data


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:  # a status Python has no name for
        return f"{status} Unknown"


class ChaosEndpoint:
    """A WSGI layer in front of a DynamoDB application: each request (one SDK attempt)
    meets the fault `chaos` draws for it, or reaches `app`."""

    def __init__(self, app: WsgiApp, chaos: Chaos, stall_limit_seconds: float) -> None:
        self._app = app
        self._chaos = chaos
        self._stall_limit = stall_limit_seconds

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        name = self._chaos.pick(_operation(environ))
        if name is None:
            return self._app(environ, start_response)
        body = _body(environ)  # read whole, as DynamoDB would before answering
        fault = faults.THROTTLES.get(name) or faults.SERVER_ERRORS.get(name)
        if fault is None and name == "conflict":
            fault = faults.conflict(body)
        if fault is not None:
            status, headers, data = fault.wire()
            start_response(
                _status_line(status),
                [*headers.items(), ("Content-Length", str(len(data)))],
            )
            return [data]
        if name == "timeout":
            self._stall(environ)
        # reset, unreachable, and a stalled attempt: the connection closes with no answer.
        start_response(_status_line(500), [("Connection", "close")])
        _drop(environ)
        return []

    def _stall(self, environ: Mapping[str, Any]) -> None:
        """Wait until the client hangs up (its read timeout) or the limit has passed."""
        sock = environ.get(SOCKET_KEY)
        deadline = time.monotonic() + self._stall_limit
        while (left := deadline - time.monotonic()) > 0:
            if not isinstance(sock, socket.socket):
                time.sleep(left)
                return
            readable, _, _ = select.select([sock], [], [], min(left, STALL_POLL_SECONDS))
            if readable and _closed_by_peer(sock):
                return


def _closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _drop(environ: Mapping[str, Any]) -> None:
    """Close the connection under the request: the client reads no answer (the server's
    own attempt to answer then meets a closed socket, which werkzeug takes quietly)."""
    sock = environ.get(SOCKET_KEY)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed by the client
            sock.shutdown(socket.SHUT_RDWR)


class Forwarder:
    """A WSGI application that sends each request on to `upstream` (e.g. DynamoDB Local)
    unchanged, Host and signature included, and answers with upstream's answer.

    Unreachable upstream: the connection is closed without an answer, as the client would
    have met it directly (a connection error, retried by the SDK)."""

    def __init__(self, upstream: str, timeout_seconds: float, connections: int) -> None:
        self._upstream = upstream.rstrip("/")
        self._pool = urllib3.PoolManager(
            maxsize=connections,
            retries=False,
            timeout=urllib3.Timeout(total=timeout_seconds),
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/")
        query = str(environ.get("QUERY_STRING") or "")
        url = self._upstream + path + (f"?{query}" if query and "?" not in path else "")
        headers = {
            key[5:].replace("_", "-").title(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = str(environ["CONTENT_TYPE"])
        try:
            answer = self._pool.request(
                str(environ["REQUEST_METHOD"]),
                url,
                body=_body(environ),
                headers=headers,
                redirect=False,
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError:
            start_response(_status_line(502), [("Connection", "close")])
            _drop(environ)
            return []
        data = answer.data
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        start_response(_status_line(answer.status), [*kept, ("Content-Length", str(len(data)))])
        return [data]


def banner(spec: ChaosSpec) -> str:
    return (
        f"{MARKER} MODE ON: DynamoDB faults injected at random into every attempt "
        f"({spec.describe()}); each prints a '{MARKER}:' line. Not for measurements."
    )
