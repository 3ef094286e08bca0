"""Contract fuzzing over HTTP with the schemathesis CLI, as CI runs it.

`schemathesis run openapi.yaml --url http://127.0.0.1:PORT --checks all --phases
examples,coverage,fuzzing,stateful --seed 42 -w 1` against `python -m codegen serve`
(embedded moto) started as a subprocess. `-w 1`: with several workers the coverage phase
can crash on Python 3.11 (CPython bug 106905). `--max-examples` bounds the run to well
under two minutes. The one narrowing is tests/serve/schemathesis.toml, with its reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.credentials import export_credentials
from tests.support.servers import ROOT, codegen_server

CONFIG = ROOT / "tests" / "serve" / "schemathesis.toml"
TIMEOUT_SECONDS = 300
MAX_EXAMPLES = "50"

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def schemathesis_command() -> list[str]:
    """The venv's schemathesis, by this interpreter: never one that happens to be on PATH."""
    return [sys.executable, "-m", "schemathesis.cli"]


def test_schemathesis_cli_finds_no_failure(tmp_path: Path) -> None:
    with codegen_server() as server:
        command = [
            *schemathesis_command(),
            "--config-file",
            str(CONFIG),
            "run",
            str(ROOT / "openapi.yaml"),
            "--url",
            server.url,
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--seed",
            "42",
            "-w",
            "1",
            "--max-examples",
            MAX_EXAMPLES,
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ]
        credentials = export_credentials()  # read by the config's auth (an API key, a token)
        result = subprocess.run(
            command,
            env={**os.environ, **credentials},
            cwd=tmp_path,  # schemathesis keeps its cache (.schemathesis/) in the cwd
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        server_log = server.process.output()
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n--- server ---\n{server_log}"
    assert "CONTRACT VIOLATION" not in server_log
    assert "Traceback" not in server_log
    # Not a hollow pass: with the config's credentials every /users operation answered a
    # 2xx, and requests without them (ignored_auth's probes, the coverage phase) were refused.
    for method, path in [
        ("GET", r"/users"),
        ("POST", r"/users"),
        ("GET", r"/users/[0-9a-f-]{36}"),
        ("PATCH", r"/users/[0-9a-f-]{36}"),
        ("DELETE", r"/users/[0-9a-f-]{36}"),
    ]:
        assert re.search(rf"INFO {method} {path}(\?\S*)? 2\d\d ", server_log), (method, path)
    assert re.search(r"INFO \w+ /users\S* 40[13] ", server_log)
