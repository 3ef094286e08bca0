"""Bad input over HTTP: a 4xx `{"message": ...}` answer with CORS headers, and nothing stored.

The server runs as `python -m codegen serve` against a moto server endpoint, so this test
reads the same table through boto3 before and after every request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests

from tests.integration.conftest import TABLE_NAME
from tests.support.credentials import auth_headers
from tests.support.servers import ServerProcess

AUTH = auth_headers()  # /users needs a token and an API key (issue 11)

USER_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
JSON = {"Content-Type": "application/json"}

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    status: int
    body: bytes | None = None
    headers: dict[str, str] | None = None


def deep(levels: int) -> bytes:
    return b'{"name": ' + b"[" * levels + b"]" * levels + b', "email": "a@b.co"}'


CASES = [
    Bad("malformed JSON", "POST", "/users", 400, b'{"name": "Ada",', JSON),
    Bad("JSON array", "POST", "/users", 400, b'[{"name": "Ada", "email": "a@b.co"}]', JSON),
    Bad("JSON string", "POST", "/users", 400, b'"Ada"', JSON),
    Bad("JSON null", "POST", "/users", 400, b"null", JSON),
    Bad("empty body", "POST", "/users", 400, b"", JSON),
    Bad(
        "text/plain",
        "POST",
        "/users",
        415,
        b'{"name": "A", "email": "a@b.co"}',
        {"Content-Type": "text/plain"},
    ),
    Bad(
        "form",
        "POST",
        "/users",
        415,
        b"name=A&email=a%40b.co",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    Bad("invalid UTF-8", "POST", "/users", 400, b'{"name": "\xff\xfe", "email": "a@b.co"}', JSON),
    Bad("raw NUL byte", "POST", "/users", 400, b'{"name": "A\x00B", "email": "a@b.co"}', JSON),
    Bad("NUL in email", "POST", "/users", 400, b'{"name": "A", "email": "a\\u0000@b.co"}', JSON),
    # Valid JSON (an escape) but not Unicode: boto3 could not encode it (it was a 500).
    Bad("lone surrogate", "POST", "/users", 400, b'{"name": "\\ud800", "email": "a@b.co"}', JSON),
    Bad(
        "charset latin-1",
        "POST",
        "/users",
        415,
        b'{"name": "A", "email": "a@b.co"}',
        {"Content-Type": "application/json; charset=latin-1"},
    ),
    Bad("deeply nested", "POST", "/users", 400, deep(10_000), JSON),
    Bad(
        "name too long",
        "POST",
        "/users",
        400,
        json.dumps({"name": "x" * 101, "email": "a@b.co"}).encode(),
        JSON,
    ),
    Bad(
        "email too long",
        "POST",
        "/users",
        400,
        json.dumps({"name": "A", "email": "a" * 250 + "@b.co"}).encode(),
        JSON,
    ),
    Bad(
        "unknown field",
        "POST",
        "/users",
        400,
        json.dumps({"name": "A", "email": "a@b.co", "admin": True}).encode(),
        JSON,
    ),
    Bad(
        "readOnly id",
        "POST",
        "/users",
        400,
        json.dumps({"id": USER_ID, "name": "A", "email": "a@b.co"}).encode(),
        JSON,
    ),
    Bad("NaN", "POST", "/users", 400, b'{"name": NaN, "email": "a@b.co"}', JSON),
    Bad("body over 10 MB", "POST", "/users", 413, b"x" * (10 * 1024 * 1024 + 1), JSON),
    Bad("repeated limit", "GET", "/users?limit=1&limit=2", 400),
    Bad("negative limit", "GET", "/users?limit=-1", 400),
    Bad("zero limit", "GET", "/users?limit=0", 400),
    Bad("enormous limit", "GET", "/users?limit=" + "9" * 40, 400),
    Bad("float limit", "GET", "/users?limit=1.0", 400),
    Bad("forged next_token", "GET", "/users?next_token=eyJpZCI6IDF9", 400),
    # A well-formed key of a plausible user, unsigned or with a made-up signature: the
    # signature, not the shape, is what refuses it.
    Bad(
        "unsigned next_token of a valid key",
        "GET",
        "/users?next_token=eyJpZCI6IjNmMmI4YzFlLTdhNGQtNGU1Zi05YjZhLTFjMmQzZTRmNWE2YiJ9",
        400,
    ),
    Bad(
        "next_token with a forged signature",
        "GET",
        "/users?next_token=eyJpZCI6IjNmMmI4YzFlLTdhNGQtNGU1Zi05YjZhLTFjMmQzZTRmNWE2YiJ9."
        "AAAAAAAAAAAAAAAAAAAAAA",
        400,
    ),
    Bad("garbage next_token", "GET", "/users?next_token=%00%FF", 400),
    Bad("non-UUID id (GET)", "GET", "/users/not-a-uuid", 400),
    Bad("non-UUID id (DELETE)", "DELETE", "/users/1%27%20OR%201=1", 400),
    Bad("non-UUID id (PATCH)", "PATCH", "/users/..%2F..%2Fetc", 400, b'{"name": "B"}', JSON),
    Bad("empty patch", "PATCH", f"/users/{USER_ID}", 400, b"{}", JSON),
    Bad("patch unknown field", "PATCH", f"/users/{USER_ID}", 400, b'{"id": "x"}', JSON),
    Bad("patch null name", "PATCH", f"/users/{USER_ID}", 400, b'{"name": null}', JSON),
    Bad(
        "patch text/plain",
        "PATCH",
        f"/users/{USER_ID}",
        415,
        b'{"name": "B"}',
        {"Content-Type": "text/plain"},
    ),
    Bad("undeclared method", "PUT", f"/users/{USER_ID}", 405, b'{"name": "B"}', JSON),
    Bad("unknown path", "POST", "/admin/users", 404, b"{}", JSON),
]


@pytest.fixture(scope="module")
def table(moto_endpoint: str, server_on_moto: ServerProcess) -> Any:
    """The server's users table, holding one known user."""
    dynamodb = boto3.resource("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    users = dynamodb.Table(TABLE_NAME)
    users.put_item(
        Item={
            "id": USER_ID,
            "name": "Ada",
            "email": "ada@example.com",
            "created_at": "2026-11-24T10:00:00Z",
            "updated_at": "2026-11-24T10:00:00Z",
        }
    )
    return users


def snapshot(table: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = table.scan(ConsistentRead=True)["Items"]
    return sorted(items, key=lambda item: str(item["id"]))


@pytest.fixture
def unchanged(table: Any) -> Iterator[None]:
    before = snapshot(table)
    yield
    assert snapshot(table) == before, "a refused request changed the table"


def test_the_seeded_user_is_served(server_on_moto: ServerProcess, table: Any) -> None:
    response = requests.get(f"{server_on_moto.url}/users/{USER_ID}", headers=AUTH, timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused(server_on_moto: ServerProcess, unchanged: None, case: Bad) -> None:
    response = requests.request(
        case.method,
        server_on_moto.url + case.path,
        data=case.body,
        headers={**AUTH, **(case.headers or {})},
        timeout=30,
    )
    assert response.status_code == case.status, response.text
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("message"), str), body
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_escaped_nul_in_name_is_refused(server_on_moto: ServerProcess, table: Any) -> None:
    before = snapshot(table)
    response = requests.post(
        f"{server_on_moto.url}/users",
        data=b'{"name": "A\\u0000B", "email": "nul@example.com"}',
        headers={**AUTH, **JSON},
        timeout=30,
    )
    stored = [item for item in snapshot(table) if item not in before]
    for item in stored:  # leave the table as the other tests expect it
        table.delete_item(Key={"id": item["id"]})
    assert response.status_code == 400, response.text
    assert stored == []
