"""Build the `codegen.model.Api` from openapi.yaml: the only reader of the raw spec.

`parse_api` validates everything a renderer relies on, so that renderers never
meet a surprise: names are valid and unique Python identifiers, every parameter
has a style the generated validators implement, a request body's JSON media type is
the one validated, every security requirement is one API Gateway can enforce, and
every DynamoDB table an operation uses is declared, and the root `x-codegen` holds
only tables and secrets whose environment variables are distinct. Any violation is a
`SpecError` with the JSON pointer of the offending node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from codegen.errors import SpecError, join_pointer
from codegen.jsonschema import resolve_schema, simple_type
from codegen.loader import load_document, resolve_pointer, validate_semantics
from codegen.model import JSON_MEDIA_TYPE as JSON_MEDIA_TYPE  # codegen.validators imports it
from codegen.model import (
    Api,
    HandlerRef,
    KeyAttribute,
    Operation,
    Parameter,
    ParameterLocation,
    RequestBody,
    Response,
    Secret,
    SecurityRequirement,
    SecurityScheme,
    Table,
    TableAccess,
)
from codegen.naming import is_identifier, pascal_case, path_name, snake_case

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PRIMITIVE_TYPES = ("string", "integer", "number", "boolean")
# The styles the generated validators implement, per location (OpenAPI defaults first).
SUPPORTED_STYLES: Mapping[str, tuple[str, ...]] = {
    "path": ("simple",),
    "query": ("form",),
    "header": ("simple",),
}
DEFAULT_STYLES = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
# OpenAPI 3.0: header parameters with these names "SHALL be ignored".
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
# Packages the generator itself writes under src/; a handler there would be overwritten.
RESERVED_PACKAGES = frozenset({"generated"})
DYNAMODB_ACTIONS = frozenset(
    {
        "BatchGetItem",
        "BatchWriteItem",
        "ConditionCheckItem",
        "DeleteItem",
        "DescribeTable",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
        "UpdateItem",
    }
)
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*\Z")
# The keys of the root `x-codegen` object: anything else is most likely a typo of one of
# them (`secret:`, `table:`), which would otherwise be silently ignored.
CODEGEN_KEYS = frozenset({"tables", "secrets"})
# AWS::SecretsManager::Secret `Description`: "Maximum: 2048" characters.
MAX_SECRET_DESCRIPTION = 2048
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+\Z")
_TEMPLATE_PARAM = re.compile(r"\{([^{}]*)\}")


def parse_api(spec_path: Path) -> Api:
    """Read, validate and model the spec; raises `SpecError` on any bad input."""
    document = load_document(spec_path, semantics=False)
    api = build_api(document, spec_path)  # our checks first: they name the exact node
    validate_semantics(document)
    return api


def build_api(document: dict[str, Any], spec_path: Path) -> Api:
    """Model an already loaded and validated document (see `codegen.loader`)."""
    settings = _codegen_settings(document)
    tables = _parse_tables(settings)
    secrets = _parse_secrets(settings, tables)
    table_ids = {table.logical_id for table in tables}
    operations: list[Operation] = []
    for path, raw_item in document.get("paths", {}).items():
        item_pointer = join_pointer("/paths", path)
        item, _ = _deref(document, raw_item, item_pointer)
        path_parameters = _parameter_list(document, item, item_pointer)
        for method, raw_operation in item.items():  # spec order, as ROUTES promises
            if method in HTTP_METHODS:
                operations.append(
                    _parse_operation(
                        document,
                        path,
                        method,
                        raw_operation,
                        join_pointer(item_pointer, method),
                        path_parameters,
                        table_ids,
                    )
                )
    _check_unique(operations)
    info = document.get("info", {})
    return Api(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        spec_path=spec_path,
        document=document,
        operations=tuple(operations),
        tables=tables,
        secrets=secrets,
    )


# -- operations ------------------------------------------------------------------------


def _parse_operation(
    document: dict[str, Any],
    path: str,
    method: str,
    raw: Any,
    pointer: str,
    path_parameters: dict[tuple[str, str], tuple[Any, str]],
    table_ids: set[str],
) -> Operation:
    operation = cast(Mapping[str, Any], raw)
    raw_id = operation.get("operationId")
    if raw_id is not None:
        python_name = snake_case(str(raw_id))
        operation_id = str(raw_id)
    else:
        python_name = path_name(method, path)
        operation_id = python_name
    if not python_name:
        raise SpecError(
            f"operationId {raw_id!r} has no letters or digits to name code after",
            join_pointer(pointer, "operationId"),
        )
    tags = tuple(str(tag) for tag in operation.get("tags", ()))
    components = document.get("components", {}).get("schemas", {})
    merged = {**path_parameters, **_parameter_list(document, operation, pointer)}
    parameters = tuple(
        _parse_parameter(spec, where, components)
        for (name, location), (spec, where) in merged.items()
        if not (location == "header" and name.lower() in IGNORED_HEADERS)
    )
    _check_path_template(path, parameters, pointer)
    _check_parameter_names(parameters)
    return Operation(
        operation_id=operation_id,
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        tags=tags,
        handler=_handler(operation, tags, python_name, pointer),
        python_name=python_name,
        class_name=pascal_case(python_name),
        parameters=parameters,
        request_body=_request_body(document, operation, pointer),
        responses=_responses(document, operation, pointer),
        table_access=_table_access(operation, pointer, table_ids),
        pointer=pointer,
        security=_security(document, operation, pointer),
    )


def _handler(
    operation: Mapping[str, Any], tags: tuple[str, ...], python_name: str, pointer: str
) -> HandlerRef:
    raw = operation.get("x-handler")
    if raw is None:
        # Convention: <first tag>.<operation>.handler, e.g. pets.list_pets.handler.
        package = snake_case(tags[0]) if tags else ""
        module = f"{package}.{python_name}" if package else python_name
        return HandlerRef(module=module, function="handler")
    where = join_pointer(pointer, "x-handler")
    parts = raw.split(".") if isinstance(raw, str) else []
    if len(parts) < 2 or not all(is_identifier(part) for part in parts):
        raise SpecError(
            f"x-handler {raw!r} must be `module.function` (dotted Python identifiers, "
            "relative to src/)",
            where,
        )
    if parts[0] in RESERVED_PACKAGES:
        raise SpecError(f"x-handler {raw!r} is inside the generated package", where)
    return HandlerRef(module=".".join(parts[:-1]), function=parts[-1])


def _check_unique(operations: list[Operation]) -> None:
    seen_names: dict[str, Operation] = {}
    seen_classes: dict[str, Operation] = {}
    seen_handlers: dict[str, Operation] = {}
    modules = {op.handler.module for op in operations}
    for op in operations:
        for seen, key, what in (
            (seen_names, op.python_name, "Python name"),
            (seen_classes, op.class_name, "class name"),
            (seen_handlers, op.handler.dotted, "handler"),
        ):
            other = seen.setdefault(key, op)
            if other is not op:
                raise SpecError(
                    f"{what} {key!r} of {op.method} {op.path} is also that of "
                    f"{other.method} {other.path}; change an operationId or x-handler",
                    op.pointer,
                )
        parts = op.handler.module.split(".")
        for depth in range(1, len(parts)):
            package = ".".join(parts[:depth])
            if package in modules:
                raise SpecError(
                    f"handler module {op.handler.module!r} needs {package!r} to be a package, "
                    "but another operation's handler makes it a module",
                    op.pointer,
                )


# -- parameters ------------------------------------------------------------------------


def _parameter_list(
    document: dict[str, Any], owner: Mapping[str, Any], pointer: str
) -> dict[tuple[str, str], tuple[Any, str]]:
    """(name, in) -> (the resolved Parameter Object, its pointer), in spec order."""
    result: dict[tuple[str, str], tuple[Any, str]] = {}
    for index, raw in enumerate(owner.get("parameters", ())):
        spec, where = _deref(document, raw, join_pointer(pointer, "parameters", index))
        result[(str(spec["name"]), str(spec["in"]))] = (spec, where)
    return result


def _parse_parameter(spec: Mapping[str, Any], pointer: str, components: Any) -> Parameter:
    name = str(spec["name"])
    location = str(spec["in"])
    if location == "cookie":
        raise SpecError(
            f"cookie parameter {name!r} cannot be rendered: the generated validators read "
            "path, query and header parameters only",
            pointer,
        )
    if "content" in spec:
        raise SpecError(
            f"parameter {name!r} uses `content`; only `schema` parameters can be rendered",
            pointer,
        )
    style = str(spec.get("style", DEFAULT_STYLES[location]))
    if style not in SUPPORTED_STYLES[location]:
        raise SpecError(
            f"parameter {name!r}: style {style!r} cannot be rendered for {location} "
            f"parameters (supported: {', '.join(SUPPORTED_STYLES[location])})",
            pointer,
        )
    schema = spec.get("schema", {})
    kind = simple_type(schema, components)
    if kind == "array":
        items = resolve_schema(schema, components).get("items", {})
        item_kind = simple_type(items, components)
        if item_kind not in (*PRIMITIVE_TYPES, None):
            raise SpecError(
                f"parameter {name!r}: arrays of {item_kind} cannot be rendered", pointer
            )
    elif kind not in (*PRIMITIVE_TYPES, None):
        raise SpecError(f"parameter {name!r}: type {kind} cannot be rendered", pointer)
    python_name = snake_case(name)
    if not python_name:
        raise SpecError(f"parameter {name!r} has no letters or digits to name a field", pointer)
    return Parameter(
        name=name,
        location=cast(ParameterLocation, location),
        required=bool(spec.get("required", False)),
        schema=schema,
        style=style,
        explode=bool(spec.get("explode", style == "form")),
        python_name=python_name,
        pointer=pointer,
    )


def _check_path_template(path: str, parameters: tuple[Parameter, ...], pointer: str) -> None:
    in_template = _TEMPLATE_PARAM.findall(path)
    declared = {p.name for p in parameters if p.location == "path"}
    for name in in_template:
        if name not in declared:
            raise SpecError(f"path parameter {{{name}}} of {path} is not declared", pointer)
    for name in sorted(declared - set(in_template)):
        raise SpecError(f"path parameter {name!r} does not appear in {path}", pointer)


def _check_parameter_names(parameters: tuple[Parameter, ...]) -> None:
    seen: dict[str, Parameter] = {}
    for parameter in parameters:
        other = seen.setdefault(parameter.python_name, parameter)
        if parameter.python_name == "body" or other is not parameter:
            raise SpecError(
                f"parameter {parameter.name!r} ({parameter.location}) would be the field "
                f"{parameter.python_name!r}, which is already taken",
                parameter.pointer,
            )


# -- bodies and responses --------------------------------------------------------------


def _request_body(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> RequestBody | None:
    """The body, with the JSON schema the Lambda validates.

    A body may offer several media types (Petstore: JSON, XML and form encoding). The
    generated validators parse JSON only and answer any other Content-Type with 415, so
    the model keeps the JSON one for validation and lists every type as written.
    """
    if "requestBody" not in operation:
        return None
    body, where = _deref(document, operation["requestBody"], join_pointer(pointer, "requestBody"))
    content = body.get("content", {})
    json_key: str | None = None
    for media_type, media in content.items():
        if not is_json_media_type(media_type):
            continue
        if json_key is None:
            json_key = str(media_type)
        elif dict(media).get("schema", {}) != dict(content[json_key]).get("schema", {}):
            raise SpecError(
                f"request body media types {json_key!r} and {media_type!r} have different "
                "schemas; the generated validators read one JSON schema per body",
                join_pointer(where, "content", media_type),
            )
    return RequestBody(
        required=bool(body.get("required", False)),
        content={}
        if json_key is None
        else {JSON_MEDIA_TYPE: dict(content[json_key]).get("schema", {})},
        pointer=where,
        media_types=tuple(str(media_type) for media_type in content),
        json_media_type=json_key,
    )


def is_json_media_type(media_type: str) -> bool:
    """`application/json`, with or without parameters (`; charset=utf-8`): what the
    generated validators accept (they compare the Content-Type without parameters)."""
    return media_type.split(";", 1)[0].strip().lower() == JSON_MEDIA_TYPE


def _responses(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> tuple[Response, ...]:
    responses: list[Response] = []
    for status, raw in operation.get("responses", {}).items():
        response, where = _deref(document, raw, join_pointer(pointer, "responses", status))
        headers = {}
        for name, raw_header in response.get("headers", {}).items():
            header, _ = _deref(document, raw_header, join_pointer(where, "headers", name))
            headers[str(name)] = header.get("schema", {})
        responses.append(
            Response(
                status=str(status),
                description=str(response.get("description", "")),
                content={
                    str(media): dict(obj).get("schema", {})
                    for media, obj in response.get("content", {}).items()
                },
                headers=headers,
            )
        )
    return tuple(responses)


# -- security --------------------------------------------------------------------------

# The header API Gateway reads API keys from (`x-amazon-apigateway-api-key-source: HEADER`):
# "The client can now call the API methods while supplying the x-api-key header" (AWS,
# "Set up API keys"); no other name can be configured.
API_KEY_HEADER = "x-api-key"
# OpenAPI schemes a Cognito user pools authorizer enforces faithfully: a bearer token in
# the Authorization header, checked against the pool, with OAuth scopes per method.
_COGNITO_SCHEMES = ("oauth2", "openIdConnect")


def _security(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> tuple[SecurityRequirement, ...]:
    """The requirements the gateway must enforce: the operation's `security`, else the root's.

    OpenAPI lists *alternatives* (any one suffices), each a set of schemes required
    together, each with the scopes it requires (all of them). An API Gateway REST method
    has one authorizer and an API-key flag, enforced together, and grants a Cognito-
    authorized call when the access token carries *at least one* of its
    authorizationScopes. So what renders faithfully is:
    - one alternative, or alternatives naming the same schemes that differ only in the
      one scope each asks of the authorizer (`[{oauth: [a]}, {oauth: [b]}]`: a or b);
    - at most one scope per requirement (`{oauth: [a, b]}` requires both, which API
      Gateway cannot check);
    - an empty alternative (`{}`) makes authentication optional: none at the gateway.
    """
    if "security" in operation:
        raw, where = operation["security"], join_pointer(pointer, "security")
    else:
        raw, where = document.get("security", []), "/security"
    if not isinstance(raw, list) or not raw:
        return ()
    alternatives = [entry for entry in raw if isinstance(entry, Mapping)]
    if not alternatives or any(not entry for entry in alternatives):
        return ()  # optional authentication: the handler may look, the gateway cannot
    if len({tuple(sorted(entry)) for entry in alternatives}) > 1:
        names = " OR ".join(dict.fromkeys(" AND ".join(sorted(e)) for e in alternatives))
        raise SpecError(
            f"security offers alternatives ({names}); an API Gateway REST method enforces "
            "one authorizer and an API key together, never one of several: keep one",
            where,
        )
    schemes = {str(name): _security_scheme(document, str(name), where) for name in alternatives[0]}
    cognito = [name for name, scheme in schemes.items() if scheme.kind == "cognito"]
    if len(cognito) > 1:
        raise SpecError(
            f"security requires {' and '.join(cognito)} together; an API Gateway REST "
            "method has a single authorizer",
            where,
        )
    scopes: dict[str, tuple[str, ...]] = dict.fromkeys(schemes, ())
    for name in cognito:  # other schemes have no scopes (OpenAPI: the list MUST be empty)
        per_alternative = [tuple(str(s) for s in entry[name] or ()) for entry in alternatives]
        for wanted in per_alternative:
            if len(wanted) > 1:
                raise SpecError(
                    f"security requires all of the scopes {list(wanted)} of {name!r}; API "
                    "Gateway grants a call whose token carries any one of a method's scopes: "
                    f"list one scope, or one alternative per scope ([{{{name}: [{wanted[0]}]}}"
                    ", ...]) if any of them suffices",
                    where,
                )
        if any(not wanted for wanted in per_alternative):
            scopes[name] = ()  # one alternative accepts any valid token: no scope check
        else:
            scopes[name] = tuple(dict.fromkeys(w[0] for w in per_alternative))
    return tuple(SecurityRequirement(schemes[name], scopes[name]) for name in schemes)


def _security_scheme(document: dict[str, Any], name: str, where: str) -> SecurityScheme:
    schemes = document.get("components", {}).get("securitySchemes", {})
    if not isinstance(schemes, Mapping) or name not in schemes:
        raise SpecError(f"security scheme {name!r} is not declared in components", where)
    spec, pointer = _deref(
        document, schemes[name], join_pointer("/components/securitySchemes", name)
    )
    kind = spec.get("type")
    if kind == "apiKey":
        location, header = spec.get("in"), str(spec.get("name", ""))
        if location == "header" and header.lower() == API_KEY_HEADER:
            return SecurityScheme(name, "api_key", pointer)
        raise SpecError(
            f"apiKey scheme {name!r} reads {location} {header!r}: API Gateway API keys are "
            f"read from the {API_KEY_HEADER} header only (rename it, or drop the scheme)",
            pointer,
        )
    if kind in _COGNITO_SCHEMES or (
        kind == "http" and str(spec.get("scheme", "")).lower() == "bearer"
    ):
        return SecurityScheme(name, "cognito", pointer)
    described = f"http {spec.get('scheme')}" if kind == "http" else str(kind)
    raise SpecError(
        f"security scheme {name!r} ({described}) cannot be rendered: the API Gateway "
        "renderer knows API keys (apiKey in the x-api-key header) and Cognito user pools "
        "(oauth2, openIdConnect, http bearer)",
        pointer,
    )


# -- DynamoDB --------------------------------------------------------------------------


def _codegen_settings(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The root `x-codegen` object (empty when absent); unknown keys are refused."""
    settings = document.get("x-codegen", {})
    if not isinstance(settings, Mapping):
        raise SpecError("x-codegen must be an object", "/x-codegen")
    for key in settings:
        if key not in CODEGEN_KEYS:
            raise SpecError(
                f"unknown key {key!r} under x-codegen (allowed: {', '.join(sorted(CODEGEN_KEYS))})",
                join_pointer("/x-codegen", str(key)),
            )
    return settings


