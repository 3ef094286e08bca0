"""The parsed spec: what every renderer works from.

`codegen.openapi.parser.parse_api` builds an `Api` once from openapi.yaml; the renderers
(validators, stubs, routes, SAM template, local server, publisher) read only this
model, never the raw YAML file again. `Api.document` is the spec as written
(with its `$ref`s), kept for the renderers whose output *is* the document
(API Gateway's DefinitionBody, the published spec); it lacks the paths of the
operations API Gateway cannot deploy (`Api.skipped`), as `Api.operations` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from codegen.openapi.authorizers import LambdaAuthorizer
from codegen.openapi.client_teams import Client
from codegen.openapi.errors import join_pointer
from codegen.openapi.http import JSON_MEDIA_TYPE

ParameterLocation = Literal["path", "query", "header", "cookie"]
JsonObject = Mapping[str, Any]
SecurityKind = Literal["api_key", "cognito", "lambda"]


@dataclass(frozen=True)
class HandlerRef:
    """A Lambda handler named as `module.function`, relative to `src/`."""

    module: str  # e.g. "users.get_user"
    function: str  # e.g. "handler"

    @property
    def dotted(self) -> str:
        """The `Handler:` string of the SAM function, e.g. `users.get_user.handler`."""
        return f"{self.module}.{self.function}"

    @property
    def relative_path(self) -> Path:
        """The module's file relative to `src/`, e.g. `users/get_user.py`."""
        return Path(*self.module.split(".")).with_suffix(".py")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: ParameterLocation
    required: bool
    schema: JsonObject  # OpenAPI 3.0 schema as written (may hold $refs into components)
    style: str
    explode: bool
    python_name: str  # a valid, unique Python identifier for the typed request field
    pointer: str  # JSON pointer of the parameter in the spec, for messages
    # Declared with `content` (a JSON-encoded value, e.g. `?coordinates={"lat": 1}`): the
    # media type as written; `schema` is then that media type's schema.
    content_type: str | None = None
    # `allowEmptyValue` (OpenAPI: query parameters only): `?name=` counts as not sent.
    allow_empty_value: bool = False


@dataclass(frozen=True)
class RequestBody:
    """A request body, in the views its renderers need.

    `json_schemas` holds what the generated validators parse as JSON and check: for each
    media type that takes JSON (see `is_json_media_type`, plus a range such as `*/*` with
    an object or array schema), as written, its schema. Every other media type the spec
    offers is passed to the handler as bytes. `content` holds what API Gateway models:
    the schema of `application/json` alone, keyed `application/json` whatever parameters
    the spec wrote (`application/json; charset=utf-8`), empty when the spec offers no
    `application/json` (see `render/cloudformation/apigw.py` `_request_body`).
    `media_types` lists every media type the spec offers, as written, in spec order.
    """

    required: bool
    content: Mapping[str, JsonObject]  # "application/json" -> OpenAPI schema as written
    pointer: str
    media_types: tuple[str, ...] = ()  # every media type offered, in spec order
    json_media_type: str | None = None  # the application/json key as written, None: none
    # media type as written -> OpenAPI schema, for each one the Lambda parses as JSON
    json_schemas: Mapping[str, JsonObject] = field(default_factory=dict)

    @property
    def json_schema(self) -> JsonObject | None:
        """The schema of `application/json`, what API Gateway models (None: not offered)."""
        return self.content.get(JSON_MEDIA_TYPE)

    @property
    def schema_pointer(self) -> str | None:
        """JSON pointer of that schema in the spec, for messages."""
        if self.json_media_type is None:
            return None
        return self.schema_pointer_of(self.json_media_type)

    def schema_pointer_of(self, media_type: str) -> str:
        """JSON pointer of the schema of one of `json_schemas`, for messages."""
        return join_pointer(self.pointer, "content", media_type, "schema")


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str
    content: Mapping[str, JsonObject]  # media type -> OpenAPI schema as written
    headers: Mapping[str, JsonObject]  # header name -> OpenAPI schema as written


