"""The API Gateway DefinitionBody: integrations, mocks, gateway responses, stripped schemas."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.aws_names import (
    ANY_METHOD,
    API_KEY_SOURCE,
    BINARY_MEDIA_TYPES,
    GATEWAY_RESPONSES,
    INTEGRATION,
    function_logical_id,
)
from codegen.openapi.errors import SpecError
from codegen.openapi.http import HTTP_METHODS
from codegen.openapi.model import (
    Api,
    HandlerRef,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityRequirement,
    SecurityScheme,
)
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.apigw import (
    CATCH_ALL_PATH,
    MOCK_MEDIA_TYPES,
    MOCK_REQUEST_TEMPLATE,
    USER_POOL_PARAMETER,
    definition_body,
    gateway_responses,
    mock_media_types,
)
from codegen.render.cors import allow_headers, cors_headers, expose_headers

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"

# Keywords API Gateway models reject or ignore; none may survive in a schema of the body.
FORBIDDEN_SCHEMA_KEYWORDS = {
    "discriminator",
    "oneOf",
    "anyOf",
    "nullable",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "additionalProperties",
    "format",
}
GATEWAY_RESPONSE_TYPES = {
    "DEFAULT_4XX",
    "DEFAULT_5XX",
    "BAD_REQUEST_BODY",
    "BAD_REQUEST_PARAMETERS",
    "MISSING_AUTHENTICATION_TOKEN",
    "RESOURCE_NOT_FOUND",
    "REQUEST_TOO_LARGE",
    "THROTTLED",
    "UNSUPPORTED_MEDIA_TYPE",
}


@pytest.fixture(scope="module")
def api() -> Api:
    return parse_api(SPEC)


@pytest.fixture(scope="module")
def body(api: Api) -> dict[str, Any]:
    return definition_body(api)


# --- helpers --------------------------------------------------------------------------------


def schemas_in(body: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every schema of the body (components, parameters, bodies, responses, headers)."""
    for name, schema in body.get("components", {}).get("schemas", {}).items():
        yield f"components.schemas.{name}", schema
    for path, item in body["paths"].items():
        for parameter in item.get("parameters", []):
            yield f"{path} parameter {parameter['name']}", parameter.get("schema", {})
        for method, operation in item.items():
            if method not in HTTP_METHODS and method != ANY_METHOD:
                continue
            where = f"{method} {path}"
            for parameter in operation.get("parameters", []):
                yield f"{where} parameter {parameter['name']}", parameter.get("schema", {})
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                yield f"{where} requestBody {media}", content.get("schema", {})
            for status, response in operation.get("responses", {}).items():
                for media, content in response.get("content", {}).items():
                    yield f"{where} {status} {media}", content.get("schema", {})
                for header, spec in response.get("headers", {}).items():
                    yield f"{where} {status} header {header}", spec.get("schema", {})


def keywords_of(schema: Any) -> Iterator[str]:
    """Every keyword used in a schema and its subschemas (property *names* excluded)."""
    if not isinstance(schema, Mapping):
        return
    for key, value in schema.items():
        yield key
        if key == "properties":
            for sub in value.values():
                yield from keywords_of(sub)
        elif key in ("items", "not", "additionalProperties"):
            yield from keywords_of(value)
        elif key in ("allOf", "oneOf", "anyOf"):
            for sub in value:
                yield from keywords_of(sub)


