"""The embedded DynamoDB of `python -m codegen serve`: moto's own server application, served
in this process on a free loopback port, one request at a time.

The handlers reach it exactly as they reach Amazon's DynamoDB Local: through
`AWS_ENDPOINT_URL_DYNAMODB` (botocore's service-specific endpoint variable), with SigV4,
over HTTP. So the local server has one way to talk to DynamoDB, hooks no client and patches
nothing: every part used here is a public entry point (moto's WSGI application, the one its
`moto_server` command and `ThreadedMotoServer` serve; its `/moto-api/reset` endpoint;
werkzeug's threaded WSGI server, as `ThreadedMotoServer` uses it).

moto keeps its data per process, not per server: each start empties it through moto's
reset endpoint, so a new server (a test's, a reloaded one's) starts with no tables.

Its threads are daemon threads (werkzeug's request threads, and the one serving here):
`serve --reload` restarts by exiting the process, which must not wait for them.

**One request at a time.** moto's models are not thread-safe: with eight concurrent creates,
its `TransactWriteItems` deep-copies a table another thread is writing and fails with
"dictionary changed size during iteration" (tests/serve/test_embedded_dynamodb.py). DynamoDB
applies each request atomically; a lock around each request does the same here.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

HOST = "127.0.0.1"
MOTO_API_PREFIX = "/moto-api/"
RESET_PATH = "/moto-api/reset"  # moto's documented endpoint that empties every backend

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class OneAtATime:
    """A WSGI application that lets one request at a time into `app`."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        with self._lock:
            # Drained under the lock: moto may build the body lazily.
            return list(self._app(environ, start_response))


def moto_application() -> WsgiApp:
    """moto's DynamoDB application, and its `/moto-api/` (reset) behind moto's dispatcher.

    Both are what `moto_server` serves (`create_backend_app` builds one service's
    application; `DomainDispatcherApplication` picks the service per request). The
    dispatcher looks the service up among all of moto's backends on every request: 2.1 of a
    `PutItem`'s 3.4 ms server-side. Only DynamoDB is served here, so its application takes
    every request but moto's own API."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dynamodb: WsgiApp = create_backend_app("dynamodb")
    dispatcher: WsgiApp = DomainDispatcherApplication(create_backend_app)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(MOTO_API_PREFIX):
            return dispatcher(environ, start_response)
        return dynamodb(environ, start_response)

    return application


class KeepAliveQuietHandler(WSGIRequestHandler):
    """HTTP/1.1, so that the handlers' SDK keeps its connections (a new TCP connection per
    DynamoDB call otherwise); no access log line per call in the server's terminal."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LoopbackServer:
    """A WSGI application served on `HOST` and a free port by werkzeug's threaded server, for
    the local server's lifetime (the embedded DynamoDB, and `--chaos`'s faulty front)."""

    def __init__(self, app: WsgiApp, name: str) -> None:
        self._app = app
        self._name = name
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"the {self._name} is not running")
        return f"http://{HOST}:{self._server.server_port}"

    def start(self) -> str:
        server = make_server(
            HOST, 0, self._app, threaded=True, request_handler=KeepAliveQuietHandler
        )
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=self._name, daemon=True)
        self._thread.start()
        return self.endpoint_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


class EmbeddedDynamoDB:
    """moto's server on `HOST` and a free port, started and stopped with the local server.

    `application` (moto's, one request at a time) may be served on more ports too, e.g.
    behind `--chaos`'s faults: the lock and moto's data are the same on all of them."""

    def __init__(self) -> None:
        self.application: WsgiApp = OneAtATime(moto_application())
        self._server = LoopbackServer(self.application, "embedded-dynamodb")

    @property
    def endpoint_url(self) -> str:
        return self._server.endpoint_url

    def start(self) -> str:
        """Serve an empty moto on a free port; returns its endpoint URL."""
        self._server.start()
        request = urllib.request.Request(self.endpoint_url + RESET_PATH, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:  # loopback only
            answer.read()
        return self.endpoint_url

    def stop(self) -> None:
        self._server.stop()