@dataclass(frozen=True)
class TableAccess:
    """DynamoDB actions an operation's function may call (least privilege)."""

    table: str  # logical id of a Table
    actions: tuple[str, ...]  # e.g. ("GetItem",); rendered as dynamodb:GetItem


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme the API Gateway renderer can enforce faithfully.

    - `api_key`: OpenAPI `apiKey` in the header `X-API-Key`, rendered as API Gateway API
      keys (read from that header only, with usage plans);
    - `cognito`: `oauth2`, `openIdConnect` or `http` `bearer`, rendered as an Amazon
      Cognito user pools authorizer on the `Authorization` header;
    - `lambda`: a whole requirement no native mechanism enforces, rendered as a Lambda
      REQUEST authorizer (`authorizer`; `name` is its name, codegen.openapi.authorizers).
    """

    name: str  # key under components.securitySchemes
    kind: SecurityKind
    pointer: str
    authorizer: LambdaAuthorizer | None = None  # kind "lambda" only


@dataclass(frozen=True)
class SecurityRequirement:
    """One scheme an operation requires, with the OAuth scopes it accepts.

    `scopes` has API Gateway's meaning: a token carrying any one of them passes (the
    parser refuses a requirement of all of several scopes, which cannot be enforced).
    """

    scheme: SecurityScheme
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case: GET, POST, ...
    path: str  # as in the spec: /users/{id}
    summary: str
    tags: tuple[str, ...]
    handler: HandlerRef
    python_name: str  # snake_case, unique: module name of its validator, e.g. get_user
    class_name: str  # PascalCase, unique: e.g. GetUser (-> GetUserRequest, GetUserFunction)
    parameters: tuple[Parameter, ...]  # path-level and operation-level, merged
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    table_access: tuple[TableAccess, ...]
    pointer: str  # e.g. /paths/~1users~1{id}/get
    # All required together (API Gateway enforces one authorizer *and* an API key, never
    # one of several alternatives); () = no authentication at the gateway.
    security: tuple[SecurityRequirement, ...] = ()

    @property
    def api_key_required(self) -> bool:
        return any(r.scheme.kind == "api_key" for r in self.security)

    @property
    def authorizer(self) -> SecurityRequirement | None:
        """The Cognito requirement (at most one per operation), if any."""
        return next((r for r in self.security if r.scheme.kind == "cognito"), None)

    @property
    def lambda_authorizer(self) -> LambdaAuthorizer | None:
        """The Lambda authorizer enforcing the whole requirement, if any."""
        return next((r.scheme.authorizer for r in self.security if r.scheme.authorizer), None)


@dataclass(frozen=True)
class SkippedOperation:
    """An operation of the spec that the generated API leaves out, and why.

    Its path is one API Gateway cannot build a resource for (`codegen.openapi.resource_paths`):
    rendered, the whole template would fail to deploy.
    """

    method: str  # upper case
    path: str
    pointer: str  # e.g. /paths/~1{provider}.json/get
    reason: str

    @property
    def warning(self) -> str:
        """The one line `generate` and `serve` print for it on stderr."""
        return " ".join(
            f"codegen: warning: {self.pointer}: {self.method} {self.path} is left out of "
            f"the API: {self.reason}".split()
        )


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: Literal["S", "N", "B"]


@dataclass(frozen=True)
class Table:
    logical_id: str  # e.g. UsersTable
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None
    environment: str  # env var that carries its name to the functions, e.g. TABLE_NAME
    # The attribute DynamoDB's Time to Live reads (epoch seconds), if items expire.
    ttl_attribute: str | None = None


@dataclass(frozen=True)
class Secret:
    """A generated secret (root `x-codegen.secrets`), handed to the functions' environment.

    Deployed, it is an `AWS::SecretsManager::Secret` whose value CloudFormation resolves
    into `environment` at deploy time; locally, `python -m codegen serve` sets a random
    value when the variable is unset.
    """

    logical_id: str  # e.g. CursorSecret
    environment: str  # env var that carries its value to the functions, e.g. CURSOR_SECRET
    description: str = ""


@dataclass(frozen=True)
class Observability:
    """Root `x-codegen.observability`: what operators see, declared once.

    The CloudWatch namespace of the functions' Embedded Metric Format lines (the dashboard
    and alarms read the same), the default application log level, and the default alarm
    thresholds (template parameters: operators may override them per stack).
    """

    namespace: str = "Api"
    log_level: Literal["DEBUG", "INFO"] = "INFO"
    latency_p99_ms: int = 1000  # API Gateway Latency p99 alarm, per method
    error_rate_percent: float = 1.0  # API Gateway 5XXError rate alarm, per method


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    spec_path: Path  # the openapi.yaml that was read
    # The spec as written, $refs intact, less the paths of the skipped operations.
    document: JsonObject
    operations: tuple[Operation, ...]
    tables: tuple[Table, ...] = field(default=())
    secrets: tuple[Secret, ...] = field(default=())
    clients: tuple[Client, ...] = field(
        default=()
    )  # x-codegen.clients (codegen.openapi.client_teams)
    observability: Observability = field(default_factory=Observability)
    # Operations left out: neither rendered, served, nor published (in spec order).
    skipped: tuple[SkippedOperation, ...] = field(default=())

    @property
    def security_schemes(self) -> tuple[SecurityScheme, ...]:
        """The schemes some operation requires, in order of first use."""
        found: dict[str, SecurityScheme] = {}
        for operation in self.operations:
            for requirement in operation.security:
                found.setdefault(requirement.scheme.name, requirement.scheme)
        return tuple(found.values())

    @property
    def authorizers(self) -> tuple[LambdaAuthorizer, ...]:
        """The Lambda authorizers some operation uses, once each, in order of first use."""
        found: dict[str, LambdaAuthorizer] = {}
        for operation in self.operations:
            if operation.lambda_authorizer is not None:
                found.setdefault(operation.lambda_authorizer.name, operation.lambda_authorizer)
        return tuple(found.values())

    @property
    def root(self) -> Path:
        """Where outputs go: beside the spec."""
        return self.spec_path.parent

    def component_schemas(self) -> JsonObject:
        schemas = self.document.get("components", {}).get("schemas", {})
        return schemas if isinstance(schemas, Mapping) else {}
