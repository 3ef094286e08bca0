"""The local server's HTTP layer: cheroot's WSGI server (CherryPy's), on a socket the command
has already bound (so that a busy port is a one-line error before anything starts).

Why cheroot rather than werkzeug's development server: answering a WSGI app that does
nothing, on this 2-core machine with one keep-alive client, werkzeug's server (Python's
`http.server`: headers parsed by the email package, a thread per connection) gives about
710 requests/s and cheroot about 1540 (docs/performance.md); the difference is about
half a millisecond on every request. Idle keep-alive connections wait in cheroot's
selector instead of holding a thread each. werkzeug's server stays for `--reload`, whose
file watcher is werkzeug's.
"""

from __future__ import annotations

import io
import logging
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cheroot import makefile, server, wsgi

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

# Worker threads. With `--dynamodb-endpoint` a request waits on the network, so the load
# test's largest number of clients can be inside handlers at once; so it does under
# `--chaos`, whose read timeouts stall an attempt and whose throttles make botocore sleep
# before retrying. Embedded moto without chaos answers one call at a time and a request
# never waits: more workers only contend for the GIL (8 keep-alive clients: about 8 % fewer
# requests/s with 32 threads than with 4; POST /users, medians of 5 alternating rounds:
# 300 req/s with 1 worker, 286 with 2, 259 with 4). Two, so that a request that does wait
# (a handler's own call to another service) does not hold up every other one. Idle
# keep-alive connections hold no thread in cheroot.
THREADS = 32
EMBEDDED_THREADS = 2
BACKLOG = 128
STOP_POLL_SECONDS = 0.1
# How long a worker waits on its connection for the next request (`Connection`).
LINGER_SECONDS = 0.002  # how soon a requested stop starts
_LOG = logging.getLogger("codegen.serve.http")


class HeadWithBodyWriter(makefile.StreamWriter):
    """cheroot's socket writer, able to keep a response's status line and headers until
    its body comes, so that both leave in one send.

    cheroot writes the headers, then each body chunk, each with its own `send`: two
    segments for every answer, and a client's second wake-up to read the body.
    `Request.send_headers` marks its write to be held; the next write sends both;
    `release` sends what is still held (an answer without a body), and the connection
    calls it after every request, whatever happened in it.
    """

    def __init__(self, sock: Any, mode: str = "w", bufsize: int = io.DEFAULT_BUFFER_SIZE) -> None:
        super().__init__(sock, mode, bufsize)
        self.hold_next = False
        self._held = b""

    def write(self, b: Any) -> Any:
        if self.hold_next:
            self.hold_next = False
            self._held += bytes(b)
            return len(b)
        base: Any = super()  # cheroot's own methods are untyped
        if self._held:
            size = len(b)
            data, self._held = self._held + bytes(b), b""
            base.write(data)
            return size
        return base.write(b)

    def release(self) -> None:
        self.hold_next = False
        if self._held:
            held, self._held = self._held, b""
            base: Any = super()
            base.write(held)


def make_file(sock: socket.socket, mode: str = "r", bufsize: int = io.DEFAULT_BUFFER_SIZE) -> Any:
    """cheroot's `MakeFile`, with `HeadWithBodyWriter` for writing.

    Reading is cheroot's own. A reader that took buffered header lines in one step (by
    rewriting the pure-Python io buffer cheroot reads through, a private part of the
    standard library) saved about a tenth of a GET's server time when DynamoDB ran in
    the process; since the embedded DynamoDB is moto's server over HTTP, side-by-side
    runs show no difference (GET /users/{id}, 1 client: 232 req/s with cheroot's reader,
    231 with that one; docs/ARCHITECTURE.md), so cheroot's reader is used as it is."""
    if "r" in mode:
        return makefile.StreamReader(sock, mode, bufsize)
    return HeadWithBodyWriter(sock, mode, bufsize)


