"""template.yaml through the real CLIs: `sam validate` (+ `--lint`), `sam build`, checkov.

The CLIs live in their own virtual environments (`make install`: .tools/sam, .tools/checkov).
A missing one skips with the reason, or fails under CI=true. Everything runs offline and
without credentials; the repository is never written to (templates and builds go to tmp).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.sam import render_template
from tests.support import tools

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Skips that apply to this API, each with its reason in the resource's Metadata.
# CKV_AWS_173 (environment encrypted with a customer managed key) is not among them: the
# environment holds the secrets, and the template encrypts it with the secrets' key.
ALLOWED_CHECKOV_SKIPS = {"CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_120"}
# A spec without secrets (the adapted Petstore) keeps the skip: only table names there.
PLAIN_ENVIRONMENT_SKIP = "CKV_AWS_173"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sam") / "template.yaml"
    path.write_text(render_template(parse_api(ROOT / "openapi.yaml")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def petstore_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The official Petstore as adapted in test_sam_petstore: API keys, Cognito, a usage plan."""
    from tests.codegen.test_sam_petstore import OFFICIAL, adapted

    root = tmp_path_factory.mktemp("petstore-sam")
    document = adapted(yaml.safe_load(OFFICIAL.read_text(encoding="utf-8")))
    (root / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    path = root / "template.yaml"
    path.write_text(render_template(parse_api(root / "openapi.yaml")), encoding="utf-8")
    return path


def _rendered(spec: str, directory: Path) -> Path:
    """A spec of tests/codegen/specs rendered into `directory`; returns its template."""
    from tests.codegen.helpers import SPECS

    (directory / "openapi.yaml").write_bytes((SPECS / spec).read_bytes())
    path = directory / "template.yaml"
    path.write_text(render_template(parse_api(directory / "openapi.yaml")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def authorizers_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every scheme API Gateway cannot enforce natively, as Lambda authorizers."""
    return _rendered("authorizers.yaml", tmp_path_factory.mktemp("authorizers-sam"))


@pytest.fixture(scope="module")
def published_petstore_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The official Petstore as published (Lambda authorizers)."""
    return _rendered("swagger-petstore-3.0.yaml", tmp_path_factory.mktemp("petstore-published"))


@pytest.fixture(params=["users", "petstore", "authorizers", "published_petstore"])
def any_template(request: pytest.FixtureRequest) -> Path:
    name = "template" if request.param == "users" else f"{request.param}_template"
    path: Path = request.getfixturevalue(name)
    return path


def run(
    command: list[str | Path], cwd: Path, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SAM_CLI_TELEMETRY="0")
    # `sam build` (python3.11) needs a `python3.11` on PATH: this interpreter is one.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sam_cli() -> Path:
    return tools.require_tool(
        "sam", tools.sam(), "aws-sam-cli is not installed: run `make install`"
    )


@pytest.mark.parametrize("lint", [False, True], ids=["translator", "lint"])
def test_sam_validate(any_template: Path, lint: bool) -> None:
    command: list[str | Path] = [
        sam_cli(),
        "validate",
        "--region",
        "us-east-1",
        "-t",
        any_template,
    ]
    if lint:
        command.append("--lint")
    result = run(command, cwd=any_template.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_sam_build(template: Path, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    # --base-dir: CodeUri `src/` is relative to the repository, not to the tmp template.
    command: list[str | Path] = [
        sam_cli(),
        "build",
        "-t",
        template,
        "--base-dir",
        ROOT,
        "--build-dir",
        build_dir,
    ]
    result = run(command, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    built = build_dir / "template.yaml"
    assert built.is_file()
    for handler in ("hello/handler.py", "users/get_user.py"):
        functions = [d for d in build_dir.iterdir() if d.is_dir() and (d / handler).is_file()]
        assert functions, f"{handler} is in no built function"


def test_checkov_reports_no_failed_check(any_template: Path) -> None:
    template = any_template
    checkov = tools.require_tool(
        "checkov", tools.checkov(), "checkov is not installed: run `make install`"
    )
    command: list[str | Path] = [
        checkov,
        "-f",
        template,
        "--framework",
        "cloudformation",
        "--skip-download",
        "-o",
        "json",
    ]
    result = run(command, cwd=template.parent)
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"checkov printed no JSON report: {result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0
    allowed = set(ALLOWED_CHECKOV_SKIPS)
    if "AWS::SecretsManager::Secret" not in template.read_text(encoding="utf-8"):
        allowed.add(PLAIN_ENVIRONMENT_SKIP)
    else:  # it must pass, on every function
        passed = {c["check_id"] for c in report["results"]["passed_checks"]}
        assert PLAIN_ENVIRONMENT_SKIP in passed
    for check in report["results"]["skipped_checks"]:
        assert check["check_id"] in allowed, check["check_id"]
        assert check["check_result"].get("suppress_comment"), check["check_id"]