def all_keys(node: Any, skip_children_of: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every mapping key in a document, not descending into names (properties, schemas)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield key
            if key not in skip_children_of:
                yield from all_keys(value, skip_children_of)
            elif isinstance(value, Mapping):
                for sub in value.values():
                    yield from all_keys(sub, skip_children_of)
    elif isinstance(node, list):
        for item in node:
            yield from all_keys(item, skip_children_of)


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


# What API Gateway substitutes, verbatim (gateway response templates are not Velocity,
# nothing is escaped): messageString is documented as the *quoted* message; the
# validation string is bare text that quotes the client's own values.
MESSAGE_STRING = '"Invalid request body"'
VALIDATION_ERROR_STRING = '[instance value ("a\\"b") not found in enum (possible values: ["x"])]'


def render_context(template: str) -> str:
    """A gateway response template with sample values for API Gateway's variables."""
    return template.replace("$context.error.messageString", MESSAGE_STRING).replace(
        "$context.error.validationErrorString", VALIDATION_ERROR_STRING
    )


def operation(method: str, path: str, class_name: str, **extra: Any) -> Operation:
    """A hand-built operation: only what the DefinitionBody reads is meaningful."""
    return Operation(
        operation_id=class_name[:1].lower() + class_name[1:],
        method=method,
        path=path,
        summary="",
        tags=(),
        handler=HandlerRef("things.handler", "handler"),
        python_name=re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower(),
        class_name=class_name,
        parameters=extra.get("parameters", ()),
        request_body=extra.get("request_body"),
        responses=extra.get("responses", ()),
        table_access=(),
        pointer=f"/paths/{path.replace('/', '~1')}/{method.lower()}",
        security=extra.get("security", ()),
    )


# --- integrations ---------------------------------------------------------------------------


def test_every_operation_invokes_its_function_with_aws_proxy(
    api: Api, body: dict[str, Any]
) -> None:
    for op in api.operations:
        spec_op = body["paths"][op.path][op.method.lower()]
        integration = spec_op[INTEGRATION]
        assert integration["type"] == "aws_proxy"
        assert integration["httpMethod"] == "POST"
        # The function's alias `live`, which CodeDeploy shifts, never the function itself.
        uri, variables = integration["uri"]["Fn::Sub"]
        assert "/functions/${FunctionAlias}/invocations" in uri
        assert variables == {"FunctionAlias": {"Ref": f"{function_logical_id(op)}.Alias"}}
        assert uri.startswith("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/")
        assert uri.endswith("/invocations")
        assert spec_op["x-amazon-apigateway-request-validator"] == "all"


def test_request_validator_all_checks_body_and_parameters(body: dict[str, Any]) -> None:
    assert body["x-amazon-apigateway-request-validators"] == {
        "all": {"validateRequestBody": True, "validateRequestParameters": True}
    }


def test_body_paths_and_methods_are_the_specs_plus_mocks(api: Api, body: dict[str, Any]) -> None:
    spec_paths = api.document["paths"]
    for path, item in spec_paths.items():
        spec_methods = {m for m in item if m in HTTP_METHODS}
        body_methods = {m for m in body["paths"][path] if m in HTTP_METHODS}
        assert body_methods == spec_methods | {"options"}
    assert set(body["paths"]) == set(spec_paths) | {"/", CATCH_ALL_PATH}


# --- gateway responses ----------------------------------------------------------------------


def test_gateway_responses_carry_cors_and_the_message_envelope(
    api: Api, body: dict[str, Any]
) -> None:
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert set(responses) >= GATEWAY_RESPONSE_TYPES
    for response_type, response in responses.items():
        headers = response["responseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
        assert "gatewayresponse.header.Access-Control-Allow-Headers" in headers
        exposed = headers["gatewayresponse.header.Access-Control-Expose-Headers"]
        assert exposed == f"'{expose_headers(api)}'", response_type
        rendered = json.loads(render_context(response["responseTemplates"]["application/json"]))
        assert isinstance(rendered["message"], str), response_type


def test_default_gateway_responses_keep_their_own_status_codes(body: dict[str, Any]) -> None:
    # A statusCode on DEFAULT_4XX/5XX would change the status of every other 4XX/5XX.
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert "statusCode" not in responses["DEFAULT_4XX"]
    assert "statusCode" not in responses["DEFAULT_5XX"]


def test_gateway_response_statuses_and_details(body: dict[str, Any]) -> None:
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert responses["BAD_REQUEST_BODY"]["statusCode"] == "400"
    assert responses["REQUEST_TOO_LARGE"]["statusCode"] == "413"
    assert responses["UNSUPPORTED_MEDIA_TYPE"]["statusCode"] == "415"
    assert responses["THROTTLED"]["statusCode"] == "429"
    too_large = responses["REQUEST_TOO_LARGE"]["responseTemplates"]["application/json"]
    assert json.loads(too_large) == {"message": "Request too large"}  # as the local 413
    bad_body = responses["BAD_REQUEST_BODY"]["responseTemplates"]["application/json"]
    rendered = json.loads(render_context(bad_body))
    assert rendered == {
        "message": "Invalid request",
        "errors": [{"location": "body", "detail": "Invalid request body"}],
    }


def test_templates_stay_json_whatever_text_api_gateway_substitutes(body: dict[str, Any]) -> None:
    # Only already-quoted JSON values may be substituted into a template: the validation
    # string of a body holding a double quote would otherwise end the JSON string early.
    for kind, response in body["x-amazon-apigateway-gateway-responses"].items():
        template = response["responseTemplates"]["application/json"]
        assert "validationErrorString" not in template, kind
        json.loads(render_context(template))


def test_the_sample_breaks_a_quoted_validation_string() -> None:
    # The check above can fail: the old BAD_REQUEST_BODY template is not JSON once rendered.
    old = (
        '{"message":"Invalid request","errors":[{"detail":"$context.error.validationErrorString"}]}'
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(render_context(old))


def test_gateway_responses_use_the_given_cors_headers() -> None:
    cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Location"}
    entry = gateway_responses(cors)["REQUEST_TOO_LARGE"]
    assert entry["responseParameters"] == {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
        "gatewayresponse.header.Access-Control-Expose-Headers": "'Location'",
        # The request id, mapped from the context (unquoted: not a literal).
        "gatewayresponse.header.x-amzn-RequestId": "context.requestId",
    }


def test_every_gateway_response_names_the_request_and_exposes_it(api: Api) -> None:
    body = definition_body(api)
    cors = cors_headers(api)
    assert "x-amzn-RequestId" in cors["Access-Control-Expose-Headers"].split(",")
    for kind, entry in body[GATEWAY_RESPONSES].items():
        parameters = entry["responseParameters"]
        assert parameters["gatewayresponse.header.x-amzn-RequestId"] == "context.requestId", kind


# --- mocks: preflight, 405, 404 -------------------------------------------------------------


def mapped_headers(method: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """(status, header -> static value) the mock integration answers with."""
    default = method[INTEGRATION]["responses"]["default"]
    prefix = "method.response.header."
    headers = {
        key[len(prefix) :]: value.strip("'") for key, value in default["responseParameters"].items()
    }
    return default["statusCode"], headers


def test_mock_methods_declare_every_header_they_map(body: dict[str, Any]) -> None:
    # API Gateway refuses a mapping to a header the method response does not declare.
    for path, item in body["paths"].items():
        for key, method in item.items():
            if not isinstance(method, Mapping) or method.get(INTEGRATION, {}).get("type") != "mock":
                continue
            status, headers = mapped_headers(method)
            declared = method["responses"][status].get("headers", {})
            assert set(headers) == set(declared), (path, key)


def test_mocks_answer_every_mapped_media_type_and_refuse_others_with_415(
    api: Api, body: dict[str, Any]
) -> None:
    # A MOCK reads its status from the mapped request; a body passed through unmapped
    # leaves it nothing to read (a 500), so: a constant template per media type, and
    # `never` for the rest (a clean 415 with CORS from the gateway responses).
    expected = dict.fromkeys(mock_media_types(api), MOCK_REQUEST_TEMPLATE)
    assert set(expected) >= {"application/json", "text/plain", "multipart/form-data"}
    assert set(expected) >= {"application/x-www-form-urlencoded", "application/xml"}
    mocks = 0
    for item in body["paths"].values():
        for method in item.values():
            integration = method.get(INTEGRATION, {}) if isinstance(method, Mapping) else {}
            if integration.get("type") != "mock":
                continue
            mocks += 1
            assert integration["requestTemplates"] == expected
            assert integration["passthroughBehavior"] == "never"
            assert json.loads(MOCK_REQUEST_TEMPLATE) == {"statusCode": 200}
    assert mocks == 2 * len(api.document["paths"]) + 2  # preflight + 405 each, 404 twice


def test_mock_media_types_add_what_request_bodies_declare() -> None:
    xml_body = RequestBody(
        required=True,
        content={},
        pointer="/paths/~1things/post/requestBody",
        media_types=("application/vnd.thing+xml; v=2", "image/png"),
    )
    api = Api(
        "T",
        "1",
        Path("openapi.yaml"),
        {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/things": {}}},
        (operation("POST", "/things", "CreateThing", request_body=xml_body),),
    )
    assert mock_media_types(api) == sorted(
        {*MOCK_MEDIA_TYPES, "application/vnd.thing+xml", "image/png"}
    )
    body = definition_body(api)
    assert body[BINARY_MEDIA_TYPES] == ["image/png"]  # +xml is text, an image is not
    assert "requestBody" not in body["paths"]["/things"]["post"]  # nothing API Gateway models


def test_every_declared_path_answers_preflight_with_its_methods(
    api: Api, body: dict[str, Any]
) -> None:
    for path, item in api.document["paths"].items():
        methods = {m.upper() for m in item if m in HTTP_METHODS} | {"OPTIONS"}
        status, headers = mapped_headers(body["paths"][path]["options"])
        assert status == "204"
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert set(headers["Access-Control-Allow-Methods"].split(",")) == methods
        assert headers["Access-Control-Allow-Headers"] == allow_headers(api)
        assert "Access-Control-Expose-Headers" not in headers  # read from actual responses


def test_undeclared_methods_get_405_with_allow(api: Api, body: dict[str, Any]) -> None:
    for path, item in api.document["paths"].items():
        methods = {m.upper() for m in item if m in HTTP_METHODS} | {"OPTIONS"}
        any_method = body["paths"][path][ANY_METHOD]
        status, headers = mapped_headers(any_method)
        assert status == "405"
        assert set(headers["Allow"].split(", ")) == methods
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert headers["Access-Control-Expose-Headers"] == expose_headers(api)
        template = any_method[INTEGRATION]["responses"]["default"]["responseTemplates"]
        assert json.loads(template["application/json"]) == {"message": "Method not allowed"}


@pytest.mark.parametrize("path", ["/", CATCH_ALL_PATH])
def test_unknown_paths_get_404(body: dict[str, Any], path: str) -> None:
    item = body["paths"][path]
    assert [k for k in item if k in HTTP_METHODS] == []  # only ANY: nothing else can match
    status, headers = mapped_headers(item[ANY_METHOD])
    assert status == "404"
    assert headers["Access-Control-Allow-Origin"] == "*"
    template = item[ANY_METHOD][INTEGRATION]["responses"]["default"]["responseTemplates"]
    assert json.loads(template["application/json"]) == {"message": "Not found"}


def test_catch_all_declares_its_greedy_parameter(body: dict[str, Any]) -> None:
    assert body["paths"][CATCH_ALL_PATH]["parameters"] == [
        {"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}
    ]


# --- stripped for API Gateway ---------------------------------------------------------------


def test_no_schema_uses_a_keyword_api_gateway_rejects(body: dict[str, Any]) -> None:
    for where, schema in schemas_in(body):
        used = set(keywords_of(schema)) & FORBIDDEN_SCHEMA_KEYWORDS
        assert not used, f"{where}: {sorted(used)}"


def test_only_api_gateway_extensions_and_no_examples_or_links(body: dict[str, Any]) -> None:
    keys = set(all_keys(body, frozenset({"properties", "schemas"})))
    extensions = {key for key in keys if key.startswith("x-")}
    assert all(key.startswith("x-amazon-apigateway-") for key in extensions), extensions
    assert not keys & {"links", "example", "examples", "servers"}


def test_model_names_are_alphanumeric_and_every_ref_resolves(body: dict[str, Any]) -> None:
    models = body["components"]["schemas"]
    assert all(re.fullmatch(r"[A-Za-z0-9]+", name) for name in models)
    for ref in refs_in(body):
        assert ref.startswith("#/components/schemas/"), ref  # responses etc. are inlined
        assert ref.removeprefix("#/components/schemas/") in models, ref


def test_spec_document_is_not_mutated(api: Api) -> None:
    before = copy.deepcopy(api.document)
    definition_body(api)
    assert api.document == before
    assert "x-handler" in api.document["paths"]["/hello"]["get"]


def test_output_is_deterministic(api: Api) -> None:
    first = json.dumps(definition_body(api))
    assert json.dumps(definition_body(parse_api(SPEC))) == first


# --- down-conversion of a hostile document --------------------------------------------------

HOSTILE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "T", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:3000"}],
    "x-codegen": {"tables": {}},
    "paths": {
        "/things": {
            "post": {
                "operationId": "createThing",
                "x-handler": "things.handler.handler",
                "x-codegen-dynamodb": {"table": "T", "actions": ["PutItem"]},
                "parameters": [
                    {"$ref": "#/components/parameters/Trace"},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "requestBody": {"$ref": "#/components/requestBodies/Thing"},
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing_v2"},
                                "example": {"id": "x"},
                            }
                        },
                        "links": {"Get": {"operationId": "getThing"}},
                    },
                    "4XX": {"description": "client error"},
                    "default": {"$ref": "#/components/responses/Oops"},
                },
            }
        }
    },
    "components": {
        "parameters": {
            "Trace": {
                "name": "X-Trace-Id",
                "in": "header",
                "schema": {"type": "string", "format": "uuid", "example": "abc"},
            }
        },
        "requestBodies": {
            "Thing": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Thing_v2"}}
                },
            }
        },
        "responses": {"Oops": {"description": "oops"}},
        "schemas": {
            "Thing_v2": {
                "type": "object",
                "required": ["id", "secret", "price"],
                "additionalProperties": False,
                "discriminator": {"propertyName": "kind"},
                "example": {"id": "1"},
                "x-codegen-note": "internal",
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "secret": {"$ref": "#/components/schemas/Secret"},
                    "price": {
                        "type": "number",
                        "format": "decimal",
                        "minimum": 0,
                        "exclusiveMinimum": True,
                    },
                    "count": {"type": "number", "format": "int32"},
                    "kind": {"type": "string", "enum": ["a", "b"], "nullable": True},
                    "note": {"type": "string", "nullable": True, "maxLength": 5},
                    "shape": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                    "either": {"anyOf": [{"type": "string"}], "description": "kept"},
                    "example": {"type": "string", "example": "a property named example"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                },
            },
            "Secret": {"type": "string", "writeOnly": True},
            "Tag": {"type": "string", "examples": ["x"]},
            "Tag.": {"type": "integer"},  # sanitises to "Tag", which is taken
        },
    },
}


