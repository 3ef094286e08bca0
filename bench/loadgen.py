"""A small HTTP load generator: threads, one keep-alive `http.client` connection each
(or, with `new_connection`, a new connection for every request).

Closed loop: each of `concurrency` threads sends its next request as soon as the
previous answer is read, until `seconds` have passed or `max_requests` were sent.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# (method, path, body or None) for the n-th request
RequestFactory = Callable[[int], tuple[str, str, bytes | None]]


@dataclass
class LoadResult:
    latencies_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    first_error: str | None = None

    @property
    def rps(self) -> float:
        return len(self.latencies_s) / self.elapsed_s if self.elapsed_s > 0 else 0.0


def run_load(
    host: str,
    port: int,
    factory: RequestFactory,
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
    ok_statuses: tuple[int, ...],
    new_connection: bool = False,
    extra_headers: dict[str, str] | None = None,
) -> LoadResult:
    """Closed-loop load; `new_connection` opens a connection per request (Connection: close)."""
    counter = itertools.count()
    result = LoadResult()
    lock = threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)
    deadline = [0.0]
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    headers.update(extra_headers or {})  # e.g. credentials (bench.server.credentials)
    if new_connection:
        headers["Connection"] = "close"

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        first_error: str | None = None
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            n = next(counter)
            if n >= max_requests:
                break
            method, path, body = factory(n)
            t0 = time.perf_counter()
            try:
                if new_connection:
                    connection.close()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                errors += 1
                first_error = first_error or f"{type(error).__name__}: {error}"
                connection.close()
                continue
            latencies.append(time.perf_counter() - t0)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status not in ok_statuses:
                errors += 1
                first_error = first_error or f"{method} {path} answered {response.status}"
        connection.close()
        with lock:
            result.latencies_s.extend(latencies)
            result.errors += errors
            result.first_error = result.first_error or first_error
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join(seconds + 60)
    result.elapsed_s = time.perf_counter() - began
    return result
