"""The command's HTTP server, serving a WSGI app on a free loopback port in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from codegen.serve.cli import bind, build_server
from codegen.serve.http_server import HttpServer

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


@contextmanager
def serving(app: WSGIApplication, threads: int | None = None) -> Iterator[HttpServer]:
    """`app` behind the command's server; `threads`: its worker count, else the default."""
    sock = bind("127.0.0.1", 0)
    server = build_server(app, sock) if threads is None else HttpServer(app, sock, threads)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=10)
        sock.close()