@pytest.fixture(scope="module")
def hostile_body() -> dict[str, Any]:
    header = Parameter(
        name="X-Trace-Id",
        location="header",
        required=False,
        schema={"type": "string"},
        style="simple",
        explode=False,
        python_name="x_trace_id",
        pointer="/components/parameters/Trace",
    )
    request_body = RequestBody(
        required=True,
        content={"application/json": {"$ref": "#/components/schemas/Thing_v2"}},
        pointer="/components/requestBodies/Thing",
        media_types=("application/json; charset=utf-8", "application/xml"),
        json_media_type="application/json; charset=utf-8",
    )
    api = Api(
        title="T",
        version="1",
        spec_path=Path("openapi.yaml"),
        document=copy.deepcopy(HOSTILE),
        operations=(
            operation(
                "POST", "/things", "CreateThing", parameters=(header,), request_body=request_body
            ),
        ),
    )
    body = definition_body(api)
    assert api.document == HOSTILE  # untouched
    return body


def test_hostile_schemas_are_down_converted(hostile_body: dict[str, Any]) -> None:
    models = hostile_body["components"]["schemas"]
    assert list(models) == ["Thingv2", "Secret", "Tag", "Tag2"]
    thing = models["Thingv2"]
    assert thing["required"] == ["price"]  # readOnly id and writeOnly secret (via $ref) dropped
    assert set(thing) == {"type", "required", "properties"}
    props = thing["properties"]
    assert props["price"] == {"type": "number", "minimum": 0}
    assert props["count"] == {"type": "number"}
    assert props["kind"] == {"enum": ["a", "b", None]}  # nullable: no type, null allowed
    assert props["note"] == {"maxLength": 5}
    assert props["shape"] == {}
    assert props["either"] == {"description": "kept"}
    assert props["example"] == {"type": "string"}  # a property may be *named* example
    assert props["tags"] == {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}
    assert props["secret"] == {"$ref": "#/components/schemas/Secret"}
    assert models["Secret"] == {"type": "string"}
    assert models["Tag"] == {"type": "string"}
    for where, schema in schemas_in(hostile_body):
        assert not set(keywords_of(schema)) & FORBIDDEN_SCHEMA_KEYWORDS, where


