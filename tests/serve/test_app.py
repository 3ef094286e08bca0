"""create_app on the real project: generated routes, the deployed definition, moto, /docs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from codegen.publish import docs_page
from codegen.serve import LocalApi, create_app
from tests.support.credentials import authenticated

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app() -> Iterator[LocalApi]:
    with closing(create_app(ROOT, docs_page=docs_page)) as local:
        yield local


@pytest.fixture
def client(app: LocalApi) -> Client:
    app.reset_storage()
    return Client(authenticated(app))  # /users needs credentials (tests/serve/test_auth_http.py)


def test_routes_come_from_the_model_and_match_the_generated_table(app: LocalApi) -> None:
    """The gateway routes from the model; the generated route table is rendered from the
    same model, so both name the same operations, handlers and validators."""
    from generated.routes import ROUTES

    fields = ("method", "path", "operation_id", "handler", "operation_module")

    def as_tuples(routes: Iterable[object]) -> set[tuple[str, ...]]:
        return {tuple(getattr(route, name) for name in fields) for route in routes}

    assert as_tuples(app.routes) == as_tuples(ROUTES)
    assert len(app.routes) == len(ROUTES)


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


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b"],
)
def test_gateway_answers_405_404_and_preflight_whatever_the_content_type(
    client: Client, content_type: str
) -> None:
    not_allowed = client.put("/users", data="a=1", content_type=content_type)
    assert (not_allowed.status_code, not_allowed.get_json()) == (
        405,
        {"message": "Method not allowed"},
    )
    form = client.post("/nope", data="a=1", content_type=content_type)
    assert (form.status_code, form.get_json()) == (404, {"message": "Not found"})
    preflight = client.options("/users", headers={"Content-Type": content_type})
    assert preflight.status_code == 204


def test_cors_exposes_location_and_retry_after(client: Client) -> None:
    created = client.post("/users", json={"name": "Ada", "email": "ada@example.com"})
    exposed = created.headers["Access-Control-Expose-Headers"].split(",")
    assert {"Location", "Retry-After", "x-amzn-RequestId"} <= set(exposed)
    # The gateway's own answers expose the same headers as the handlers'.
    assert client.put("/users").headers["Access-Control-Expose-Headers"] == ",".join(exposed)


def test_oversized_body_is_the_declared_413(client: Client) -> None:
    from codegen.serve.local_gateway import MAX_BODY_BYTES

    response = client.post(
        "/users", data=b"x" * (MAX_BODY_BYTES + 1), content_type="application/json"
    )
    assert (response.status_code, response.get_json()) == (413, {"message": "Request too large"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_our_spec_requires_no_credentials(client: Client) -> None:
    assert client.get("/hello").status_code == 200  # no x-api-key, no Authorization


def test_trailing_slash_reaches_the_same_operation(client: Client) -> None:
    response = client.get("/users/")
    assert response.status_code == 200
    assert response.get_json() == {"users": [], "count": 0, "next_token": None}


def test_spec_and_docs_are_served(client: Client) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["info"]["title"] == "Users API"
    assert "/users/{id}" in spec["paths"]
    docs = client.get("/docs")  # swagger-ui-bundle is a pinned dev dependency: no skip
    assert docs.status_code == 200 and "/openapi.json" in docs.get_data(as_text=True)
    assert client.get("/docs/swagger-ui.css").status_code == 200


def test_handlers_reach_the_embedded_dynamodb_over_its_endpoint(
    app: LocalApi, client: Client
) -> None:
    """The handlers' own client (not one the test builds) sends to the embedded server's
    loopback endpoint."""
    import utils.dynamodb

    seen: list[str] = []
    events = utils.dynamodb.get_table().meta.client.meta.events

    def observe(request: Any, **_: object) -> None:
        seen.append(request.url)

    events.register_first("before-send.dynamodb", observe)
    try:
        answered = client.get("/users/3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b")
    finally:
        events.unregister("before-send.dynamodb", observe)
    assert answered.status_code == 404
    assert len(seen) == 1
    assert seen[0].startswith(os.environ["AWS_ENDPOINT_URL_DYNAMODB"] + "/")
    assert seen[0].startswith("http://127.0.0.1:")
