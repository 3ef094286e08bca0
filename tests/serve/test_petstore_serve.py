"""`python -m codegen serve` on the (adapted) official Petstore: security enforced locally.

The spec declares no client teams: the local server gives it one implicit team, `local`,
with every scope, and verifies its API key and tokens for real (401/403 as API Gateway
words them), so handlers and clients see the same statuses and envelopes as deployed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from tests.codegen.helpers import generate
from tests.codegen.test_sam_petstore import OFFICIAL, PET, adapted
from tests.support.credentials import auth_headers
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("petstore-serve")


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[ServerProcess]:
    document = adapted(yaml.safe_load(OFFICIAL.read_text(encoding="utf-8")))
    (root / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    generate(root / "openapi.yaml")
    with codegen_server(["--spec", str(root / "openapi.yaml")]) as running:
        yield running


def call(server: ServerProcess, method: str, path: str, **kwargs: object) -> requests.Response:
    return requests.request(method, f"{server.url}{path}", timeout=10, **kwargs)  # type: ignore[arg-type]


def test_start_up_says_how_credentials_are_verified(server: ServerProcess) -> None:
    output = server.process.output()
    assert "Authentication: tokens verified against this checkout's key" in output
    assert "x-api-key of local: " in output


def test_api_key_operations_are_403_without_a_configured_key(
    server: ServerProcess, root: Path
) -> None:
    refused = call(server, "GET", "/store/inventory")
    assert (refused.status_code, refused.json()) == (403, {"message": "Forbidden"})
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    unknown = call(server, "GET", "/store/inventory", headers={"x-api-key": "anything"})
    assert (unknown.status_code, unknown.json()) == (403, {"message": "Forbidden"})
    key = {"x-api-key": auth_headers(spec=root / "openapi.yaml")["x-api-key"]}
    stub = call(server, "GET", "/store/inventory", headers=key)
    assert (stub.status_code, stub.json()) == (501, {"message": "Not implemented: getInventory"})


def test_token_operations_are_401_without_a_valid_token(server: ServerProcess, root: Path) -> None:
    refused = call(server, "POST", "/pet", json=PET)
    assert (refused.status_code, refused.json()) == (401, {"message": "Unauthorized"})
    forged = call(server, "POST", "/pet", json=PET, headers={"Authorization": "Bearer forged"})
    assert (forged.status_code, forged.json()) == (401, {"message": "Unauthorized"})
    token = auth_headers(spec=root / "openapi.yaml")["Authorization"]
    headers = {"Authorization": token}
    stub = call(server, "POST", "/pet", json=PET, headers=headers)
    assert (stub.status_code, stub.json()) == (501, {"message": "Not implemented: addPet"})
    # XML is declared: the validator hands it to the stub as bytes; text/xml is not.
    xml_headers = {**headers, "Content-Type": "application/xml"}
    assert call(server, "POST", "/pet", data="<pet/>", headers=xml_headers).status_code == 501
    text_xml = {**headers, "Content-Type": "text/xml"}
    assert call(server, "POST", "/pet", data="<pet/>", headers=text_xml).status_code == 415


def test_open_operations_and_gateway_answers_need_nothing(server: ServerProcess) -> None:
    assert call(server, "POST", "/store/order", json={"id": 1}).status_code == 501
    assert call(server, "OPTIONS", "/store/inventory").status_code == 204
    text = {"Content-Type": "text/plain"}
    patch = call(server, "PATCH", "/store/inventory", data="x", headers=text)
    assert patch.status_code == 405
