"""The published document passes the linters client teams run on it: Redocly CLI's
`recommended` ruleset (redocly.yaml) and Spectral's `spectral:oas` (.spectral.yaml), with no
error and no warning."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.tools import ROOT, node_tool, require_tool

pytestmark = pytest.mark.slow

# Neither linter may phone home from a test run (Redocly sends usage data unless told not to).
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=ROOT,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def redocly_problems(redocly: Path, document: Path) -> list[tuple[str, str]]:
    """(rule id, message) of every problem Redocly's `recommended` finds."""
    config = str(ROOT / "redocly.yaml")
    result = run([str(redocly), "lint", "--config", config, "--format", "json", str(document)])
    report: dict[str, Any] = json.loads(result.stdout)
    return [(problem["ruleId"], problem["message"]) for problem in report["problems"]]


def test_redocly_recommended(published: Path) -> None:
    redocly = require_tool("redocly", node_tool("redocly"), "run `make install` (npm ci)")
    assert redocly_problems(redocly, published / "openapi.yaml") == []


def spectral_findings(spectral: Path, document: Path, out: Path) -> list[dict[str, Any]]:
    """Spectral's findings as JSON (`--output`: its stdout adds a sentence after the JSON)."""
    report = out / "spectral.json"
    result = run(
        [
            str(spectral),
            "lint",
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--output",
            str(report),
            str(document),
        ]
    )
    assert report.exists(), result.stdout + result.stderr
    findings: list[dict[str, Any]] = json.loads(report.read_text())
    return findings


def test_spectral_oas(published: Path, tmp_path: Path) -> None:
    spectral = require_tool("spectral", node_tool("spectral"), "run `make install` (npm ci)")
    findings = spectral_findings(spectral, published / "openapi.yaml", tmp_path)
    assert [(f["code"], f["message"]) for f in findings] == []


def test_the_linters_do_find_problems(tmp_path: Path, published: Path) -> None:
    """The same commands fail on a document missing what the published one has."""
    redocly = require_tool("redocly", node_tool("redocly"), "run `make install` (npm ci)")
    spectral = require_tool("spectral", node_tool("spectral"), "run `make install` (npm ci)")
    document = json.loads((published / "openapi.json").read_text())
    del document["info"]["contact"], document["info"]["license"]["url"]
    del document["paths"]["/hello"]["get"]["description"]
    worse = tmp_path / "openapi.json"
    worse.write_text(json.dumps(document))
    rules = {rule for rule, _ in redocly_problems(redocly, worse)}
    assert "info-license-strict" in rules
    findings = spectral_findings(spectral, worse, tmp_path)
    codes = {finding["code"] for finding in findings}
    assert {"info-contact", "operation-description"} <= codes