def test_hostile_operation_is_inlined_and_cleaned(hostile_body: dict[str, Any]) -> None:
    post = hostile_body["paths"]["/things"]["post"]
    assert [p["name"] for p in post["parameters"]] == ["X-Trace-Id"]  # cookie dropped
    assert post["parameters"][0]["schema"] == {"type": "string"}
    assert post["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thingv2"}}},
        "required": True,
    }
    assert list(post["responses"]) == ["201"]  # `4XX`, `default` are not method responses
    assert post["responses"]["201"] == {
        "description": "made",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thingv2"}}},
    }
    assert "servers" not in hostile_body
    keys = set(all_keys(hostile_body, frozenset({"properties", "schemas"})))
    assert not {k for k in keys if k.startswith("x-") and not k.startswith("x-amazon-apigateway-")}


def test_declared_header_parameters_join_cors_allow_headers(hostile_body: dict[str, Any]) -> None:
    _status, headers = mapped_headers(hostile_body["paths"]["/things"]["options"])
    assert headers["Access-Control-Allow-Headers"] == (
        "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key,X-Trace-Id"
    )


# --- security -------------------------------------------------------------------------------

KEY = SecurityScheme("key", "api_key", "/components/securitySchemes/key")
POOL = SecurityScheme("pool", "cognito", "/components/securitySchemes/pool")


