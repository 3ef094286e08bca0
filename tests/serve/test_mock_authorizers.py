"""`serve --mock` on a spec whose Lambda authorizers are still their generated stubs: the
mock checks only that a credential is where the spec says (401 without one), as Prism
does, and says so at start; a filled-in authorizer stays verified for real."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.codegen.helpers import SPECS, generate
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow

HEADER = "X-APISETU-APIKEY"  # headerKey's header (tests/codegen/specs/authorizers.yaml)
FILLED = """
from __future__ import annotations

Context = dict[str, str | int | float | bool]


def verify(credential: str, scopes: tuple[str, ...]) -> Context | None:
    return {"principalId": "team"} if credential == "right" else None
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mock-authorizers")
    shutil.copyfile(SPECS / "authorizers.yaml", root / "openapi.yaml")
    generate(root / "openapi.yaml")
    return root


@pytest.fixture
def mock(root: Path) -> Iterator[ServerProcess]:
    with codegen_server(["--spec", str(root / "openapi.yaml"), "--mock"]) as server:
        yield server


def get(server: ServerProcess, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url}{path}", headers=headers, timeout=10)


def test_an_unfilled_authorizer_checks_only_that_the_credential_is_present(
    mock: ServerProcess,
) -> None:
    assert "Lambda authorizer header_key: its verification is still the generated stub" in (
        mock.process.output()
    )
    missing = get(mock, "/header-key")
    assert (missing.status_code, missing.json()) == (401, {"message": "Unauthorized"})
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    assert get(mock, "/header-key", **{HEADER: "anything"}).status_code == 200
    # Where the spec says: the same value in another header is no credential.
    assert get(mock, "/header-key", **{"X-Other": "anything"}).status_code == 401
    # One of two alternatives (a header key, or an opaque bearer token) is enough.
    assert get(mock, "/key-or-token", Authorization="Bearer abc").status_code == 200


def test_a_filled_in_authorizer_is_verified_for_real_under_the_mock(root: Path) -> None:
    stub = root / "src" / "authorizers" / "header_key.py"
    original = stub.read_text(encoding="utf-8")
    stub.write_text(FILLED, encoding="utf-8")
    try:
        with codegen_server(["--spec", str(root / "openapi.yaml"), "--mock"]) as server:
            assert "header_key: its verification is still" not in server.process.output()
            assert get(server, "/header-key", **{HEADER: "wrong"}).status_code == 403
            assert get(server, "/header-key", **{HEADER: "right"}).status_code == 200
            # The others are still stubs: presence only.
            assert get(server, "/query-key?api-key=x").status_code == 200
    finally:
        stub.write_text(original, encoding="utf-8")


def test_without_the_mock_an_unfilled_authorizer_refuses_everyone(root: Path) -> None:
    with codegen_server(["--spec", str(root / "openapi.yaml")]) as server:
        assert get(server, "/header-key", **{HEADER: "anything"}).status_code == 403
