"""Stand-ins, first on PATH for the whole test session, for every tool the project installs.

A test that runs a bare `ruff` (or `sam`, `checkov`, ...) works only on a machine where somebody
installed that tool by hand; on a fresh machine it fails. So the session puts a directory first
on PATH whose stand-ins (one per name in `.ci/project-tools`) fail loudly with exit 127: the
mistake shows on every machine, the developer's included. Tools are run by their path inside
the checkout (`sys.executable -m ruff`, `tests/support/tools.py`) instead. `.ci/run` installs the
same guard (`.ci/path-guard`) for the Makefile's own stages.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL_LIST = ROOT / ".ci" / "project-tools"
EXIT_CODE = 127


def project_tools() -> list[str]:
    """The names in `.ci/project-tools` (comments and blank lines skipped)."""
    lines = TOOL_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def write_stand_ins(directory: Path) -> None:
    for tool in project_tools():
        stand_in = directory / tool
        stand_in.write_text(
            "#!/bin/sh\n"
            f"echo \"{tool} was reached through PATH: run the project's own copy "
            '(sys.executable -m ..., .venv/bin, .tools/*/bin) or tests/support/tools.py" >&2\n'
            f"exit {EXIT_CODE}\n",
            encoding="utf-8",
        )
        stand_in.chmod(0o755)


def install() -> Path:
    """Write the stand-ins into a fresh directory and put it first on this process's PATH."""
    directory = Path(tempfile.mkdtemp(prefix="path-guard-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    write_stand_ins(directory)
    os.environ["PATH"] = os.pathsep.join([str(directory), os.environ.get("PATH", "")])
    return directory
