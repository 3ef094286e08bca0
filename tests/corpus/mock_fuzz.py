"""A bounded schemathesis run against `serve --mock` of one corpus spec.

Valid requests only (`--mode positive`): real specs rarely document the 400 that the
gateway's validator gives an invalid one. The checks are the conformance ones (status code,
content type, response headers, response schema) and "not a server error"; the phases those
that need no state (examples, coverage, fuzzing). A fixed seed makes a failure reproducible
and CI's verdict stable.

Each security scheme gets a credential in schemathesis' config (`[auth.openapi.<scheme>]`):
the checkout's API key where the scheme is API Gateway's own (`x-api-key`), a token signed
with the checkout's key for bearer, OAuth2 and OpenID Connect schemes (the local server
verifies it as Cognito's), and a placeholder elsewhere (the mock's stub Lambda authorizers
check presence only).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.fuzz.runner import schemathesis_command

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PHASES = "examples,coverage,fuzzing"
MAX_EXAMPLES = 20  # per operation and phase: bounded, the corpus has about 900 operations
SEED = 20261205
TIMEOUT_SECONDS = 240.0
# A placeholder credential, where the mock checks only that one is present.
PLACEHOLDER = "corpus-credential"
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class FuzzOutcome:
    cases: int  # test cases schemathesis generated and sent
    operations: int  # operations it tested
    failures: tuple[str, ...]  # one line each: "<METHOD path>: <check>"

    @property
    def summary(self) -> str:
        found = f"{len(self.failures)} failure" + ("" if len(self.failures) == 1 else "s")
        return f"{self.cases} cases, {found}"


def auth_config(document: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """schemathesis' TOML giving each security scheme of `document` a credential.

    `headers` are what `python -m codegen credentials` prints for the checkout (an
    `x-api-key`, an `Authorization: Bearer <token>`), absent when nothing is verified.
    """
    token = headers.get("Authorization", "").removeprefix("Bearer ") or PLACEHOLDER
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    blocks = []
    for name, scheme in schemes.items():
        kind = scheme.get("type")
        if kind == "apiKey":
            is_gateway_key = str(scheme.get("name", "")).lower() == "x-api-key"
            value = headers.get("x-api-key", PLACEHOLDER) if is_gateway_key else PLACEHOLDER
            body = f"api_key = {json.dumps(value)}"
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            body = f'username = "{PLACEHOLDER}"\npassword = "{PLACEHOLDER}"'
        else:  # http bearer, oauth2, openIdConnect: a bearer token
            body = f"bearer = {json.dumps(token)}"
        blocks.append(f"[auth.openapi.{json.dumps(name)}]\n{body}\n")
    return "\n".join(blocks)


def command(url: str, config: Path, junit: Path) -> list[str]:
    argv = [*schemathesis_command(REPOSITORY), "--config-file", str(config)]
    argv += ["run", f"{url}/openapi.json", "--url", url, "--mode", "positive"]
    argv += ["--phases", PHASES, "--checks", ",".join(CHECKS)]
    argv += ["--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1"]
    # Health checks judge hypothesis' generation of data for the spec's own schemas (a
    # `oneOf` whose branches overlap filters out most candidates), not the mock's answers:
    # a failed one only ends that operation's run unfinished, as an error.
    argv += ["--suppress-health-check", "all"]
    return [*argv, "--report", "junit", "--report-junit-path", str(junit)]


def fuzz(url: str, document: Mapping[str, Any], headers: Mapping[str, str]) -> FuzzOutcome:
    """Run schemathesis against the mock at `url` (serving `document`) and read its report."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        config = folder / "schemathesis.toml"
        config.write_text(auth_config(document, headers), encoding="utf-8")
        junit = folder / "junit.xml"
        result = subprocess.run(
            command(url, config, junit),
            cwd=folder,  # schemathesis keeps its cache (.schemathesis/) in the cwd
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        return _outcome(result, junit)


def _outcome(result: subprocess.CompletedProcess[str], junit: Path) -> FuzzOutcome:
    cases = _generated(result.stdout)
    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        tail = " | ".join(result.stdout.strip().splitlines()[-3:] + result.stderr.splitlines()[-3:])
        return FuzzOutcome(cases, 0, (f"schemathesis exited {result.returncode}: {tail}",))
    failures: list[str] = []
    testcases = list(root.iter("testcase"))
    for case in testcases:
        for problem in [*case.iter("failure"), *case.iter("error")]:
            failures.append(f"{case.get('name')}: {_first_finding(problem)}")
    if result.returncode != 0 and not failures:
        failures.append(f"schemathesis exited {result.returncode} with no failure reported")
    return FuzzOutcome(cases, len(testcases), tuple(failures))


def _first_finding(problem: ElementTree.Element) -> str:
    """`ST103 Undocumented status code (Received: 400 ...)`: the check and its first detail."""
    lines = [line.strip() for line in (problem.text or "").splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if line.startswith("- "):
            detail = lines[index + 1] if index + 1 < len(lines) else ""
            return f"{line[2:]} ({detail})" if detail else line[2:]
    return str(problem.get("message") or (lines[0] if lines else "failed"))


def _generated(output: str) -> int:
    # "Test cases:\n  1234 generated, ..." in schemathesis 4's summary.
    for line in output.splitlines():
        words = line.split()
        if len(words) > 1 and words[1].rstrip(",") == "generated" and words[0].isdigit():
            return int(words[0])
    return 0
