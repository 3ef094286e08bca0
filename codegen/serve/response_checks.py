"""Check each proxy response against the spec with code generated from it at start-up.

The same conversion as the request validators (codegen/openapi/jsonschema.py: OpenAPI 3.0
schema -> JSON Schema draft-04, `response` direction) compiled by fastjsonschema into
Python functions, one per documented (operation, status, JSON media type), and the same
format checks the Lambda uses (generated.validation.FORMATS). openapi-core, which this
replaces (tests/support/openapi_core_oracle.py keeps it as the tests' independent oracle),
spent about 40% of the local server's time per request
re-resolving the spec; these checks are dictionary lookups and a compiled function.

What is checked, as openapi-core did: the status is documented (or `default`/`4XX`
covers it), the Content-Type is documented, the JSON body matches the schema, and each
documented header that is present matches its schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import fastjsonschema

from codegen.openapi.errors import join_pointer
from codegen.openapi.http import JSON_MEDIA_TYPE, bare_media_type
from codegen.openapi.jsonschema import DRAFT_04, SchemaConverter
from codegen.openapi.model import Api, Response
from codegen.serve import rendered
from codegen.serve.proxy import ProxyResponse

Check = Callable[[Any], Any]


class ResponseChecker(Protocol):
    """What the gateway asks of a response validator (this one, or openapi-core's)."""

    def problems(self, method: str, path_template: str, response: ProxyResponse) -> list[str]:
        """One line per problem; empty when the response matches the spec."""
        ...


def formats() -> Mapping[str, Callable[[str], bool]]:
    """The format checks of the handlers' own generated.validation (src/ is on sys.path
    once the app is created), so a response is held to the same `email`, `uuid`,
    `date`, `date-time` as the request it came from."""
    module = rendered.load(rendered.VALIDATION)
    return dict(module.FORMATS)


class _Documented:
    """One documented response: its body checks per media type, its header checks."""

    def __init__(
        self, bodies: dict[str, Check | None], headers: dict[str, tuple[str | None, Check]]
    ) -> None:
        self.bodies = bodies  # bare media type -> check (None: no schema, anything goes)
        self.headers = headers  # lower-case name -> (simple type, check)


def _compile(
    schema: dict[str, Any], definitions: dict[str, Any], checks: Mapping[str, Any]
) -> Check:
    document = {"$schema": DRAFT_04, **schema, "definitions": definitions}
    check: Check = fastjsonschema.compile(document, formats=dict(checks), use_default=False)
    return check


def _documented(
    api: Api, response: Response, pointer: str, checks: Mapping[str, Any]
) -> _Documented:
    converter = SchemaConverter(api.component_schemas(), "response")
    bodies: dict[str, Check | None] = {}
    for media_type, schema in response.content.items():
        where = join_pointer(pointer, "content", media_type, "schema")
        converted = converter.convert(schema, where) if schema else {}
        bare = bare_media_type(media_type)
        bodies[bare] = _compile(converted, converter.definitions(), checks) if converted else None
    headers: dict[str, tuple[str | None, Check]] = {}
    for name, schema in response.headers.items():
        converted = converter.convert(schema, join_pointer(pointer, "headers", name))
        kind = converted.get("type") if isinstance(converted.get("type"), str) else None
        headers[name.lower()] = (kind, _compile(converted, converter.definitions(), checks))
    return _Documented(bodies, headers)


def _status_key(status: int, documented: Mapping[str, _Documented]) -> str | None:
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in documented:
            return key
    return None


def _header_value(kind: str | None, text: str) -> Any:
    """A header's text as its schema's type (headers are strings on the wire)."""
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    return text


class CompiledResponseValidator:
    """`problems(method, path_template, response)`, like validation.ResponseValidator."""

    def __init__(self, api: Api) -> None:
        self._operations: dict[tuple[str, str], dict[str, _Documented]] = {}
        checks = formats()
        for op in api.operations:
            documented = {}
            for response in op.responses:
                pointer = join_pointer(op.pointer, "responses", response.status)
                documented[response.status.upper()] = _documented(api, response, pointer, checks)
            self._operations[(op.method.upper(), op.path)] = documented

    def problems(self, method: str, path_template: str, response: ProxyResponse) -> list[str]:
        documented = self._operations.get((method.upper(), path_template))
        if documented is None:
            return []  # not an operation of the spec (gateway answers, /docs, ...)
        key = _status_key(response.status, documented)
        if key is None:
            return [f"status {response.status} is not documented"]
        expected = documented[key]
        problems: list[str] = []
        for name, value in response.headers:
            header = expected.headers.get(name.lower())
            if header is not None:
                kind, check = header
                try:
                    check(_header_value(kind, value))
                except fastjsonschema.JsonSchemaValueException as error:
                    problems.append(f"header {name}: {error.message}")
        body = response.body or b""
        if not expected.bodies:
            if body:
                problems.append("body: none is documented")
            return problems
        content_type = bare_media_type(response.header("Content-Type") or "")
        if not body and response.status == 204:
            return problems
        if content_type not in expected.bodies:
            return [*problems, f"content type {content_type!r} is not documented"]
        body_check = expected.bodies[content_type]
        if body_check is None or content_type != JSON_MEDIA_TYPE:
            return problems
        if not body:
            return [*problems, "body: missing"]
        try:
            body_check(json.loads(body))
        except ValueError as error:
            if not isinstance(error, fastjsonschema.JsonSchemaValueException):
                return [*problems, f"body: not JSON ({error})"]
            where = error.name.replace("data", "body", 1) if error.name else "body"
            problems.append(f"{where}: {error.message}")
        return problems
