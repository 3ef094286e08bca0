"""The gateway's own answers, read from the DefinitionBody that is deployed.

`codegen.render.cloudformation.apigw.definition_body(api)` renders the API Gateway REST
definition that template.yaml deploys. Besides the Lambda (`aws_proxy`) methods it declares what API
Gateway answers by itself, and this module turns those declarations into responses:

- mock integrations (`x-amazon-apigateway-integration: {type: mock}`): the OPTIONS
  preflight (204 + CORS headers), `x-amazon-apigateway-any-method` (405 + `Allow` on a
  known path, 404 on `/` and the `/{proxy+}` catch-all). A mock answers with its `default`
  response: `statusCode`, `responseParameters` (`method.response.header.X: "'literal'"`)
  and `responseTemplates["application/json"]`, provided a request template maps the
  request's media type (parameters ignored; no Content-Type counts as application/json).
  Otherwise `passthroughBehavior` decides, as AWS documents it: `never`, or
  `when_no_templates` with templates defined, is UNSUPPORTED_MEDIA_TYPE (415); a body
  passed through (`when_no_match`) leaves the mock without a `statusCode` to read, which
  API Gateway answers with a 500 ("Unable to parse statusCode").
- gateway responses (`x-amazon-apigateway-gateway-responses`): status, headers and body
  template per response type, falling back to DEFAULT_4XX / DEFAULT_5XX as API Gateway
  does. `$context.error.messageString` is substituted as the quoted JSON string it is,
  `$context.error.validationErrorString` as the bare text it is.
- security (`components.securitySchemes` + each method's `security`): which methods
  require an API key (`x-api-key`) and which a Cognito user pools token (`Authorization`).
- binary media types (`x-amazon-apigateway-binary-media-types`): request bodies of those
  types reach the Lambda base64-encoded.

Precedence, as API Gateway applies it: a method declared on the resource, then ANY.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from werkzeug.wrappers import Response

from codegen.openapi.aws_names import (
    ANY_METHOD,
    AUTHTYPE,
    BINARY_MEDIA_TYPES,
    GATEWAY_RESPONSES,
    INTEGRATION,
)
from codegen.openapi.http import HTTP_METHODS, JSON_MEDIA_TYPE, bare_media_type

ANY = "ANY"

# API Gateway's built-in status and message per response type (used when the definition
# does not override them).
BUILT_IN: Mapping[str, tuple[int, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Unsupported Media Type"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long"),
    "UNAUTHORIZED": (401, "Unauthorized"),
    "INVALID_API_KEY": (403, "Forbidden"),
    "DEFAULT_5XX": (502, "Internal server error"),
}
HEADER_PREFIXES = ("method.response.header.", "gatewayresponse.header.")


def _literal_headers(parameters: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """`{"method.response.header.Allow": "'GET, OPTIONS'"}` -> `(("Allow", "GET, OPTIONS"),)`."""
    headers: list[tuple[str, str]] = []
    for key, value in parameters.items():
        prefix = next((p for p in HEADER_PREFIXES if key.startswith(p)), None)
        text = str(value)
        if prefix and len(text) >= 2 and text[0] == text[-1] == "'":
            headers.append((key[len(prefix) :], text[1:-1]))
    return tuple(headers)


def _json_response(status: int, headers: tuple[tuple[str, str], ...], body: str) -> Response:
    """API Gateway labels its own answers application/json unless a header says otherwise."""
    names = {name.lower() for name, _ in headers}
    extra = [] if "content-type" in names else [("Content-Type", "application/json")]
    return Response(body, status=status, headers=[*headers, *extra])


MockOutcome = Literal["mapped", "unsupported", "unparseable"]


def request_media_type(content_type: str | None) -> str:
    """The media type a request counts as: parameters dropped, lower case, JSON if absent."""
    return bare_media_type(content_type) or JSON_MEDIA_TYPE


@dataclass(frozen=True)
class MockIntegration:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str
    request_media_types: frozenset[str]
    passthrough: str  # when_no_match | when_no_templates | never

    @classmethod
    def from_operation(cls, operation: Mapping[str, Any]) -> MockIntegration | None:
        integration = operation.get(INTEGRATION)
        if not isinstance(integration, Mapping) or integration.get("type") != "mock":
            return None
        default = integration.get("responses", {}).get("default", {})
        templates = integration.get("requestTemplates", {})
        return cls(
            status=int(default.get("statusCode", 200)),
            headers=_literal_headers(default.get("responseParameters", {})),
            body=str(default.get("responseTemplates", {}).get("application/json", "")),
            request_media_types=frozenset(str(key).lower() for key in templates),
            passthrough=str(integration.get("passthroughBehavior", "when_no_match")).lower(),
        )

    def outcome(self, content_type: str | None) -> MockOutcome:
        """What API Gateway does with a request of this Content-Type on this mock."""
        if request_media_type(content_type) in self.request_media_types:
            return "mapped"
        if self.passthrough == "never" or (
            self.passthrough == "when_no_templates" and self.request_media_types
        ):
            return "unsupported"
        return "unparseable"  # passed through: no template produced a statusCode

    def accepts(self, content_type: str | None) -> bool:
        return self.outcome(content_type) == "mapped"

    def response(self) -> Response:
        return _json_response(self.status, self.headers, self.body)


@dataclass(frozen=True)
class MethodSecurity:
    """What a method requires before its Lambda runs."""

    api_key: bool = False  # apiKeyRequired: an x-api-key header (403 Forbidden without)
    authorizer: bool = False  # Cognito user pools: an Authorization token (401 without)
    scopes: tuple[str, ...] = ()  # the method's authorizationScopes (any one suffices)
    lambda_authorizer: str | None = None  # a custom (REQUEST) authorizer's scheme name


def _security(body: Mapping[str, Any]) -> dict[tuple[str, str], MethodSecurity]:
    schemes = (body.get("components") or {}).get("securitySchemes") or {}
    found: dict[tuple[str, str], MethodSecurity] = {}
    for path, item in (body.get("paths") or {}).items():
        for method in HTTP_METHODS:
            requirements = (item.get(method) or {}).get("security") or []
            names = {name for requirement in requirements for name in requirement}
            kinds = [schemes.get(name) or {} for name in names]
            security = MethodSecurity(
                api_key=any(
                    kind.get("type") == "apiKey"
                    and AUTHTYPE not in kind
                    and str(kind.get("name", "")).lower() == "x-api-key"
                    for kind in kinds
                ),
                authorizer=any(kind.get(AUTHTYPE) == "cognito_user_pools" for kind in kinds),
                scopes=tuple(
                    dict.fromkeys(
                        str(scope)
                        for requirement in requirements
                        for name, scopes in requirement.items()
                        if AUTHTYPE in (schemes.get(name) or {})
                        for scope in scopes or ()
                    )
                ),
                lambda_authorizer=next(
                    (n for n in sorted(names) if (schemes.get(n) or {}).get(AUTHTYPE) == "custom"),
                    None,
                ),
            )
            if security != MethodSecurity():
                found[(str(path), method.upper())] = security
    return found


@dataclass(frozen=True)
class GatewayResponse:
    status: int | None
    headers: tuple[tuple[str, str], ...]
    template: str | None


@dataclass(frozen=True)
class GatewayDefinition:
    """Mocks per resource and method (or ANY), and the gateway responses."""

    mocks: Mapping[str, Mapping[str, MockIntegration]] = field(default_factory=dict)
    gateway_responses: Mapping[str, GatewayResponse] = field(default_factory=dict)
    security: Mapping[tuple[str, str], MethodSecurity] = field(default_factory=dict)
    binary_media_types: frozenset[str] = frozenset()

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> GatewayDefinition:
        mocks: dict[str, dict[str, MockIntegration]] = {}
        for path, item in (body.get("paths") or {}).items():
            for key in (*HTTP_METHODS, ANY_METHOD):
                mock = MockIntegration.from_operation(item.get(key) or {})
                if mock is not None:
                    method = ANY if key == ANY_METHOD else key.upper()
                    mocks.setdefault(str(path), {})[method] = mock
        responses = {
            str(kind): GatewayResponse(
                status=int(spec["statusCode"]) if "statusCode" in spec else None,
                headers=_literal_headers(spec.get("responseParameters", {})),
                template=spec.get("responseTemplates", {}).get("application/json"),
            )
            for kind, spec in (body.get(GATEWAY_RESPONSES) or {}).items()
        }
        binary = frozenset(str(t).lower() for t in body.get(BINARY_MEDIA_TYPES) or ())
        return cls(mocks, responses, _security(body), binary)

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(self.mocks)

    def method_security(self, resource: str, method: str) -> MethodSecurity:
        return self.security.get((resource, method.upper()), MethodSecurity())

    def mock(self, resource: str, method: str) -> MockIntegration | None:
        methods = self.mocks.get(resource, {})
        return methods.get(method.upper()) or methods.get(ANY)

    def _lookup(self, kind: str, status: int) -> GatewayResponse | None:
        default_kind = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        return self.gateway_responses.get(kind) or self.gateway_responses.get(default_kind)

    def respond(self, kind: str, status: int | None = None, message: str | None = None) -> Response:
        """The gateway response of `kind` (e.g. MISSING_AUTHENTICATION_TOKEN) as deployed."""
        built_in_status, built_in_message = BUILT_IN.get(kind, (500, "Internal server error"))
        status = status or built_in_status
        message = message or built_in_message
        found = self._lookup(kind, status)
        if found is None or found.template is None:
            return _json_response(
                status, found.headers if found else (), json.dumps({"message": message})
            )
        body = found.template.replace("$context.error.messageString", json.dumps(message)).replace(
            "$context.error.validationErrorString", message
        )
        return _json_response(found.status or status, found.headers, body)

    @property
    def cors_headers(self) -> tuple[tuple[str, str], ...]:
        """The CORS headers of the gateway's own 4XX answers (also used for /openapi.*)."""
        found = self.gateway_responses.get("DEFAULT_4XX")
        return found.headers if found else (("Access-Control-Allow-Origin", "*"),)
