"""The server the command builds answers requests concurrently (a pool of threads)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from codegen.serve.gateway import LocalGateway
from codegen.serve.handlers import HandlerResolver
from codegen.serve.routing import RouteMatcher
from tests.serve.fake_routes import DEFINITION, ROUTES
from tests.serve.http_servers import serving


def test_slow_handlers_run_in_parallel() -> None:
    gateway = LocalGateway(RouteMatcher(ROUTES), HandlerResolver(), DEFINITION)
    with serving(gateway) as server:
        url = f"http://127.0.0.1:{server.port}/sleep"
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda _: requests.get(url, timeout=10).status_code, range(4)))
        elapsed = time.monotonic() - started
    assert statuses == [204] * 4
    assert elapsed < 1.5, f"4 x 0.5 s handlers took {elapsed:.2f} s: not concurrent"
