"""The schemathesis run: the pinned CLI, every check and phase, the project's config and hooks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The folder `codegen` is imported from: the hooks import it in schemathesis' process.
CODEGEN_HOME = HERE.parents[1]
CONFIG = HERE / "schemathesis.toml"  # the narrowings, each with its reason
HOOKS = HERE / "hooks.py"  # the ledger and the guard (see hooks.py)
PHASES = "examples,coverage,fuzzing,stateful"
STOP_TIMEOUT_SECONDS = 10.0
INTERRUPTED = 130  # what a shell reports for a command ended by SIGINT
# "Test cases:\n  1234 generated, 1200 passed, ..." in schemathesis 4's summary.
GENERATED = re.compile(r"(\d+) generated")


@dataclass(frozen=True)
class Options:
    seed: int | None = None
    max_examples: int | None = None
    rate_limit: str | None = None  # schemathesis' '<limit>/<duration>'


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    cases: int | None  # test cases schemathesis generated and ran, from its summary
    failures: int  # failures and errors in the JUnit report (or 1 if it has none but failed)
    output: str


def schemathesis_command(root: Path) -> list[str]:
    """The checkout's pinned schemathesis, by the project's venv path: never one on PATH."""
    script = root / ".venv" / "bin" / "schemathesis"
    if script.is_file():
        return [str(script)]
    # The interpreter running this command is the venv's (or the one the user chose).
    return [sys.executable, "-m", "schemathesis.cli"]


def command(root: Path, spec: Path, url: str, junit: Path, options: Options) -> list[str]:
    argv = [*schemathesis_command(root), "--config-file", str(CONFIG), "run", str(spec)]
    argv += ["--url", url, "--checks", "all", "--phases", PHASES]
    # One worker: with several, the coverage phase can crash on Python 3.11 (CPython bug
    # 106905), and the guard's record of created ids is then shared by the one process.
    argv += ["--workers", "1", "--report", "junit", "--report-junit-path", str(junit)]
    if options.seed is not None:
        argv += ["--seed", str(options.seed)]
    if options.max_examples is not None:
        argv += ["--max-examples", str(options.max_examples)]
    if options.rate_limit:
        argv += ["--rate-limit", options.rate_limit]
    return argv


def _python_path() -> str:
    inherited = os.environ.get("PYTHONPATH")
    return os.pathsep.join([str(CODEGEN_HOME), *([inherited] if inherited else [])])


def junit_failures(report: Path) -> int | None:
    try:
        tree = ElementTree.parse(report)
    except (OSError, ElementTree.ParseError):
        return None
    suites = [tree.getroot()] if tree.getroot().tag == "testsuite" else list(tree.getroot())
    return sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)


def run(
    argv: Sequence[str], env: Mapping[str, str], cwd: Path, junit: Path, echo: bool = True
) -> Outcome:
    """Run schemathesis, its output passed through as it comes, and read what it found."""
    lines: list[str] = []
    with subprocess.Popen(
        list(argv),
        cwd=cwd,  # schemathesis keeps its cache (.schemathesis/) in the cwd
        env={**os.environ, **env, "PYTHONPATH": _python_path()},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                lines.append(line)
                if echo:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            exit_code = process.wait()
        except KeyboardInterrupt:
            # Ctrl-C stops schemathesis, not the clean-up: what the run created so far is
            # in the ledger, and is deleted all the same.
            process.terminate()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
            lines.append("fuzz: interrupted; cleaning up what the run created\n")
            sys.stdout.write(lines[-1])
            exit_code = INTERRUPTED
    output = "".join(lines)
    counted = GENERATED.findall(output)
    failures = junit_failures(junit)
    if failures is None or (exit_code != 0 and failures == 0):
        failures = max(failures or 0, 1 if exit_code != 0 else 0)
    return Outcome(exit_code, int(counted[-1]) if counted else None, failures, output)