def _parse_tables(settings: Mapping[str, Any]) -> tuple[Table, ...]:
    raw_tables = settings.get("tables", {})
    if not isinstance(raw_tables, Mapping):
        raise SpecError("x-codegen.tables must be an object", "/x-codegen/tables")
    tables: list[Table] = []
    seen_environment: dict[str, str] = {}
    for logical_id, raw in raw_tables.items():
        pointer = join_pointer("/x-codegen/tables", logical_id)
        if not _LOGICAL_ID.match(logical_id):
            raise SpecError(f"table id {logical_id!r} must be alphanumeric", pointer)
        spec = _object(raw, pointer, {"partitionKey", "sortKey", "environment", "timeToLive"})
        environment = _environment(spec, pointer, "TABLE_NAME", seen_environment)
        if "partitionKey" not in spec:
            raise SpecError("partitionKey is required", pointer)
        sort_key = spec.get("sortKey")
        ttl = spec.get("timeToLive")
        if ttl is not None and (not isinstance(ttl, str) or not ttl):
            raise SpecError(
                "timeToLive must name the attribute holding the expiry (epoch seconds)",
                join_pointer(pointer, "timeToLive"),
            )
        tables.append(
            Table(
                logical_id=logical_id,
                partition_key=_key(spec["partitionKey"], join_pointer(pointer, "partitionKey")),
                sort_key=None
                if sort_key is None
                else _key(sort_key, join_pointer(pointer, "sortKey")),
                environment=environment,
                ttl_attribute=ttl,
            )
        )
    return tuple(tables)


