"""The PATH guard: a bare call of a tool the project installs fails on every machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PATH_GUARD
from tests.support import path_guard


def test_every_project_tool_on_path_is_the_failing_stand_in() -> None:
    tools = path_guard.project_tools()
    assert {"ruff", "mypy", "sam", "checkov", "cfn-lint", "schemathesis"} <= set(tools)
    for tool in tools:
        assert shutil.which(tool) == str(PATH_GUARD / tool), tool


def test_a_bare_call_fails_loudly() -> None:
    result = subprocess.run(["ruff", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == path_guard.EXIT_CODE
    assert "ruff was reached through PATH" in result.stderr


def test_the_venv_copy_still_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ruff ")


def test_ci_guard_script_writes_the_same_stand_ins(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, str(path_guard.ROOT / ".ci" / "path-guard"), str(tmp_path)], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(path_guard.project_tools())
    result = subprocess.run(
        ["mypy", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},
    )
    assert result.returncode == path_guard.EXIT_CODE
    assert "mypy was reached through PATH" in result.stderr
