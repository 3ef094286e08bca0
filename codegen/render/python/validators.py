"""Render `src/generated/operations/<python_name>.py`: one request validator per operation.

Each module holds a typed, immutable request class, a `validate(event)` of straight-line
code that reads only the parameters and the body the operation declares, and the
JSON-Schema checks compiled by fastjsonschema *now*, at generation time, so that the
Lambda package needs no validator library and no compile step at cold start. Each
parameter and the body has its own check function, called with its name
(`data.query.limit`, `data.body`), so fastjsonschema's error names (`data.body.email`)
become our locations (`body.email`) directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from http import HTTPStatus
from pathlib import Path
from typing import Any

from codegen.openapi.http import (
    JSON_MEDIA_TYPE,
    bare_media_type,
    is_json_media_type,
    is_media_range,
)
from codegen.openapi.jsonschema import resolve_schema, simple_type
from codegen.openapi.model import Api, Operation, Parameter, RequestBody
from codegen.openapi.refs import follow_to_object, resolve_pointer
from codegen.render.python.compiled_checks import RequestChecks, body_slots, request_checks
from codegen.render.templating import header, py_literal, render

GENERATED = Path("src/generated")
OPERATIONS = GENERATED / "operations"

_PY_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
}
_BODY_TYPES = {"object": "dict[str, Any]", "array": "list[Any]"}


def render_validators(api: Api) -> dict[Path, str]:
    files = {
        OPERATIONS / f"{op.python_name}.py": render_operation(api, op) for op in api.operations
    }
    files[OPERATIONS / "__init__.py"] = render(
        "package_init.py.j2",
        header=header(api.spec_path.name),
        doc="One request validator per operation of the spec.",
    )
    return files


@dataclass(frozen=True)
class ParameterView:
    """What operation.py.j2 needs of one parameter."""

    name: str  # as sent: header names in lower case
    label: str  # its errors' location, e.g. `query.limit`
    location: str
    python_name: str
    local: str  # validate()'s variable for it: never one of its own names (none ends in _)
    field_type: str
    kind: str  # the schema's type ("" when it has none; "json" for a `content` parameter)
    item_kind: str  # an array's item type
    required: bool
    allow_empty: bool  # allowEmptyValue: an empty query value counts as not sent
    explode: bool
    parts: str  # the expression of an array's item texts (see _array_parts)
    reader: str  # an object's: the expression of its {name: text} (see _object_reader)
    values: str  # a query parameter's: the expression of its values (see _query_values)
    property_kinds: dict[str, str]  # an object's declared properties and their types
    has_default: bool
    default: Any
    check: str | None  # the compiled check's function, None when coercion implies it


@dataclass(frozen=True)
class BodyView:
    """What operation.py.j2 needs of the request body."""

    required: bool
    type: str
    # generated.validation's reader: json_body (application/json only), raw_body (no
    # JSON: bytes), any_body (anything else: JSON or bytes by the request's media type)
    reader: str
    media_types: tuple[str, ...]  # the bare media types it may be sent as, sorted
    json_types: frozenset[str]  # those of media_types under which JSON is parsed
    may_be_bytes: bool  # any_body: can a request's body be bytes?
    # Each check of a JSON body and the bare media types it checks (ranges as written).
    checks: tuple[tuple[str, tuple[str, ...]], ...]
    doc: str  # what the request class's `body` is, for its docstring


@dataclass(frozen=True)
class OperationView:
    """The whole context of operation.py.j2: mypy checks what the template is given."""

    header: str
    op: Operation
    fields: tuple[tuple[str, str], ...]  # (attribute, type) of the request class
    self_name: str
    params: tuple[ParameterView, ...]
    locations: frozenset[str]
    header_names: tuple[str, ...]
    body: BodyView | None
    # The 404 message for a request without its path parameters (None: no such answer).
    not_found: str | None
    path_names: tuple[str, ...]
    check_code: str
    imports: tuple[str, ...]
    uses_re: bool
    uses_decimal: bool


def render_operation(api: Api, op: Operation) -> str:
    view = operation_view(api, op)
    return render("operation.py.j2", **{f.name: getattr(view, f.name) for f in fields(view)})


def operation_view(api: Api, op: Operation) -> OperationView:
    components = api.component_schemas()
    checks = request_checks(api, op)
    params = tuple(_parameter_view(p, components, checks) for p in op.parameters)
    request_fields = [(p.python_name, p.field_type) for p in params]
    body: BodyView | None = None
    if op.request_body is not None:
        body = _body_view(op.request_body, components, checks)
        request_fields.append(("body", body.type))
    path_names = tuple(p.name for p in params if p.location == "path")
    not_found = not_found_message(api, op) if path_names else None
    return OperationView(
        header=header(api.spec_path.name),
        op=op,
        fields=tuple(request_fields),
        self_name=_free_name("self", {name for name, _ in request_fields}),
        params=params,
        locations=frozenset(p.location for p in params),
        header_names=tuple(sorted({p.name for p in params if p.location == "header"})),
        body=body,
        not_found=not_found,
        path_names=path_names,
        check_code=checks.code,
        imports=_validation_imports(params, body, checks, not_found is not None),
        uses_re="re." in checks.code,
        uses_decimal="Decimal" in checks.code,
    )


def _body_view(body: RequestBody, components: Any, checks: RequestChecks) -> BodyView:
    """The reader, type and checks of a body.

    Media types are told apart bare (API Gateway drops parameters too): when two spellings
    of one type have different schemas, the first one's applies.
    """
    slots = body_slots(body)
    takes_json: dict[str, bool] = {}
    check_of: dict[str, str | None] = {}
    for media_type in body.media_types:
        bare = bare_media_type(media_type)
        if bare not in takes_json:
            takes_json[bare] = media_type in slots
            if media_type in slots:
                check_of[bare] = checks.functions.get(slots[media_type])
    json_types = frozenset(check_of)
    # Bytes come under a type that takes no JSON, or a range taking JSON among others
    # (`*/*`: text/plain under it stays bytes); never under `application/*+json`.
    may_be_bytes = any(
        not takes or (is_media_range(bare) and not is_json_media_type(bare))
        for bare, takes in takes_json.items()
    )
    json_kinds = {
        _BODY_TYPES.get(simple_type(schema, components) or "", "Any"): None
        for schema in body.json_schemas.values()
    }
    if "Any" in json_kinds:
        json_kinds = {"Any": None}  # an untyped schema: Any covers the others
    # mypy keeps `Any | bytes` a union: a handler must still rule bytes out.
    body_type = " | ".join([*json_kinds, *(("bytes",) if may_be_bytes else ())] or ["bytes"])
    if not body.required and body_type != "Any":
        body_type += " | None"
    if not json_types:
        reader = "raw_body"
    elif set(takes_json) == {JSON_MEDIA_TYPE}:
        reader = "json_body"  # the common case, kept as lean as it was
    else:
        reader = "any_body"
    if not json_types:
        doc = "the raw body (bytes)"
    elif may_be_bytes:
        doc = "the body: parsed JSON, or bytes under a media type that is not JSON"
    else:
        doc = "the parsed JSON body"
    grouped: dict[str, list[str]] = {}
    for bare in sorted(check_of):
        check = check_of[bare]
        if check is not None:  # None: `{}`, any JSON document
            grouped.setdefault(check, []).append(bare)
    return BodyView(
        required=body.required,
        type=body_type,
        reader=reader,
        media_types=tuple(sorted(takes_json)),
        json_types=json_types,
        may_be_bytes=may_be_bytes,
        checks=tuple((check, tuple(types)) for check, types in grouped.items()),
        doc=doc,
    )


def not_found_message(api: Api, op: Operation) -> str | None:
    """The message of the operation's declared 404 (its JSON example's `message`, else
    "Not Found"), or None when it declares none.

    A request without a parameter of its path names no resource: API Gateway never routes
    one, but a direct invocation can send one. When the operation says what "no such
    resource" looks like, that is its answer, written once here rather than in every
    handler (a 400 "path.id is required" otherwise).
    """
    responses = resolve_pointer(api.document, op.pointer).get("responses", {})
    # str(): a YAML `404:` key is an integer.
    declared = [raw for status, raw in responses.items() if str(status) == "404"]
    if not declared:
        return None
    pointer = f"{op.pointer}/responses/404"
    response, _ = follow_to_object(api.document, declared[0], pointer)
    for media_type in response.get("content", {}).values():
        example = media_type.get("example") if isinstance(media_type, Mapping) else None
        if isinstance(example, Mapping) and isinstance(example.get("message"), str):
            return str(example["message"])
    return HTTPStatus.NOT_FOUND.phrase


def _field_type(p: Parameter, components: Any) -> str:
    kind = simple_type(p.schema, components)
    if p.content_type is not None:
        base = "Any"
    elif kind == "array":
        items = resolve_schema(p.schema, components).get("items", {})
        base = f"list[{_PY_TYPES.get(simple_type(items, components) or '', 'str')}]"
    else:
        base = _PY_TYPES.get(kind or "", "str")
    if p.required or "default" in resolve_schema(p.schema, components):
        return base
    return f"{base} | None"


def _parameter_view(p: Parameter, components: Any, checks: RequestChecks) -> ParameterView:
    resolved = resolve_schema(p.schema, components)
    kind = simple_type(p.schema, components) or ""
    item_kind = ""
    if p.content_type is not None:
        kind = "json"  # decoded from JSON text, then checked as a whole
    elif kind == "array":
        item_kind = simple_type(resolved.get("items", {}), components) or ""
    name = p.name.lower() if p.location == "header" else p.name
    return ParameterView(
        name=name,
        label=f"{p.location}.{name}",
        location=p.location,
        python_name=p.python_name,
        local=p.python_name + "_",
        field_type=_field_type(p, components),
        kind=kind,
        item_kind=item_kind,
        required=p.required,
        allow_empty=p.allow_empty_value,
        explode=p.explode,
        parts=_array_parts(p.location, p.explode, p.style),
        reader=_object_reader(p, resolved) if kind == "object" else "",
        values=_query_values(p) if p.location == "query" else "",
        property_kinds={
            str(key): simple_type(sub, components) or "string"
            for key, sub in (resolved.get("properties") or {}).items()
        }
        if kind == "object"
        else {},
        has_default="default" in resolved,
        default=resolved.get("default"),
        check=checks.functions.get(p.python_name),
    )


_SEPARATORS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _array_parts(location: str, explode: bool, style: str = "form") -> str:
    """The expression of an array parameter's item texts in `validate` (see the template)."""
    if location == "path":
        return 'raw.split(",")'  # one string, comma-separated (style simple)
    if location == "query" and explode:
        return "values"  # ?tag=a&tag=b (style form, explode)
    if location == "query" and style in ("spaceDelimited", "pipeDelimited"):
        return f"split_values(values, {_SEPARATORS[style]!r})"  # ?ids=1%202, ?ids=1|2
    return "split_values(values)"  # ?ids=1,2 (form, no explode); headers (simple)


