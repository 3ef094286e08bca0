"""GatewayDefinition: mock integrations and gateway responses in API Gateway's format."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.serve.definition import GatewayDefinition, MethodSecurity, MockIntegration
from tests.serve.fake_routes import DEFINITION, DEFINITION_BODY


def test_mocks_are_read_per_resource_and_method() -> None:
    assert set(DEFINITION.resources) == {path for path in DEFINITION_BODY["paths"]}
    preflight = DEFINITION.mock("/items", "OPTIONS")
    assert preflight is not None and preflight.status == 204
    assert ("Access-Control-Allow-Methods", "GET,OPTIONS,POST") in preflight.headers
    # A method without its own mock falls back to ANY.
    any_method = DEFINITION.mock("/items", "PATCH")
    assert any_method is not None and any_method.status == 405
    assert any_method.body == '{"message":"Method not allowed"}'
    # Lambda (aws_proxy) methods are not mocks.
    assert DEFINITION.mocks["/items"].get("GET") is None


def test_a_mock_maps_every_media_type_it_has_a_template_for() -> None:
    mock = DEFINITION.mock("/items", "PUT")
    assert mock is not None
    assert mock.outcome(None) == "mapped"  # no Content-Type counts as application/json
    assert mock.outcome("application/json; charset=utf-8") == "mapped"
    assert mock.outcome("text/plain;charset=UTF-8") == "mapped"
    assert mock.outcome("Application/X-WWW-Form-Urlencoded") == "mapped"
    assert mock.outcome("multipart/form-data; boundary=x") == "mapped"
    assert mock.outcome("application/vnd.example") == "unsupported"  # never: 415


def mock_with(passthrough: str, templates: dict[str, str]) -> MockIntegration:
    integration: dict[str, Any] = {
        "type": "mock",
        "requestTemplates": templates,
        "passthroughBehavior": passthrough,
        "responses": {"default": {"statusCode": "405"}},
    }
    found = MockIntegration.from_operation({"x-amazon-apigateway-integration": integration})
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("passthrough", "templates", "expected"),
    [
        # AWS, "Method request behavior for payloads without mapping templates": an
        # unmapped type is refused (415) by NEVER, and by WHEN_NO_TEMPLATES once any
        # template exists; otherwise it passes through, and a MOCK then finds no
        # statusCode in the client's body (500 "Unable to parse statusCode").
        ("never", {"application/json": "{}"}, "unsupported"),
        ("when_no_templates", {"application/json": "{}"}, "unsupported"),
        ("when_no_match", {"application/json": "{}"}, "unparseable"),
        ("when_no_templates", {}, "unparseable"),
        ("never", {}, "unsupported"),
    ],
)
def test_unmapped_media_types_follow_the_passthrough_behavior(
    passthrough: str, templates: dict[str, str], expected: str
) -> None:
    assert mock_with(passthrough, templates).outcome("text/csv") == expected


def test_method_security_is_read_from_the_schemes() -> None:
    assert DEFINITION.method_security("/keyed", "GET") == MethodSecurity(api_key=True)
    assert DEFINITION.method_security("/pooled", "get") == MethodSecurity(authorizer=True)
    assert DEFINITION.method_security("/both", "POST") == MethodSecurity(True, True)
    assert DEFINITION.method_security("/items", "GET") == MethodSecurity()


def test_binary_media_types_are_read() -> None:
    assert DEFINITION.binary_media_types == frozenset({"application/octet-stream"})


def test_gateway_response_templates_are_rendered() -> None:
    response = DEFINITION.respond("DEFAULT_5XX", 502, "Internal server error")
    assert response.status_code == 502
    assert response.get_json() == {"message": "Internal server error"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Content-Type"] == "application/json"


def test_customised_type_overrides_status_and_body() -> None:
    response = DEFINITION.respond("MISSING_AUTHENTICATION_TOKEN")
    assert (response.status_code, response.get_json()) == (404, {"message": "Not found"})


def test_uncustomised_type_falls_back_to_default_4xx() -> None:
    response = DEFINITION.respond("INVALID_API_KEY")
    assert (response.status_code, response.get_json()) == (403, {"message": "Forbidden"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_request_too_large_uses_its_own_gateway_response() -> None:
    response = DEFINITION.respond("REQUEST_TOO_LARGE", 413, "Request Too Long")
    assert (response.status_code, response.get_json()) == (413, {"message": "Request too large"})
    assert response.headers["Access-Control-Expose-Headers"] == "Location,x-amzn-RequestId"


def test_without_gateway_responses_api_gateway_defaults_apply() -> None:
    bare = GatewayDefinition.from_body({"paths": {}})
    response = bare.respond("MISSING_AUTHENTICATION_TOKEN")
    assert response.status_code == 403
    assert response.get_json() == {"message": "Missing Authentication Token"}
    assert "Access-Control-Allow-Origin" not in response.headers  # none unless configured
