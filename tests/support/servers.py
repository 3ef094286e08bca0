"""`python -m codegen serve` as a subprocess on a free loopback port, stopped by its pid."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.ports import free_port
from tests.support.processes import ChildProcess
from tests.support.startup import serving

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 30.0


@dataclass
class ServerProcess:
    url: str
    process: ChildProcess

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/openapi.json", timeout=1).status_code == 200
        except requests.RequestException:
            return False


def serve_command(port: int, extra_args: Sequence[str] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "codegen",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra_args,
    ]


@contextmanager
def codegen_server(
    extra_args: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """Start the server, wait until it answers, yield it, then stop it by pid."""
    port = free_port()
    process = ChildProcess(
        serve_command(port, extra_args), cwd=ROOT, env={**os.environ, **(env or {})}
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    with serving(process, server.ready, START_TIMEOUT_SECONDS):
        yield server
