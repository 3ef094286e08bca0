"""create_app on the real project: generated routes, the deployed definition, moto, /docs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from werkzeug.test import Client

from codegen.serve import LocalApi, create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app() -> Iterator[LocalApi]:
    local = create_app(ROOT)
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def client(app: LocalApi) -> Client:
    app.reset_storage()
    return Client(app)


def test_routes_are_the_generated_table(app: LocalApi) -> None:
    from generated.routes import ROUTES

    assert set(app.routes) == set(ROUTES)


def test_crud_on_embedded_moto(app: LocalApi, client: Client) -> None:
    created = client.post("/users", json={"name": "Ada", "email": "ada@example.com"})
    assert created.status_code == 201, created.get_data(as_text=True)
    location = created.headers["Location"]
    assert location == f"/users/{created.get_json()['id']}"  # usable against this server
    assert client.get(location).get_json() == created.get_json()
    table_name = app.storage.tables["TABLE_NAME"]
    assert boto3.resource("dynamodb").Table(table_name).scan()["Count"] == 1
    app.reset_storage()
    assert client.get(location).status_code == 404


def test_gateway_answers_as_the_definition_body_declares(client: Client) -> None:
    not_allowed = client.put("/users")
    assert not_allowed.status_code == 405
    assert not_allowed.headers["Allow"] == "GET, OPTIONS, POST"
    assert not_allowed.get_json() == {"message": "Method not allowed"}
    root = client.get("/")
    assert (root.status_code, root.get_json()) == (404, {"message": "Not found"})
    preflight = client.options("/users/3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b")
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "DELETE,GET,OPTIONS,PATCH"


def test_trailing_slash_reaches_the_same_operation(client: Client) -> None:
    response = client.get("/users/")
    assert response.status_code == 200
    assert response.get_json() == {"users": [], "count": 0, "next_token": None}


def test_spec_and_docs_are_served(client: Client) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["info"]["title"] == "Users API"
    assert "/users/{id}" in spec["paths"]
    docs = client.get("/docs")
    if docs.status_code == 404:
        pytest.skip("codegen.docs_page or swagger-ui-bundle is not installed")
    assert docs.status_code == 200 and "/openapi.json" in docs.get_data(as_text=True)
    assert client.get("/docs/swagger-ui.css").status_code == 200