def _parse_secrets(settings: Mapping[str, Any], tables: tuple[Table, ...]) -> tuple[Secret, ...]:
    """`x-codegen.secrets`: logical id -> {environment: ENV_NAME, description: text}."""
    raw_secrets = settings.get("secrets", {})
    if not isinstance(raw_secrets, Mapping):
        raise SpecError("x-codegen.secrets must be an object", "/x-codegen/secrets")
    table_ids = {table.logical_id for table in tables}
    # Every variable lands in the same environment (Globals.Function.Environment.Variables).
    seen_environment = {
        table.environment: join_pointer("/x-codegen/tables", table.logical_id, "environment")
        for table in tables
    }
    secrets: list[Secret] = []
    for logical_id, raw in raw_secrets.items():
        pointer = join_pointer("/x-codegen/secrets", str(logical_id))
        if not isinstance(logical_id, str) or not _LOGICAL_ID.match(logical_id):
            raise SpecError(f"secret id {logical_id!r} must be alphanumeric", pointer)
        if logical_id in table_ids:
            raise SpecError(
                f"secret id {logical_id!r} is also a table's id (x-codegen.tables); "
                "template resources need distinct ids",
                pointer,
            )
        spec = _object(raw, pointer, {"environment", "description"})
        environment = _environment(spec, pointer, "CURSOR_SECRET", seen_environment)
        description = spec.get("description", "")
        if not isinstance(description, str) or len(description) > MAX_SECRET_DESCRIPTION:
            raise SpecError(
                f"description must be a string of at most {MAX_SECRET_DESCRIPTION} characters",
                join_pointer(pointer, "description"),
            )
        secrets.append(Secret(logical_id, environment, description.strip()))
    return tuple(secrets)


