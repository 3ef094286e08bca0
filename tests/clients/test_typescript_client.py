"""The TypeScript client: the example publish writes (openapi-fetch with the types
openapi-typescript generated) type-checks with `tsc --strict`, and a call that breaks the
contract does not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.tools import NODE_MODULES, node_tool, require_tool

pytestmark = pytest.mark.slow

TSC_FLAGS = [
    "--strict",
    "--noEmit",
    # Declaration files of the libraries are not ours to check; schema.d.ts's types are still
    # what the program is checked against.
    "--skipLibCheck",
    "--target",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--lib",
    "es2022,dom",  # fetch, Headers, crypto, console: what a browser or Node 20 gives
]


def type_check(folder: Path, program: str) -> subprocess.CompletedProcess[str]:
    tsc = require_tool("tsc", node_tool("tsc"), "run `make install` (npm ci)")
    return subprocess.run(
        [str(tsc), *TSC_FLAGS, program],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture()
def typescript_client(published: Path, tmp_path: Path) -> Path:
    """A copy of clients/typescript that resolves openapi-fetch from the checkout."""
    folder = tmp_path / "typescript"
    shutil.copytree(published / "clients" / "typescript", folder)
    (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    return folder


def test_example_type_checks_strictly(typescript_client: Path) -> None:
    assert "export interface paths" in (typescript_client / "schema.d.ts").read_text()
    result = type_check(typescript_client, "example.ts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_call_against_the_contract_fails_to_type_check(typescript_client: Path) -> None:
    example = (typescript_client / "example.ts").read_text()
    # createUser without the required email, and an unknown path
    broken = example.replace(
        'body: { name: "Ada Lovelace", email: "ada@example.com" }', 'body: { name: "Ada" }'
    ).replace('api.DELETE("/users/{id}"', 'api.DELETE("/user/{id}"')
    assert broken != example
    (typescript_client / "broken.ts").write_text(broken)
    result = type_check(typescript_client, "broken.ts")
    assert result.returncode != 0
    assert "'email' is declared here" in result.stdout or "Property 'email'" in result.stdout
    assert '"/user/{id}"' in result.stdout
