"""The server the command builds answers requests concurrently (a pool of threads)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from codegen.serve.cli import bind, build_server
from codegen.serve.gateway import LocalGateway
from codegen.serve.handlers import HandlerResolver
from codegen.serve.routing import RouteMatcher
from tests.serve.fake_routes import DEFINITION, ROUTES


def test_slow_handlers_run_in_parallel() -> None:
    gateway = LocalGateway(RouteMatcher(ROUTES), HandlerResolver(), DEFINITION)
    sock = bind("127.0.0.1", 0)
    server = build_server(gateway, sock)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.port}/sleep"
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda _: requests.get(url, timeout=10).status_code, range(4)))
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        thread.join(timeout=10)
        sock.close()
    assert statuses == [204] * 4
    assert elapsed < 1.5, f"4 x 0.5 s handlers took {elapsed:.2f} s: not concurrent"