def _environment(spec: Mapping[str, Any], pointer: str, example: str, seen: dict[str, str]) -> str:
    """The `environment` of a table or secret: a variable name no other entry uses."""
    where = join_pointer(pointer, "environment")
    environment = spec.get("environment")
    if not isinstance(environment, str) or not _ENV_NAME.match(environment):
        raise SpecError(
            f"environment must name an environment variable, e.g. {example}",
            where,
        )
    other = seen.setdefault(environment, where)
    if other != where:
        raise SpecError(
            f"environment variable {environment} is already set by {other}; the functions "
            "share one environment, so each name must be distinct",
            where,
        )
    return environment


def _key(raw: Any, pointer: str) -> KeyAttribute:
    spec = _object(raw, pointer, {"name", "type"})
    name, kind = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not name:
        raise SpecError("key name must be a non-empty string", join_pointer(pointer, "name"))
    if kind not in ("S", "N", "B"):
        raise SpecError("key type must be S, N or B", join_pointer(pointer, "type"))
    return KeyAttribute(name=name, type=kind)


def _table_access(
    operation: Mapping[str, Any], pointer: str, table_ids: set[str]
) -> tuple[TableAccess, ...]:
    if "x-codegen-dynamodb" not in operation:
        return ()
    where = join_pointer(pointer, "x-codegen-dynamodb")
    raw = operation["x-codegen-dynamodb"]
    entries = raw if isinstance(raw, list) else [raw]
    result: list[TableAccess] = []
    for index, entry in enumerate(entries):
        entry_pointer = join_pointer(where, index) if isinstance(raw, list) else where
        spec = _object(entry, entry_pointer, {"table", "actions"})
        table = spec.get("table")
        if table not in table_ids:
            raise SpecError(
                f"table {table!r} is not declared in x-codegen.tables",
                join_pointer(entry_pointer, "table"),
            )
        actions = spec.get("actions")
        if not isinstance(actions, list) or not actions:
            raise SpecError(
                "actions must be a non-empty list", join_pointer(entry_pointer, "actions")
            )
        for position, action in enumerate(actions):
            if action not in DYNAMODB_ACTIONS:
                raise SpecError(
                    f"unknown DynamoDB action {action!r} (known: "
                    f"{', '.join(sorted(DYNAMODB_ACTIONS))})",
                    join_pointer(entry_pointer, "actions", position),
                )
        result.append(TableAccess(table=str(table), actions=tuple(str(a) for a in actions)))
    return tuple(result)


# -- helpers ---------------------------------------------------------------------------


def _deref(document: dict[str, Any], node: Any, pointer: str) -> tuple[Mapping[str, Any], str]:
    """Follow a chain of `$ref`s (parameters, bodies, responses, headers, path items)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"$ref cycle through {ref!r}", pointer)
        seen.add(ref)
        try:
            node = resolve_pointer(document, ref[1:])
        except KeyError:
            raise SpecError(f"$ref {ref!r} does not resolve", pointer) from None
        pointer = ref[1:]
    if not isinstance(node, Mapping):
        raise SpecError("expected an object", pointer)
    return node, pointer


def _object(raw: Any, pointer: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SpecError("must be an object", pointer)
    for key in raw:
        if key not in allowed:
            raise SpecError(
                f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                join_pointer(pointer, key),
            )
    return raw