def secured_body(*operations: Operation) -> dict[str, Any]:
    document = copy.deepcopy(HOSTILE)
    document["paths"]["/things"]["get"] = {"operationId": "listThings", "responses": {}}
    api = Api("T", "1", Path("openapi.yaml"), document, operations)
    return definition_body(api)


def test_api_keys_and_cognito_are_rendered_as_api_gateway_imports_them() -> None:
    body = secured_body(
        operation("POST", "/things", "CreateThing", security=(SecurityRequirement(KEY),)),
        operation(
            "GET",
            "/things",
            "ListThings",
            security=(SecurityRequirement(KEY), SecurityRequirement(POOL, ("things/read",))),
        ),
    )
    assert body[API_KEY_SOURCE] == "HEADER"
    assert body["components"]["securitySchemes"] == {
        "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "pool": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {
                "type": "cognito_user_pools",
                # The stack's own pool unless a deployer passes one (auth_template).
                "providerARNs": [
                    {
                        "Fn::If": [
                            "CreateUserPool",
                            {"Fn::GetAtt": ["UserPool", "Arn"]},
                            {"Ref": USER_POOL_PARAMETER},
                        ]
                    }
                ],
            },
        },
    }
    paths = body["paths"]["/things"]
    assert paths["post"]["security"] == [{"key": []}]
    assert paths["get"]["security"] == [{"key": [], "pool": ["things/read"]}]  # both required
    for key in ("options", ANY_METHOD):
        assert "security" not in paths[key]  # preflight and 405 stay open
    assert "security" not in body  # never inherited by the mocks


