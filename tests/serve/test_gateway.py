"""LocalGateway end to end over WSGI, with a fake route table and fake handlers."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from codegen.serve.handlers import HandlerResolver
from codegen.serve.local_gateway import MAX_BODY_BYTES, LocalGateway
from codegen.serve.routing import RouteMatcher
from codegen.serve.spec_documents import SpecDocuments
from tests.serve import auth_tokens
from tests.serve.fake_routes import DEFINITION, ROUTES


@pytest.fixture
def client() -> Client:
    gateway = LocalGateway(
        RouteMatcher(ROUTES, extra_resources=DEFINITION.resources),
        HandlerResolver(),
        DEFINITION,
        spec_documents=SpecDocuments({"openapi": "3.0.3", "info": {"title": "t"}}),
        gatekeeper=auth_tokens.gatekeeper(DEFINITION),
    )
    return Client(gateway)


def echoed(response: TestResponse) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def assert_gateway_error(response: TestResponse, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.get_json() == {"message": message}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert response.headers["Access-Control-Expose-Headers"] == "Location,x-amzn-RequestId"
    assert response.headers["x-amzn-RequestId"]


def test_event_has_the_proxy_v1_fields(client: Client) -> None:
    response = client.get(
        "/items/a%20b/?x=1&x=2&y=",
        headers=[("X-Custom", "v"), ("User-Agent", "ua")],
    )
    event = echoed(response)["event"]
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/a%20b/"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "a b"}
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["headers"]["X-Custom"] == "v"
    assert event["multiValueHeaders"]["X-Custom"] == ["v"]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/items/{id}"
    assert context["httpMethod"] == "GET"
    assert context["stage"] == "local"
    assert context["path"] == "/items/a%20b/"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "ua"
    assert context["requestId"] == response.headers["x-amzn-RequestId"]


def test_no_query_and_no_path_parameters_are_null(client: Client) -> None:
    event = echoed(client.get("/items"))["event"]
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None


def test_context_is_lambda_like(client: Client) -> None:
    response = client.get("/items/1")
    context = echoed(response)["context"]
    assert context["aws_request_id"] == response.headers["x-amzn-RequestId"]
    assert context["function_name"] == "GetItemFunction"
    assert context["invoked_function_arn"].endswith(":function:GetItemFunction")
    assert context["log_group_name"] == "/aws/lambda/GetItemFunction"
    assert context["memory_limit_in_mb"] == 128
    assert 0 < context["remaining"] <= 29_000


def test_text_body_passes_as_is(client: Client) -> None:
    event = echoed(client.post("/items", data='{"a": "é"}', content_type="application/json"))
    assert event["event"]["body"] == '{"a": "é"}'
    assert event["event"]["isBase64Encoded"] is False


def test_invalid_utf8_body_travels_base64(client: Client) -> None:
    event = echoed(client.post("/items", data=b"\xff\xfe{}", content_type="application/json"))
    assert event["event"]["body"] == "//57fQ=="
    assert event["event"]["isBase64Encoded"] is True


def test_unknown_path_is_404_json_with_cors(client: Client) -> None:
    assert_gateway_error(client.get("/nowhere"), 404, "Not found")
    assert_gateway_error(client.options("/nowhere/deeper"), 404, "Not found")


def test_path_no_resource_matches_gets_missing_authentication_token(client: Client) -> None:
    # `/` is not a resource here (and /{proxy+} does not match it): API Gateway's
    # MISSING_AUTHENTICATION_TOKEN response, as customised by the definition (404).
    assert_gateway_error(client.get("/"), 404, "Not found")


def test_undeclared_method_is_405_with_allow(client: Client) -> None:
    response = client.put("/items/1")
    assert_gateway_error(response, 405, "Method not allowed")
    assert response.headers["Allow"] == "DELETE, GET, OPTIONS"
    head = client.head("/items/special")  # HEAD is a method like any other: ANY answers it
    assert (head.status_code, head.headers["Allow"]) == (405, "GET, OPTIONS")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "application/xml",
        "application/octet-stream",
        "application/json",
    ],
)
def test_undeclared_methods_and_unknown_paths_answer_whatever_the_content_type(
    client: Client, content_type: str
) -> None:
    response = client.put("/items/1", data="x=1", content_type=content_type)
    assert_gateway_error(response, 405, "Method not allowed")
    assert response.headers["Allow"] == "DELETE, GET, OPTIONS"
    assert_gateway_error(
        client.post("/nope", data="x=1", content_type=content_type), 404, "Not found"
    )
    preflight = client.options("/items", headers={"Content-Type": content_type})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS,POST"


def test_a_media_type_no_mock_maps_is_415(client: Client) -> None:
    # passthroughBehavior: never -> UNSUPPORTED_MEDIA_TYPE before the mock answers.
    response = client.put("/items/1", data="x", content_type="application/vnd.example")
    assert_gateway_error(response, 415, "Content-Type must be application/json")


def test_api_key_is_required_where_the_method_says_so(client: Client) -> None:
    assert_gateway_error(client.get("/keyed"), 403, "Forbidden")
    assert_gateway_error(client.get("/keyed", headers={"x-api-key": "any-key"}), 403, "Forbidden")
    event = echoed(client.get("/keyed", headers={"x-api-key": auth_tokens.API_KEY}))["event"]
    assert event["requestContext"]["identity"]["apiKey"] == auth_tokens.API_KEY
    assert "authorizer" not in event["requestContext"]  # no Cognito authorizer on /keyed
    items = echoed(client.get("/items", headers={"x-api-key": auth_tokens.API_KEY}))["event"]
    assert items["requestContext"]["identity"]["apiKey"] is None  # the method needs no key


def test_cognito_token_is_required_where_the_method_says_so(client: Client) -> None:
    assert_gateway_error(client.get("/pooled"), 401, "Unauthorized")
    bogus = {"Authorization": "Bearer not-a-token"}
    assert_gateway_error(client.get("/pooled", headers=bogus), 401, "Unauthorized")
    good = {"Authorization": f"Bearer {auth_tokens.token()}"}
    claims = echoed(client.get("/pooled", headers=good))["event"]["requestContext"]["authorizer"]
    assert claims["claims"]["client_id"] == auth_tokens.CLIENT_ID
    assert claims["claims"]["scope"] == "things/read"


def test_the_authorizer_is_checked_before_the_api_key(client: Client) -> None:
    key = {"x-api-key": auth_tokens.API_KEY}
    token = {"Authorization": auth_tokens.token()}  # the bare form is accepted too
    assert_gateway_error(client.post("/both"), 401, "Unauthorized")
    assert_gateway_error(client.post("/both", headers=key), 401, "Unauthorized")
    assert_gateway_error(
        client.post("/both", headers={**key, "Authorization": "t"}), 401, "Unauthorized"
    )
    assert_gateway_error(client.post("/both", headers=token), 403, "Forbidden")
    echoed(client.post("/both", headers={**token, **key}))


def test_preflight_needs_no_credentials(client: Client) -> None:
    assert client.options("/keyed").status_code == 204


def test_binary_media_types_reach_the_handler_base64_encoded(client: Client) -> None:
    response = client.post("/items", data=b"plain", content_type="application/octet-stream")
    event = echoed(response)["event"]
    assert (event["body"], event["isBase64Encoded"]) == ("cGxhaW4=", True)
    text = echoed(client.post("/items", data=b"plain", content_type="text/plain"))["event"]
    assert (text["body"], text["isBase64Encoded"]) == ("plain", False)


def test_preflight_lists_the_paths_methods(client: Client) -> None:
    response = client.options(
        "/items", headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS,POST"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Expose-Headers" not in response.headers


def test_body_over_10_mb_is_413(client: Client) -> None:
    response = client.post("/items", data=b"x" * (MAX_BODY_BYTES + 1))
    assert_gateway_error(response, 413, "Request too large")


def test_body_of_exactly_10_mb_passes(client: Client) -> None:
    response = client.post("/items", data=b"x" * MAX_BODY_BYTES)
    assert len(echoed(response)["event"]["body"]) == MAX_BODY_BYTES


def test_handler_raising_is_502_and_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="codegen.serve"):
        response = client.get("/raise")
    assert_gateway_error(response, 502, "Internal server error")
    assert "secret" not in response.get_data(as_text=True)
    assert "raiser: handler tests.serve.fake_handlers.raises raised" in caplog.text
    assert "RuntimeError: boom" in caplog.text


def test_malformed_proxy_response_is_502(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="codegen.serve"):
        response = client.get("/malformed")
    assert_gateway_error(response, 502, "Internal server error")
    assert "Malformed Lambda proxy response: body must be a string" in caplog.text


def test_missing_handler_module_is_502(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="codegen.serve"):
        assert_gateway_error(client.get("/missing"), 502, "Internal server error")
    assert "Lambda init error" in caplog.text


def test_headers_and_multi_value_headers_merge(client: Client) -> None:
    response = client.get("/multi")
    assert response.status_code == 201
    assert response.headers.getlist("X-Both") == ["a", "b"]
    assert response.headers.getlist("Set-Cookie") == ["c=1", "d=2"]
    assert response.headers["X-One"] == "single"
    # API Gateway labels a proxy response without Content-Type as JSON.
    assert response.headers["Content-Type"] == "application/json"


def test_base64_response_body_is_decoded(client: Client) -> None:
    response = client.get("/binary")
    assert response.get_data() == b"\x00\x01\x02\xff"


def test_spec_documents_are_served(client: Client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.get_data()) == {"openapi": "3.0.3", "info": {"title": "t"}}
    yaml_response = client.get("/openapi.yaml")
    assert yaml_response.headers["Content-Type"] == "application/yaml"
    assert b"openapi: 3.0.3" in yaml_response.get_data()
    assert client.post("/openapi.json").status_code == 404


def test_docs_are_not_found_without_the_docs_hook(client: Client) -> None:
    assert_gateway_error(client.get("/docs"), 404, "Not found")


def test_spec_documents_carry_cors_headers(client: Client) -> None:
    assert client.get("/openapi.json").headers["Access-Control-Allow-Origin"] == "*"


def test_one_log_line_per_request(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="codegen.serve.requests"):
        response = client.get("/items/7?q=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "codegen.serve.requests"]
    assert len(lines) == 1
    method, path, status, ms, request_id = lines[0].split()
    assert (method, path, status) == ("GET", "/items/7", "200")
    assert ms.endswith("ms") and float(ms[:-2]) >= 0
    assert request_id == response.headers["x-amzn-RequestId"]
