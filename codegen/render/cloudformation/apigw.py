"""API Gateway's DefinitionBody: the spec, made importable, plus `x-amazon-apigateway-*`.

`definition_body(api)` returns the inline OpenAPI document of the `AWS::Serverless::Api`
as plain JSON data; CloudFormation intrinsics are long-form dicts (`{"Fn::Sub": ...}`),
which `codegen.render.cloudformation.sam` prints as `!Sub`. What it adds to the spec:

- an `aws_proxy` integration per operation: with an inline DefinitionBody the SAM Api
  *event* only creates the Lambda permission (SAM adds integrations only to a body it
  generates itself);
- request validation (`all`) on every operation; API Gateway checks models and the
  presence of required parameters only, so it is a first line: the Lambda validates fully;
- gateway responses, so every response API Gateway makes itself carries the CORS
  headers, `x-amzn-RequestId` and the `{"message": ...}` envelope (by default they carry
  no CORS headers at all and browsers hide the real error);
- security: API keys (X-API-Key header) and Cognito user pools authorizers from the
  model's `Operation.security` (the parser refuses anything else);
- an OPTIONS preflight (mock) on every path, `x-amazon-apigateway-any-method` (mock, 405
  with `Allow`) on every path, and a mock 404 on `/` and `/{proxy+}`, each answering
  whatever the request's Content-Type among `mock_media_types`. Without them API
  Gateway answers both an unknown path and an undeclared method with 403 "Missing
  Authentication Token". Precedence: an explicitly declared method beats ANY on the same
  resource, and a declared resource beats the greedy `/{proxy+}` (which does not match
  `/` itself, hence the separate root entry).

Schemas are down-converted for API Gateway's draft-04 models
(`render/cloudformation/apigw_models.py`) in this body only; openapi.yaml and `Api.document`
are never changed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from codegen.openapi.aws_names import (
    ANY_METHOD,
    API_KEY_SOURCE,
    AUTHORIZER,
    AUTHTYPE,
    BINARY_MEDIA_TYPES,
    GATEWAY_RESPONSES,
    INTEGRATION,
    REQUEST_VALIDATOR,
    REQUEST_VALIDATORS,
    function_logical_id,
)
from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.http import JSON_MEDIA_TYPE, bare_media_type, is_json_media_type
from codegen.openapi.model import Api, Operation, RequestBody, SecurityScheme
from codegen.render.cloudformation import auth_resources, authorizer_resources
from codegen.render.cloudformation.apigw_models import ModelSchemas, Refs
from codegen.render.cloudformation.deployments import invocation_uri
from codegen.render.cors import cors_headers, preflight_headers

API_LOGICAL_ID = "Api"
VALIDATOR_NAME = "all"
CATCH_ALL_PATH = "/{proxy+}"
PREFLIGHT_MAX_AGE = "600"
# Every gateway response names the request, so a client can quote it in a bug report
# (the Lambda's answers carry it from generated.runtime): `context.requestId`, unquoted,
# is a mapping of the context variable, not a literal.
REQUEST_ID_HEADER = "x-amzn-RequestId"
REQUEST_ID_SOURCE = "context.requestId"
# The template parameter naming the Cognito user pool of `cognito` schemes (declared, with
# the pool the stack creates when it is empty, by codegen.render.cloudformation.auth_resources).
USER_POOL_PARAMETER = auth_resources.USER_POOL_PARAMETER
# What a mock's request template must produce: a MOCK integration reads the status of its
# integration response from the `statusCode` of the (mapped) request body, and answers
# 500 "Unable to parse statusCode" when there is none -- which is what a body passed
# through unmapped (passthroughBehavior when_no_match) gives it.
MOCK_REQUEST_TEMPLATE = '{"statusCode": 200}'
# Request media types the mocks (405, 404, preflight) map, on top of those the spec's
# request bodies declare. A REST API mapping template is selected by exact media type
# (no wildcard exists), so "any Content-Type" is this list: JSON (also what a request
# without Content-Type counts as), the three types a browser sends without a preflight
# (text/plain, form, multipart), XML and raw bytes. Anything else gets 415
# UNSUPPORTED_MEDIA_TYPE from passthroughBehavior `never` (with CORS and the JSON
# envelope), never a 500.
MOCK_MEDIA_TYPES = (
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "application/xml",
    "multipart/form-data",
    "text/plain",
    "text/xml",
)
# Request media types passed to the Lambda as text; any other type a request body declares
# is registered as binary, so API Gateway hands it over base64-encoded and intact.
_TEXT_MEDIA_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "application/xml", "application/javascript"}
)

_OPERATION_KEYS = ("operationId", "summary", "description", "tags")
_PARAMETER_KEYS = ("name", "in", "required", "description")
_STATUS_CODE = re.compile(r"^[1-5][0-9][0-9]$")


def definition_body(api: Api) -> dict[str, Any]:
    """The DefinitionBody of the API Gateway REST API rendered from `api`."""
    document = copy.deepcopy(dict(api.document))  # never mutate the caller's document
    refs = Refs(document)
    schemas = ModelSchemas(document, refs)
    cors = _cors_headers(api)
    body: dict[str, Any] = {
        "openapi": document.get("openapi", "3.0.1"),
        "info": _info(document),
        "paths": _paths(api, document, refs, schemas, cors),
        "components": {"schemas": schemas.components()},
        REQUEST_VALIDATORS: {
            VALIDATOR_NAME: {"validateRequestBody": True, "validateRequestParameters": True}
        },
        GATEWAY_RESPONSES: gateway_responses(cors),
    }
    security_schemes = {s.name: _security_scheme(api, s) for s in api.security_schemes}
    if security_schemes:
        body["components"]["securitySchemes"] = security_schemes
    if any(op.api_key_required for op in api.operations):
        # API keys come from the X-API-Key header (the other source, AUTHORIZER, needs a
        # Lambda authorizer); keys only work once a usage plan links them to the stage.
        body[API_KEY_SOURCE] = "HEADER"
    binary = binary_media_types(api)
    if binary:
        body[BINARY_MEDIA_TYPES] = binary
    if not body["components"]["schemas"]:
        del body["components"]["schemas"]
    if not body["components"]:
        del body["components"]
    return body


def binary_media_types(api: Api) -> list[str]:
    """Request media types API Gateway must treat as binary (base64 to the Lambda)."""
    return sorted(m for m in _request_media_types(api) if not _is_text(m))


def mock_media_types(api: Api) -> list[str]:
    """The request media types every mock maps (see MOCK_MEDIA_TYPES)."""
    return sorted({*MOCK_MEDIA_TYPES, *_request_media_types(api)})


def _request_media_types(api: Api) -> set[str]:
    """The bare media types of every request body the spec declares."""
    return {
        bare_media_type(media_type)
        for op in api.operations
        if op.request_body is not None
        for media_type in op.request_body.media_types
    }


def _is_text(media_type: str) -> bool:
    bare = bare_media_type(media_type)
    return (
        bare.startswith("text/")
        or bare in _TEXT_MEDIA_TYPES
        or bare.endswith(("+json", "+xml"))
        or is_json_media_type(bare)
    )


def _security_scheme(api: Api, scheme: SecurityScheme) -> dict[str, Any]:
    """A scheme as API Gateway's importer reads it (the shape SAM's own Auth renders).

    - API keys: `apiKey` in the `x-api-key` header; a method requiring the scheme gets
      apiKeyRequired.
    - Cognito: an `apiKey`-typed scheme on the Authorization header with
      `x-amazon-apigateway-authtype: cognito_user_pools` and the pool ARN(s); the scopes a
      method's requirement lists become its authorizationScopes, of which a token must
      carry at least one. With scopes, API Gateway accepts access tokens only; without,
      it takes the token for an ID token (AWS, "Integrate a REST API with an Amazon
      Cognito user pool").
    """
    if scheme.kind == "api_key":
        return {"type": "apiKey", "name": "x-api-key", "in": "header"}
    if scheme.authorizer is not None:  # a Lambda REQUEST authorizer
        return authorizer_resources.security_scheme(scheme.authorizer)
    return {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        AUTHTYPE: "cognito_user_pools",
        AUTHORIZER: {
            "type": "cognito_user_pools",
            "providerARNs": [auth_resources.user_pool_arn(api)],
        },
    }


def _fixed_message(text: str) -> str:
    return json.dumps({"message": text}, separators=(",", ":"))


# API Gateway's refusals before the Lambda runs, in the order it checks (codegen.serve.auth
# emulates them and cites the sources): the Cognito authorizer (UNAUTHORIZED, 401
# {"message":"Unauthorized"} for a missing, invalid or expired token and for one without
# the method's scopes), then the API key (INVALID_API_KEY, 403 {"message":"Forbidden"},
# missing or unknown key), then the usage plan's quota (QUOTA_EXCEEDED, 429). Each is
# declared so that it carries the CORS headers; statuses and messages are API Gateway's
# defaults. ACCESS_DENIED (an authorizer's or resource policy's deny) cannot happen with
# a Cognito authorizer and no resource policy, and is declared for the same reason.
AUTH_GATEWAY_RESPONSES: tuple[tuple[str, str | None, str], ...] = (
    ("UNAUTHORIZED", "401", _fixed_message("Unauthorized")),
    ("ACCESS_DENIED", "403", _fixed_message("Forbidden")),
    ("INVALID_API_KEY", "403", _fixed_message("Forbidden")),
    ("QUOTA_EXCEEDED", "429", _fixed_message("Too many requests")),
)


def gateway_responses(cors: Mapping[str, str]) -> dict[str, Any]:
    """Every response API Gateway makes itself: CORS headers + `{"message": ...}`.

    Gateway response templates are not run through Velocity: API Gateway only substitutes
    `$context`, `$stageVariables` and request parameters, and escapes nothing. So a
    variable goes inside JSON only if it is already a JSON value:
    `$context.error.messageString` is documented as "the quoted value of
    $context.error.message" and is used *without* quotes around it.
    `$context.error.validationErrorString` is a bare string that embeds parts of the
    client's body (e.g. `instance value ("a\"b") not found in enum`), so between quotes it
    can break the JSON: BAD_REQUEST_BODY uses messageString too, and the details stay in
    the execution logs (the Lambda, which validates fully, lists them in its own 400s).

    DEFAULT_4XX/5XX get no statusCode: setting one would change the status of every
    other 4XX/5XX response. REQUEST_TOO_LARGE is a valid gateway response type and is
    declared so that the intent is on record and the local server answers with it, but
    AWS's REST API important notes say customising the 413 is not currently supported:
    the deployed API may still answer with API Gateway's own 413 body.
    """
    message = '{"message":$context.error.messageString}'

    def fixed(text: str) -> str:
        return json.dumps({"message": text}, separators=(",", ":"))

    def invalid(location: str) -> str:
        return (
            '{"message":"Invalid request","errors":[{"location":"'
            + location
            + '","detail":$context.error.messageString}]}'
        )

    responses: list[tuple[str, str | None, str]] = [
        ("DEFAULT_4XX", None, message),
        ("DEFAULT_5XX", None, message),
        ("BAD_REQUEST_BODY", "400", invalid("body")),
        ("BAD_REQUEST_PARAMETERS", "400", invalid("parameters")),
        # No route matched: the API has no IAM auth, so this is a 404, not a 403.
        ("MISSING_AUTHENTICATION_TOKEN", "404", fixed("Not found")),
        ("RESOURCE_NOT_FOUND", "404", fixed("Not found")),
        ("REQUEST_TOO_LARGE", "413", fixed("Request too large")),
        ("UNSUPPORTED_MEDIA_TYPE", "415", fixed("Content-Type must be application/json")),
        ("THROTTLED", "429", fixed("Too many requests")),
        *AUTH_GATEWAY_RESPONSES,
        ("INTEGRATION_TIMEOUT", "504", fixed("Endpoint request timed out")),
    ]
    parameters = {f"gatewayresponse.header.{name}": _quoted(v) for name, v in cors.items()}
    parameters[f"gatewayresponse.header.{REQUEST_ID_HEADER}"] = REQUEST_ID_SOURCE
    result: dict[str, Any] = {}
    for response_type, status, template in responses:
        entry: dict[str, Any] = {} if status is None else {"statusCode": status}
        entry["responseParameters"] = dict(parameters)
        entry["responseTemplates"] = {"application/json": template}
        result[response_type] = entry
    return result


# --- paths ----------------------------------------------------------------------------------


def _paths(
    api: Api,
    document: Mapping[str, Any],
    refs: Refs,
    schemas: ModelSchemas,
    cors: Mapping[str, str],
) -> dict[str, Any]:
    by_path: dict[str, list[Operation]] = {}
    for operation in api.operations:
        by_path.setdefault(operation.path, []).append(operation)
    spec_paths = document.get("paths", {})
    media_types = mock_media_types(api)
    paths: dict[str, Any] = {}
    for path, operations in by_path.items():
        spec_item = refs.resolve(spec_paths.get(path, {}))
        item: dict[str, Any] = {}
        shared = _parameters(spec_item.get("parameters", ()), refs, schemas)
        if shared:
            item["parameters"] = shared
        for operation in operations:
            spec_operation = refs.resolve(spec_item.get(operation.method.lower(), {}))
            item[operation.method.lower()] = _operation(operation, spec_operation, refs, schemas)
        declared = [op.method.upper() for op in operations]
        if "OPTIONS" not in declared:
            item["options"] = _preflight(declared, api, media_types)
        item[ANY_METHOD] = _method_not_allowed(sorted({*declared, "OPTIONS"}), cors, media_types)
        paths[path] = item
    if "/" not in paths:
        paths["/"] = {ANY_METHOD: _not_found(cors, media_types)}
    if not any(path.endswith("+}") for path in paths):
        paths[CATCH_ALL_PATH] = {
            "parameters": [
                {"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            ANY_METHOD: _not_found(cors, media_types),
        }
    return paths


def _operation(
    operation: Operation, spec: Mapping[str, Any], refs: Refs, schemas: ModelSchemas
) -> dict[str, Any]:
    if "callbacks" in spec:
        raise SpecError(
            "callbacks are not supported by the API Gateway renderer",
            join_pointer(operation.pointer, "callbacks"),
        )
    out: dict[str, Any] = {key: copy.deepcopy(spec[key]) for key in _OPERATION_KEYS if key in spec}
    parameters = _parameters(spec.get("parameters", ()), refs, schemas)
    if parameters:
        out["parameters"] = parameters
    if operation.request_body is not None:
        description = refs.resolve(spec.get("requestBody")).get("description")
        request_body = _request_body(operation.request_body, description, schemas)
        if request_body is not None:
            out["requestBody"] = request_body
    out["responses"] = _responses(spec.get("responses", {}), refs, schemas)
    if operation.security:
        # One requirement object: every scheme in it is enforced (authorizer AND key).
        out["security"] = [{req.scheme.name: list(req.scopes) for req in operation.security}]
    out[REQUEST_VALIDATOR] = VALIDATOR_NAME
    out[INTEGRATION] = {
        "type": "aws_proxy",
        "httpMethod": "POST",  # Lambda is always invoked with POST, whatever the method
        # The alias, not the function: API traffic must go through the alias that
        # CodeDeploy shifts, or it bypasses the canary (SAM issue #2438).
        "uri": invocation_uri(function_logical_id(operation)),
        "passthroughBehavior": "when_no_match",
    }
    return out


def _parameters(
    spec_parameters: Iterable[Any], refs: Refs, schemas: ModelSchemas
) -> list[dict[str, Any]]:
    result = []
    for raw in spec_parameters:
        parameter = refs.resolve(raw)
        if parameter.get("in") == "cookie":
            continue  # API Gateway has no cookie parameters; the Lambda checks them
        out = {key: parameter[key] for key in _PARAMETER_KEYS if key in parameter}
        if _keys_of_its_own(parameter, refs):
            # `color[R]=1` or `R=1`: no query key carries the parameter's own name, so the
            # gateway cannot check that it is present; the Lambda does.
            out.pop("required", None)
        if "schema" in parameter:
            out["schema"] = schemas.convert(parameter["schema"])
        result.append(out)
    return result


def _keys_of_its_own(parameter: Mapping[str, Any], refs: Refs) -> bool:
    """A query object sent as deepObject, or as form exploded (one key per property)."""
    if parameter.get("in") != "query" or "schema" not in parameter:
        return False
    style = parameter.get("style", "form")
    if style == "deepObject":
        return True
    schema = refs.resolve(parameter["schema"])
    explode = parameter.get("explode", style == "form")
    return style == "form" and explode is True and schema.get("type") == "object"


def _request_body(
    body: RequestBody, description: Any, schemas: ModelSchemas
) -> dict[str, Any] | None:
    """What API Gateway can model of a body: its `application/json` schema, nothing else.

    Models are JSON Schema and are chosen by media type, so the JSON one is keyed
    `application/json` (parameters dropped) and the others (XML, forms, bytes) are left
    out: a media type listed without a schema could get API Gateway's `Empty` model and
    have a non-JSON body rejected as invalid JSON, where the Lambda hands it over as bytes.
    Other JSON media types (`text/json`, `application/merge-patch+json`) are left to the
    Lambda too, which checks each against its own schema: a request without Content-Type
    counts as application/json for API Gateway, so modelling `application/json` with the
    schema of a body that does not offer it would validate requests the Lambda refuses
    (415). None when the body offers no `application/json`.
    """
    if body.json_schema is None:
        return None
    out: dict[str, Any] = {}
    if isinstance(description, str):
        out["description"] = description
    out["content"] = {JSON_MEDIA_TYPE: {"schema": schemas.convert(body.json_schema)}}
    if body.required:
        out["required"] = True
    return out


def _responses(spec: Mapping[str, Any], refs: Refs, schemas: ModelSchemas) -> dict[str, Any]:
    """Method responses: numeric codes only (no `default`, `4XX`), no links or examples."""
    out: dict[str, Any] = {}
    for status, raw in spec.items():
        if not _STATUS_CODE.match(str(status)):
            continue
        response = refs.resolve(raw)  # API Gateway rejects a `$ref` as a whole response
        entry: dict[str, Any] = {"description": response.get("description", "")}
        headers = {
            name: _header(refs.resolve(header), schemas)
            for name, header in response.get("headers", {}).items()
        }
        if headers:
            entry["headers"] = headers
        if "content" in response:
            entry["content"] = _content(response["content"], schemas)
        out[str(status)] = entry
    return out or {"200": {"description": "Success"}}


def _header(spec: Mapping[str, Any], schemas: ModelSchemas) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "description" in spec:
        out["description"] = spec["description"]
    out["schema"] = schemas.convert(spec.get("schema", {"type": "string"}))
    return out


def _content(spec: Mapping[str, Any], schemas: ModelSchemas) -> dict[str, Any]:
    return {
        media_type: ({"schema": schemas.convert(media["schema"])} if "schema" in media else {})
        for media_type, media in spec.items()
    }


# --- mock integrations ----------------------------------------------------------------------


def _mock(
    status: str, parameters: Mapping[str, str], body: str | None, media_types: list[str]
) -> dict[str, Any]:
    """A mock integration whose default response is `status`, for any listed media type.

    A MOCK integration takes its status from the `statusCode` of the mapped request: the
    request template is what makes it answer at all ("Unable to parse statusCode"
    otherwise). Templates are chosen by the request's media type, so every media type in
    `media_types` gets the same constant template (it never reads the body), and
    `passthroughBehavior: never` turns any other media type into a clean 415
    (UNSUPPORTED_MEDIA_TYPE, with CORS) rather than a body passed through to a mock that
    cannot read a statusCode from it. A request without Content-Type counts as
    application/json (AWS, "Method request behavior for payloads without mapping
    templates").
    """
    response: dict[str, Any] = {
        "statusCode": status,
        "responseParameters": {
            f"method.response.header.{name}": _quoted(value) for name, value in parameters.items()
        },
    }
    if body is not None:
        response["responseTemplates"] = {"application/json": body}
    return {
        "type": "mock",
        "requestTemplates": {media_type: MOCK_REQUEST_TEMPLATE for media_type in media_types},
        "passthroughBehavior": "never",
        "responses": {"default": response},
    }


def _mock_method(
    summary: str,
    status: str,
    headers: Mapping[str, str],
    body: str | None,
    media_types: list[str],
) -> dict[str, Any]:
    return {
        "summary": summary,
        "responses": {
            status: {
                "description": summary,
                "headers": {name: {"schema": {"type": "string"}} for name in headers},
            }
        },
        INTEGRATION: _mock(status, headers, body, media_types),
    }


def _preflight(methods: list[str], api: Api, media_types: list[str]) -> dict[str, Any]:
    headers = preflight_headers(api, sorted({*methods, "OPTIONS"}), PREFLIGHT_MAX_AGE)
    return _mock_method("CORS preflight", "204", headers, None, media_types)


def _method_not_allowed(
    allowed: list[str], cors: Mapping[str, str], media_types: list[str]
) -> dict[str, Any]:
    headers = {"Allow": ", ".join(allowed), **cors}
    return _mock_method(
        "Method not allowed", "405", headers, '{"message":"Method not allowed"}', media_types
    )


def _not_found(cors: Mapping[str, str], media_types: list[str]) -> dict[str, Any]:
    return _mock_method("No such resource", "404", cors, '{"message":"Not found"}', media_types)


def _cors_headers(api: Api) -> dict[str, str]:
    return cors_headers(api)


def _quoted(value: str) -> str:
    """A static header value in a mapping: API Gateway wants it in single quotes."""
    return f"'{value}'"


def _info(document: Mapping[str, Any]) -> dict[str, Any]:
    info = document.get("info", {})
    out = {key: info[key] for key in ("title", "version") if key in info}
    if "description" in info:
        out["description"] = info["description"]
    return out
