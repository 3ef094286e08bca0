"""moto over HTTP (ThreadedMotoServer) on a free loopback port: a real DynamoDB endpoint
for tests that need HTTP between the SDK and the backend (faults replace whole attempts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer

from tests.support.ports import free_port


@contextmanager
def moto_server() -> Iterator[str]:
    """Yields the endpoint URL; the server stops afterwards."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
