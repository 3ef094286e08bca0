"""The parsed spec: what every renderer works from.

`codegen.parser.parse_api` builds an `Api` once from openapi.yaml; the renderers
(validators, stubs, routes, SAM template, local server, publisher) read only this
model, never the raw YAML file again. `Api.document` is the spec as written
(with its `$ref`s), kept for the renderers whose output *is* the document
(API Gateway's DefinitionBody, the published spec).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ParameterLocation = Literal["path", "query", "header", "cookie"]
JsonObject = Mapping[str, Any]


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


@dataclass(frozen=True)
class RequestBody:
    required: bool
    content: Mapping[str, JsonObject]  # media type -> OpenAPI schema as written
    pointer: str


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


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    spec_path: Path  # the openapi.yaml that was read
    document: JsonObject  # the spec as written, $refs intact
    operations: tuple[Operation, ...]
    tables: tuple[Table, ...] = field(default=())

    @property
    def root(self) -> Path:
        """Where outputs go: beside the spec."""
        return self.spec_path.parent

    def component_schemas(self) -> JsonObject:
        schemas = self.document.get("components", {}).get("schemas", {})
        return schemas if isinstance(schemas, Mapping) else {}
