"""Operations, their parameters, request bodies and responses, as the parser models them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, cast

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.http import (
    JSON_MEDIA_TYPE,
    bare_media_type,
    is_json_media_type,
    is_media_range,
)
from codegen.openapi.jsonschema import resolve_schema, simple_type
from codegen.openapi.model import (
    HandlerRef,
    Operation,
    Parameter,
    ParameterLocation,
    RequestBody,
    Response,
)
from codegen.openapi.naming import (
    RESERVED_FIELDS,
    disambiguated,
    is_identifier,
    pascal_case,
    path_name,
)
from codegen.openapi.naming import python_name as bounded_name
from codegen.openapi.refs import follow_to_object
from codegen.openapi.security import parse_security
from codegen.openapi.settings import parse_table_access

PRIMITIVE_TYPES = ("string", "integer", "number", "boolean")
# The styles the generated validators implement, per location (OpenAPI defaults first).
SUPPORTED_STYLES: Mapping[str, tuple[str, ...]] = {
    "path": ("simple",),
    # spaceDelimited / pipeDelimited (arrays, objects) and deepObject (objects): API Gateway
    # passes their keys and values through raw; the generated validators decode them.
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
}
DEFAULT_STYLES = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
# OpenAPI 3.0: header parameters with these names "SHALL be ignored".
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
# Packages the generator itself writes under src/; a handler there would be overwritten.
RESERVED_PACKAGES = frozenset({"generated"})
_TEMPLATE_PARAM = re.compile(r"\{([^{}]*)\}")


def parse_operation(
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
        python_name = bounded_name(str(raw_id))
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
    merged = {**path_parameters, **parameter_list(document, operation, pointer)}
    parameters = _distinct_fields(
        tuple(
            _parse_parameter(spec, where, components)
            for (name, location), (spec, where) in merged.items()
            if not (location == "header" and name.lower() in IGNORED_HEADERS)
        )
    )
    _check_path_template(path, parameters, pointer)
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
        table_access=parse_table_access(operation, pointer, table_ids),
        pointer=pointer,
        security=parse_security(document, operation, pointer),
    )


def _handler(
    operation: Mapping[str, Any], tags: tuple[str, ...], python_name: str, pointer: str
) -> HandlerRef:
    raw = operation.get("x-handler")
    if raw is None:
        return _default_handler(tags, python_name)
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


def _default_handler(tags: tuple[str, ...], python_name: str) -> HandlerRef:
    """Convention: <first tag>.<operation>.handler, e.g. pets.list_pets.handler."""
    package = bounded_name(tags[0]) if tags else ""
    module = f"{package}.{python_name}" if package else python_name
    return HandlerRef(module=module, function="handler")


def distinct_names(operations: list[Operation]) -> list[Operation]:
    """The operations, each with a Python name and class name no other one has.

    Two operationIds may give one name (`getA` and `get_a`). The first in spec order keeps
    it, unless a later one is spelled exactly so (its operationId *is* the name); the
    others get the name and a short hash of their operationId (`get_a_1b2c3d4e`), so each
    is named the same whatever other operations the spec holds. A handler named by the
    convention follows its operation's name; an `x-handler` stays as written.
    """
    owners: dict[str, Operation] = {}
    for op in sorted(operations, key=lambda op: op.operation_id != op.python_name):
        owners.setdefault(op.python_name, op)  # stable sort: exact spellings, then spec order
    taken: set[str] = set()
    result: list[Operation] = []
    for op in operations:
        name = op.python_name
        if owners[name] is not op or name in taken or pascal_case(name) in taken:
            name = disambiguated(name, f"{op.operation_id} {op.method} {op.path}")
        taken.update((name, pascal_case(name)))
        if name != op.python_name:
            handler = op.handler
            if handler == _default_handler(op.tags, op.python_name):
                handler = _default_handler(op.tags, name)
            op = dataclasses.replace(
                op, python_name=name, class_name=pascal_case(name), handler=handler
            )
        result.append(op)
    return result


def check_unique(operations: list[Operation]) -> None:
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


def parameter_list(
    document: dict[str, Any], owner: Mapping[str, Any], pointer: str
) -> dict[tuple[str, str], tuple[Any, str]]:
    """(name, in) -> (the resolved Parameter Object, its pointer), in spec order."""
    result: dict[tuple[str, str], tuple[Any, str]] = {}
    for index, raw in enumerate(owner.get("parameters", ())):
        spec, where = follow_to_object(document, raw, join_pointer(pointer, "parameters", index))
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
    content_type, content_schema = _content(name, spec, pointer)
    style = str(spec.get("style", DEFAULT_STYLES[location]))
    if style not in SUPPORTED_STYLES[location]:
        raise SpecError(
            f"parameter {name!r}: style {style!r} cannot be rendered for {location} "
            f"parameters (supported: {', '.join(SUPPORTED_STYLES[location])})",
            pointer,
        )
    schema = spec.get("schema", {}) if content_type is None else content_schema
    kind = simple_type(schema, components)
    if content_type is not None:
        pass  # any JSON value: decoded, then checked against its schema
    elif kind == "array":
        items = resolve_schema(schema, components).get("items", {})
        item_kind = simple_type(items, components)
        if item_kind not in (*PRIMITIVE_TYPES, None):
            raise SpecError(
                f"parameter {name!r}: arrays of {item_kind} cannot be rendered", pointer
            )
    elif kind == "object" and location == "query":
        _check_object_properties(name, resolve_schema(schema, components), components, pointer)
    elif kind not in (*PRIMITIVE_TYPES, None):
        raise SpecError(f"parameter {name!r}: type {kind} cannot be rendered", pointer)
    if style == "deepObject" and kind != "object":
        raise SpecError(f"parameter {name!r}: style deepObject is for objects", pointer)
    if style in ("spaceDelimited", "pipeDelimited") and kind not in ("array", "object"):
        raise SpecError(f"parameter {name!r}: style {style} is for arrays and objects", pointer)
    python_name = bounded_name(name)
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
        content_type=content_type,
        # "Valid only for query parameters" (OpenAPI 3.0.3): elsewhere it means nothing.
        allow_empty_value=location == "query" and spec.get("allowEmptyValue") is True,
    )


def _check_object_properties(
    name: str, schema: Mapping[str, Any], components: Any, pointer: str
) -> None:
    """An object in the query carries its properties as text: each must be a primitive."""
    properties = schema.get("properties") or {}
    for key, sub in properties.items() if isinstance(properties, Mapping) else ():
        if simple_type(sub, components) not in (*PRIMITIVE_TYPES, None):
            raise SpecError(
                f"parameter {name!r}: property {key!r} of an object in the query must be a "
                "string, number, integer or boolean",
                pointer,
            )


def _content(name: str, spec: Mapping[str, Any], pointer: str) -> tuple[str | None, Any]:
    """A `content` parameter's media type and schema ((None, None) for a `schema` one).

    OpenAPI: the map "MUST only contain one entry", and a parameter has `schema` or
    `content`, not both. Only JSON can be decoded into a value to validate.
    """
    if "content" not in spec:
        return None, None
    content = spec["content"]
    if not isinstance(content, Mapping) or len(content) != 1 or "schema" in spec:
        raise SpecError(
            f"parameter {name!r}: `content` must have exactly one media type, and no "
            "`schema` beside it (OpenAPI 3.0, Parameter Object)",
            pointer,
        )
    ((media_type, media),) = content.items()
    if not is_json_media_type(str(media_type)):
        raise SpecError(
            f"parameter {name!r} is encoded as {media_type}; only JSON-encoded `content` "
            "parameters can be validated: use application/json, or a `schema`",
            join_pointer(pointer, "content", str(media_type)),
        )
    schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
    return str(media_type), schema


def _check_path_template(path: str, parameters: tuple[Parameter, ...], pointer: str) -> None:
    in_template = _TEMPLATE_PARAM.findall(path)
    declared = {p.name for p in parameters if p.location == "path"}
    for name in in_template:
        if name not in declared:
            raise SpecError(f"path parameter {{{name}}} of {path} is not declared", pointer)
    for name in sorted(declared - set(in_template)):
        raise SpecError(f"path parameter {name!r} does not appear in {path}", pointer)


def _distinct_fields(parameters: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    """The parameters, each with a field name no other one (nor the body) has.

    `MaxResults` and `max_results` (query), or `max_results` and `max-results` (header),
    give one field name. A parameter spelled exactly as the field keeps it; otherwise the
    first in spec order does. The others get the name and a short hash of their location
    and spec name (`max_results_5f1e0c2a`): deterministic, and each field still reads its
    own parameter by its name as written.
    """
    owners: dict[str, Parameter] = {}
    for parameter in sorted(parameters, key=lambda p: p.name != p.python_name):
        owners.setdefault(parameter.python_name, parameter)  # stable sort: exact ones first
    taken = set(RESERVED_FIELDS)
    result: list[Parameter] = []
    for parameter in parameters:
        name = parameter.python_name
        if owners[name] is not parameter or name in taken:
            name = disambiguated(name, f"{parameter.location} {parameter.name}")
        taken.add(name)
        result.append(dataclasses.replace(parameter, python_name=name))
    return tuple(result)


# -- bodies and responses --------------------------------------------------------------


def _request_body(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> RequestBody | None:
    """The body, with the schemas the Lambda validates and the one API Gateway models.

    A body may offer several media types (Petstore: JSON, XML and form encoding; .NET
    specs: `application/json`, `text/json` and `application/*+json`). The generated
    validators accept every one: a JSON one is parsed and checked against its own schema
    (two JSON media types may differ), any other is passed to the handler as bytes.
    """
    if "requestBody" not in operation:
        return None
    body, where = follow_to_object(
        document, operation["requestBody"], join_pointer(pointer, "requestBody")
    )
    content = body.get("content", {})
    components = document.get("components", {}).get("schemas", {})
    json_key: str | None = None
    json_schemas: dict[str, Any] = {}
    for media_type, media in content.items():
        schema = dict(media).get("schema", {})
        if bare_media_type(str(media_type)) == JSON_MEDIA_TYPE and json_key is None:
            json_key = str(media_type)
        if _takes_json(str(media_type), schema, components):
            json_schemas[str(media_type)] = schema
    return RequestBody(
        required=bool(body.get("required", False)),
        content={} if json_key is None else {JSON_MEDIA_TYPE: json_schemas[json_key]},
        pointer=where,
        media_types=tuple(str(media_type) for media_type in content),
        json_media_type=json_key,
        json_schemas=json_schemas,
    )


def _takes_json(media_type: str, schema: Any, components: Any) -> bool:
    """Are JSON requests under this media type parsed and checked against its schema?

    A JSON media type, yes. A range that takes JSON among others (`*/*`, `application/*`)
    too when its schema describes an object or an array, which only a structured encoding
    can carry: with a string schema (`format: binary`) or none, it stays bytes.
    """
    if is_json_media_type(media_type):
        return True
    return is_media_range(media_type) and simple_type(schema, components) in ("object", "array")


def _responses(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> tuple[Response, ...]:
    responses: list[Response] = []
    for status, raw in operation.get("responses", {}).items():
        response, where = follow_to_object(
            document, raw, join_pointer(pointer, "responses", status)
        )
        headers = {}
        for name, raw_header in response.get("headers", {}).items():
            header, _ = follow_to_object(document, raw_header, join_pointer(where, "headers", name))
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
