"""What `codegen fuzz` reads from a schemathesis run: cases, failures, exit status."""

from __future__ import annotations

import sys
from pathlib import Path

from codegen.fuzz import runner

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="schemathesis" tests="6" failures="2" errors="1">
</testsuite></testsuites>
"""


def fake_schemathesis(tmp_path: Path, junit: str | None, exit_code: int) -> runner.Outcome:
    report = tmp_path / "junit.xml"
    script = "print('Test cases:'); print('  57 generated, 55 passed')\n"
    if junit is not None:
        script += f"open({str(report)!r}, 'w').write({junit!r})\n"
    script += f"raise SystemExit({exit_code})\n"
    return runner.run([sys.executable, "-c", script], {}, tmp_path, report, echo=False)


def test_failures_and_errors_of_the_junit_report_are_counted(tmp_path: Path) -> None:
    outcome = fake_schemathesis(tmp_path, JUNIT, 1)
    assert (outcome.exit_code, outcome.cases, outcome.failures) == (1, 57, 3)


def test_a_failed_run_without_a_report_still_counts_as_a_failure(tmp_path: Path) -> None:
    outcome = fake_schemathesis(tmp_path, None, 2)
    assert outcome.exit_code == 2 and outcome.failures == 1


def test_a_clean_run(tmp_path: Path) -> None:
    clean = JUNIT.replace('failures="2" errors="1"', 'failures="0" errors="0"')
    outcome = fake_schemathesis(tmp_path, clean, 0)
    assert (outcome.exit_code, outcome.cases, outcome.failures) == (0, 57, 0)


def test_the_command_has_every_check_and_phase_and_the_projects_config(tmp_path: Path) -> None:
    argv = runner.command(
        tmp_path,
        tmp_path / "openapi.yaml",
        "http://127.0.0.1:1",
        tmp_path / "j.xml",
        runner.Options(seed=3, max_examples=4, rate_limit="20/s"),
    )
    joined = " ".join(argv)
    assert "--checks all" in joined
    assert "--phases examples,coverage,fuzzing,stateful" in joined
    assert f"--config-file {runner.CONFIG}" in joined
    assert "--seed 3" in joined and "--max-examples 4" in joined and "--rate-limit 20/s" in joined
    # Never a schemathesis found on PATH: the checkout's venv, or this interpreter's module.
    assert argv[0] in {str(tmp_path / ".venv" / "bin" / "schemathesis"), sys.executable}
