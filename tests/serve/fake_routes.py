"""A small route table in the shape of `generated.routes`, over `fake_handlers`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.render.cloudformation.apigw import MOCK_MEDIA_TYPES, MOCK_REQUEST_TEMPLATE
from codegen.serve.definition import GatewayDefinition

H = "tests.serve.fake_handlers."


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation_id: str
    handler: str
    operation_module: str = "unused"


ROUTES = (
    Route("GET", "/items", "listItems", H + "echo"),
    Route("POST", "/items", "createItem", H + "echo"),
    Route("GET", "/items/{id}", "getItem", H + "echo"),
    Route("DELETE", "/items/{id}", "deleteItem", H + "echo"),
    Route("GET", "/items/special", "getSpecial", H + "echo"),
    Route("GET", "/files/{path+}", "getFile", H + "echo"),
    Route("GET", "/raise", "raiser", H + "raises"),
    Route("GET", "/malformed", "malformed", H + "malformed"),
    Route("GET", "/multi", "multi", H + "multi_header"),
    Route("GET", "/binary", "binary", H + "binary"),
    Route("GET", "/missing", "missing", "tests.serve.no_such_module.handler"),
    Route("GET", "/users/{id}", "getUser", H + "user"),
    Route("GET", "/sleep", "sleep", H + "sleepy"),
    Route("GET", "/keyed", "keyed", H + "echo"),  # requires an API key
    Route("GET", "/pooled", "pooled", H + "echo"),  # requires a Cognito token
    Route("POST", "/both", "both", H + "echo"),  # requires both
)
SECURITY = {"/keyed": ["key"], "/pooled": ["pool"], "/both": ["key", "pool"]}
BINARY_MEDIA_TYPES = ["application/octet-stream"]


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Expose-Headers": "Location,x-amzn-RequestId",
}


def _mock(status: str, headers: dict[str, str], body: str | None = None) -> dict[str, Any]:
    """An operation with a mock integration, in API Gateway's extension format."""
    response: dict[str, Any] = {
        "statusCode": status,
        "responseParameters": {f"method.response.header.{k}": f"'{v}'" for k, v in headers.items()},
    }
    if body is not None:
        response["responseTemplates"] = {"application/json": body}
    return {
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": dict.fromkeys(MOCK_MEDIA_TYPES, MOCK_REQUEST_TEMPLATE),
            "passthroughBehavior": "never",
            "responses": {"default": response},
        }
    }


def _definition_body() -> dict[str, Any]:
    """A DefinitionBody like render.apigw renders: preflight + 405 per path, 404 catch-alls."""
    paths: dict[str, Any] = {}
    for route in ROUTES:
        method: dict[str, Any] = {"x-amazon-apigateway-integration": {"type": "aws_proxy"}}
        if route.path in SECURITY:
            method["security"] = [{key: [] for key in SECURITY[route.path]}]
        paths.setdefault(route.path, {})[route.method.lower()] = method
    for item in paths.values():
        methods = sorted({*(m.upper() for m in item), "OPTIONS"})
        preflight = {k: v for k, v in CORS.items() if k != "Access-Control-Expose-Headers"}
        item["options"] = _mock(
            "204",
            {
                **preflight,
                "Access-Control-Allow-Methods": ",".join(methods),
                "Access-Control-Max-Age": "600",
            },
        )
        item["x-amazon-apigateway-any-method"] = _mock(
            "405", {"Allow": ", ".join(methods), **CORS}, '{"message":"Method not allowed"}'
        )
    paths["/{proxy+}"] = {
        "x-amazon-apigateway-any-method": _mock("404", CORS, '{"message":"Not found"}')
    }
    gateway_headers = {f"gatewayresponse.header.{k}": f"'{v}'" for k, v in CORS.items()}
    template = {"application/json": '{"message":$context.error.messageString}'}
    return {
        "paths": paths,
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
                "pool": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "cognito_user_pools",
                    "x-amazon-apigateway-authorizer": {
                        "type": "cognito_user_pools",
                        "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/x"],
                    },
                },
            }
        },
        "x-amazon-apigateway-api-key-source": "HEADER",
        "x-amazon-apigateway-binary-media-types": BINARY_MEDIA_TYPES,
        "x-amazon-apigateway-gateway-responses": {
            "DEFAULT_4XX": {"responseParameters": gateway_headers, "responseTemplates": template},
            "DEFAULT_5XX": {"responseParameters": gateway_headers, "responseTemplates": template},
            "MISSING_AUTHENTICATION_TOKEN": {
                "statusCode": "404",
                "responseParameters": gateway_headers,
                "responseTemplates": {"application/json": '{"message":"Not found"}'},
            },
            "REQUEST_TOO_LARGE": {
                "statusCode": "413",
                "responseParameters": gateway_headers,
                "responseTemplates": {"application/json": '{"message":"Request too large"}'},
            },
            "UNSUPPORTED_MEDIA_TYPE": {
                "statusCode": "415",
                "responseParameters": gateway_headers,
                "responseTemplates": {
                    "application/json": '{"message":"Content-Type must be application/json"}'
                },
            },
        },
    }


DEFINITION_BODY = _definition_body()
DEFINITION = GatewayDefinition.from_body(DEFINITION_BODY)
