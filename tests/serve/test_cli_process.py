"""`python -m codegen serve` as a real process: start-up output, shutdown, port taken, reload."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.support.ports import free_port, wait_until
from tests.support.processes import ChildProcess
from tests.support.servers import ROOT, ServerProcess, codegen_server, serve_command

pytestmark = pytest.mark.slow


def test_start_up_prints_the_route_table_and_logs_one_line_per_request() -> None:
    with codegen_server() as server:
        response = requests.get(f"{server.url}/hello", timeout=10)
        request_id = response.headers["x-amzn-RequestId"]
        assert wait_until(lambda: request_id in server.process.output(), 5)
        output = server.process.output()
    assert "Routes:" in output
    assert "GET     /users/{id}  getUser -> users.get_user.handler" in output
    assert re.search(r"DynamoDB: embedded moto at http://127\.0\.0\.1:\d+ \(us-east-1\)", output)
    # /users is secured: the banner says how, and gives each client team's API key.
    assert "Authentication: tokens verified against this checkout's key" in output
    assert "x-api-key of mobile: " in output and "x-api-key of backoffice: " in output
    assert f"Serving openapi.yaml on {server.url}" in output
    lines = [line for line in output.splitlines() if request_id in line]
    # The gateway's access line, then the function's request line, human-readable (the
    # JSON and EMF lines a deployed function writes are not printed as JSON).
    assert len(lines) == 2, lines
    gateway = next(line for line in lines if " GET /hello 200 " in line)
    function = next(line for line in lines if " INFO hello 200 " in line)
    assert "ms " in gateway
    assert f"lambda={request_id} api={request_id}" in function
    assert "error=" not in function and "_aws" not in output


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly(stop_signal: signal.Signals) -> None:
    with codegen_server() as server:
        os.kill(server.process.pid, stop_signal)  # Ctrl-C, or a stop by pid
        server.process.process.wait(timeout=15)
        output = server.process.output()
    assert server.process.process.returncode == 0
    assert output.rstrip().endswith("Stopped.")
    assert "Traceback" not in output


def test_port_taken_is_one_line_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(port), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use (stop that program or use --port)"
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_reload_restarts_on_a_source_change(tmp_path: Path) -> None:
    """On a copy of the project, so the real src/ is never touched."""
    for name in ("openapi.yaml", "template.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    argv = serve_command(port, ["--spec", str(tmp_path / "openapi.yaml"), "--reload"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = ChildProcess(argv, cwd=tmp_path, env=env)
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    try:
        assert wait_until(server.ready, 30), process.output()
        assert requests.get(f"{server.url}/hello", timeout=5).json()["message"] == (
            "Hello from Lambda"
        )
        handler = tmp_path / "src" / "hello" / "handler.py"
        time.sleep(1.1)  # the stat reloader compares modification times
        handler.write_text(handler.read_text().replace("Hello from Lambda", "Hello, reloaded"))
        assert wait_until(
            lambda: (
                server.ready()
                and requests.get(f"{server.url}/hello", timeout=5).json()["message"]
                == "Hello, reloaded"
            ),
            30,
        ), process.output()
        assert "Detected change" in process.output()
    finally:
        process.stop()
        process.cleanup()


def run_serve(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        serve_command(free_port(), args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unreachable_dynamodb_endpoint_is_one_line_exit_1() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = run_serve(["--dynamodb-endpoint", closed])
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'error: DynamoDB (endpoint {closed}): Could not connect to the endpoint URL: "{closed}/"'
    ]


def test_missing_generated_code_is_one_line_exit_1(tmp_path: Path) -> None:
    shutil.copy(ROOT / "openapi.yaml", tmp_path / "openapi.yaml")
    result = run_serve(["--spec", str(tmp_path / "openapi.yaml")], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'src' / 'generated' / 'routes.py'} is missing: "
        "run `python -m codegen` first"
    ]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--port", "99999"], 2),  # socket.bind raised OverflowError
        (["--dynamodb-endpoint", "notaurl"], 2),  # botocore raised ValueError
    ],
)
def test_bad_options_never_print_a_traceback(args: list[str], status: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [*serve_command(free_port())[:-2], *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == status
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines()[-1].startswith("python -m codegen serve: error: argument")
