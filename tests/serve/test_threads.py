"""The server the command builds answers requests concurrently (a pool of threads)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from codegen.serve.chaos import parse as parse_chaos
from codegen.serve.cli import worker_threads
from codegen.serve.handlers import HandlerResolver
from codegen.serve.http_server import THREADS
from codegen.serve.local_gateway import LocalGateway
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


def test_the_embedded_servers_few_workers_still_answer_while_one_request_waits() -> None:
    """Embedded moto without chaos gets only `EMBEDDED_THREADS` workers (more only contend
    for the GIL), but never one: a handler that waits (its own call to another service)
    must not hold up a request that comes meanwhile."""
    gateway = LocalGateway(RouteMatcher(ROUTES), HandlerResolver(), DEFINITION)
    with serving(gateway, threads=worker_threads(embedded=True, chaos=None)) as server:
        base = f"http://127.0.0.1:{server.port}"
        with ThreadPoolExecutor(max_workers=1) as pool:
            slow = pool.submit(requests.get, f"{base}/sleep", timeout=10)
            time.sleep(0.1)  # the 0.5 s handler is running
            started = time.monotonic()
            fast = requests.get(f"{base}/items", timeout=10)
            waited = time.monotonic() - started
            assert slow.result().status_code == 204
    assert fast.status_code == 200
    assert waited < 0.3, f"a quick request waited {waited:.2f} s behind a sleeping one"


def test_workers_are_few_only_where_no_request_waits() -> None:
    """Embedded moto without chaos: a few. With chaos (stalled attempts, botocore's
    back-off sleeps) or a DynamoDB endpoint over the network: one per waiting client."""
    assert 2 <= worker_threads(embedded=True, chaos=None) < THREADS
    assert worker_threads(embedded=True, chaos=parse_chaos("timeout=0.01")) == THREADS
    assert worker_threads(embedded=False, chaos=None) == THREADS
