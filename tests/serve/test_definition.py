"""GatewayDefinition: mock integrations and gateway responses in API Gateway's format."""

from __future__ import annotations

from codegen.serve.definition import GatewayDefinition
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


def test_passthrough_never_refuses_media_types_without_a_template() -> None:
    mock = DEFINITION.mock("/items", "PUT")
    assert mock is not None
    assert mock.accepts(None)  # no Content-Type counts as application/json
    assert mock.accepts("application/json; charset=utf-8")
    assert not mock.accepts("text/plain")


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
    response = DEFINITION.respond("REQUEST_TOO_LARGE", 413, "Request too large")
    assert (response.status_code, response.get_json()) == (413, {"message": "Request too large"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_without_gateway_responses_api_gateway_defaults_apply() -> None:
    bare = GatewayDefinition.from_body({"paths": {}})
    response = bare.respond("MISSING_AUTHENTICATION_TOKEN")
    assert response.status_code == 403
    assert response.get_json() == {"message": "Missing Authentication Token"}
    assert "Access-Control-Allow-Origin" not in response.headers  # none unless configured
