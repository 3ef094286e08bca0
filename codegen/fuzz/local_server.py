"""`python -m codegen serve` as a child process on a free loopback port, stopped by its pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


class ServerError(Exception):
    """The local server did not start (one line, with the end of its output)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/openapi.json", timeout=1) as response:
            return int(response.status) == 200
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def local_server(root: Path, spec: Path) -> Iterator[str]:
    """Start the server with its embedded DynamoDB, yield its URL, then stop it by its pid."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "codegen", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--spec", str(spec)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not _answers(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
                    raise ServerError(f"the local server did not start: {' | '.join(tail)}")
                time.sleep(0.2)
            yield url
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=STOP_TIMEOUT_SECONDS)