def test_the_users_operations_are_secured_and_hello_is_not(body: dict[str, Any]) -> None:
    assert set(body["components"]["securitySchemes"]) == {"UsersAuth", "ApiKey"}
    assert body[API_KEY_SOURCE] == "HEADER"
    assert "security" not in body["paths"]["/hello"]["get"]  # `security: []`: public
    assert body["paths"]["/users"]["get"]["security"] == [
        {"UsersAuth": ["users/read"], "ApiKey": []}
    ]
    assert body["paths"]["/users/{id}"]["delete"]["security"] == [
        {"UsersAuth": ["users/write"], "ApiKey": []}
    ]
    for item in body["paths"].values():  # gateway mocks (preflight, 404/405) stay open
        for key in ("options", ANY_METHOD):
            assert "security" not in item.get(key, {})


def test_root_security_of_the_document_is_not_copied() -> None:
    body = secured_body(operation("POST", "/things", "CreateThing"))
    assert "security" not in body and "securitySchemes" not in body.get("components", {})


def test_callbacks_are_refused_rather_than_silently_dropped() -> None:
    document = copy.deepcopy(HOSTILE)
    document["paths"]["/things"]["post"]["callbacks"] = {"done": {}}
    api = Api(
        "T", "1", Path("openapi.yaml"), document, (operation("POST", "/things", "CreateThing"),)
    )
    with pytest.raises(SpecError, match="callbacks") as raised:
        definition_body(api)
    assert raised.value.pointer == "/paths/~1things/post/callbacks"


# --- CORS ---------------------------------------------------------------------------------


def test_declared_response_headers_are_exposed() -> None:
    responses = (Response("200", "ok", {}, {"X-Rate-Limit": {}, "Content-Type": {}, "ETag": {}}),)
    api = Api(
        "T",
        "1",
        Path("openapi.yaml"),
        {"paths": {}},
        (operation("GET", "/things", "ListThings", responses=responses),),
    )
    # Safelisted response headers (Content-Type) need no exposing; the rest do.
    assert expose_headers(api) == "Allow,ETag,Location,Retry-After,x-amzn-RequestId,X-Rate-Limit"
    assert cors_headers(api)["Access-Control-Expose-Headers"] == expose_headers(api)