def _object_reader(p: Parameter, resolved: Any) -> str:
    """The expression of a query object's {name: text} in `validate` (OpenAPI 3.0.3's
    style table: see generated.validation)."""
    # allowEmptyValue: an empty property value (`color[R]=`, `R=`) counts as not sent too.
    allow_empty = ", allow_empty=True" if p.allow_empty_value else ""
    if p.style == "deepObject":
        return f"deep_object(query, multi, {p.name!r}{allow_empty})"
    if p.style == "form" and p.explode:
        names = tuple(str(key) for key in (resolved.get("properties") or {}))
        return f"exploded_object(query, multi, {names!r}{allow_empty})"
    return f"delimited_object({_query_values(p)}, {_SEPARATORS[p.style]!r})"


def _query_values(p: Parameter) -> str:
    """The expression of a query parameter's values in `validate` (None when not sent)."""
    values = f"query_values(query, multi, {py_literal(p.name)})"
    return f"without_empty({values})" if p.allow_empty_value else values


_COERCIONS = {
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "json": "json_parameter",
}


def _validation_imports(
    params: tuple[ParameterView, ...],
    body: BodyView | None,
    checks: RequestChecks,
    not_found: bool,
) -> tuple[str, ...]:
    """The names the operation module takes from generated.validation."""
    names = {"RequestBase"}
    if not_found:
        names.update({"path_parameter_missing", "not_found"})
    locations = {p.location for p in params}
    if params or body:
        names.add("invalid_request")
    if "path" in locations:
        names.add("path_parameters")
    if "query" in locations:
        names.update({"query_parameters", "query_values"})
    if "header" in locations:
        names.add("header_values")
    for p in params:
        kind = p.item_kind if p.kind == "array" else p.kind
        if kind in _COERCIONS:
            names.update({_COERCIONS[kind], "Invalid"})
        if p.allow_empty and "without_empty(" in (p.reader if p.kind == "object" else p.values):
            names.add("without_empty")
        if p.kind == "array" and p.parts.startswith("split_values("):
            names.add("split_values")
        if p.kind == "object":
            names.update({p.reader.partition("(")[0], "object_parameter", "Invalid"})
    if body is not None:
        names.update({"Invalid", "UnsupportedMediaType", body.reader, "unsupported_media_type"})
        if not body.required:
            names.add("NO_BODY")
    if checks.functions:
        names.update({"FORMATS", "SCHEMA_ERRORS", "schema_errors"})
    if checks.code:
        names.update({"JsonSchemaValueException", "JsonSchemaValuesException"})
    return tuple(sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n.lower())))


def _free_name(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    return name