class Request(server.HTTPRequest):
    """cheroot's request, whose headers wait for the body (`HeadWithBodyWriter`)."""

    def send_headers(self) -> None:
        writer = self.conn.wfile
        if isinstance(writer, HeadWithBodyWriter):
            writer.hold_next = True
        base: Any = super()  # cheroot's own methods are untyped
        base.send_headers()


class Connection(server.HTTPConnection):
    """cheroot's connection, writing through `HeadWithBodyWriter` (TLS adapters keep their
    own files), whose worker waits a moment for the next request before handing it back."""

    RequestHandlerClass = Request

    def __init__(self, owner: Any, sock: Any, file_maker: Any = makefile.MakeFile) -> None:
        if file_maker is makefile.MakeFile:
            file_maker = make_file
        super().__init__(owner, sock, file_maker)

    def communicate(self) -> bool:
        """Answer a request, and the next ones that come within `LINGER_SECONDS` while no
        other connection waits for a worker.

        cheroot hands a kept-alive connection back to its selector thread after every
        request, and the next request then travels selector -> queue -> worker: two thread
        wake-ups per request. A client that sends its next request at once (a load test, a
        UI's burst of calls) is served by the same worker instead. Fairness holds: a worker
        only stays while the request queue is empty."""
        owner: Any = self.server
        keep_open = self._answer_one()
        while keep_open and owner.ready and owner.requests.qsize == 0 and self._next_soon():
            keep_open = self._answer_one()
        return keep_open

    def _answer_one(self) -> bool:
        base: Any = super()  # cheroot's own methods are untyped
        try:
            return bool(base.communicate())
        finally:
            writer = self.wfile
            if isinstance(writer, HeadWithBodyWriter):
                writer.release()

    def _next_soon(self) -> bool:
        reader: Any = self.rfile
        if reader.has_data():
            return True
        readable, _, _ = select.select([self.socket], [], [], LINGER_SECONDS)
        return bool(readable)


class HttpServer(wsgi.Server):
    """cheroot's server, adopting the listening socket it is given."""

    ConnectionClass = Connection

    def __init__(self, app: WSGIApplication, sock: socket.socket, threads: int = THREADS) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(
            (host, port),
            app,
            numthreads=threads,
            request_queue_size=BACKLOG,
            shutdown_timeout=2,
        )
        self._listening = sock
        self._stop_requested = False

    @property
    def port(self) -> int:
        return int(self._listening.getsockname()[1])

    def bind(self, family: int, type: int, proto: int = 0) -> socket.socket:
        """Called by cheroot's `prepare()` to create its socket: ours, already bound."""
        sock = self._listening
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            # Inherited by accepted connections: each answer leaves at once (no Nagle).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socket = sock
        self.bind_addr = sock.getsockname()[:2]
        return sock

    def request_stop(self, *_: object) -> None:
        """Ask `serve_until_stopped` to stop: a signal handler (Ctrl-C, a stop by pid).

        It only sets a flag. Raising KeyboardInterrupt from the handler, as Python does for
        SIGINT, lands wherever the main thread happens to be, including inside cheroot's
        hand-off of a connection to a worker (a Queue's condition): a worker then missed
        its wake-up and never took its shutdown request, and the process hung on exit
        (seen under load in CI, about 1 stop in 8)."""
        self._stop_requested = True

    def serve_until_stopped(self, ready: Callable[[], None] = lambda: None) -> None:
        """Serve on a thread until `request_stop`, then stop: in-flight requests get
        `shutdown_timeout` seconds. `ready` (the command's banner) runs once requests are
        served, so whoever waits for it can stop the server at once."""
        self._stop_requested = False
        self.prepare()
        try:
            threading.Thread(target=self.serve, name="http-server", daemon=True).start()
            ready()
            while not self._stop_requested:
                time.sleep(STOP_POLL_SECONDS)
        finally:
            self.stop()

    def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        """cheroot's own errors (a client that hung up, a malformed request it answered
        itself) go to the server's log, not raw to stderr; never to a client."""
        _LOG.log(level, "%s", msg, exc_info=traceback)
