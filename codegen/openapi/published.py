"""The document client teams get: the spec bundled into one file, without private extensions.

`published_document` builds it (servers set to the deployed URL pattern, every example
checked against its schema); `python -m codegen publish` writes it out and
`python -m codegen diff --against-published` compares it with the last one published
(`PUBLISHED_SPEC`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from codegen.openapi.aws_names import STAGE_NAME
from codegen.openapi.document import bundle_external_refs, strip_private_extensions
from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.loader import read_yaml, validate_openapi

PUBLISHED_SPEC = Path("api") / "openapi.published.yaml"
DEPLOYED_SERVER: Mapping[str, Any] = {
    "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
    "description": "Deployed API (API Gateway REST API)",
    "variables": {
        "restApiId": {
            "default": "abcdef1234",
            "description": "The REST API id (the `ApiUrl` output of the stack shows it).",
        },
        "region": {"default": "us-east-1", "description": "The AWS region of the stack."},
        "stage": {"default": STAGE_NAME, "description": "The API Gateway stage."},
    },
}
_SPEC_URI = "urn:codegen-publish:spec"


def published_document(
    document: Mapping[str, Any], spec_path: Path, *, check: bool = True
) -> dict[str, Any]:
    """The document client teams get, built from the spec as written (`Api.document`).

    Raises `SpecError` (with the pointer) when the result is not valid OpenAPI 3.0 or, with
    `check` (publish, diff, `serve --mock --strict-examples`), an example does not match
    its schema. `serve --mock` checks them itself (`example_errors`) and goes on.
    """
    root = spec_path.resolve()

    def read(file: str) -> Any:
        return read_yaml(Path(file))

    bundled = bundle_external_refs(dict(document), read, root.as_posix())
    result: dict[str, Any] = strip_private_extensions(bundled)
    result["servers"] = _servers(result.get("servers"))
    validate_openapi(result)
    if check:
        check_examples(result)
    return result


def _servers(spec_servers: Any) -> list[Any]:
    servers: list[Any] = [json.loads(json.dumps(DEPLOYED_SERVER))]
    for server in spec_servers or []:
        if isinstance(server, Mapping) and server.get("url") != DEPLOYED_SERVER["url"]:
            servers.append(server)
    return servers


# -- examples ---------------------------------------------------------------------------


def check_examples(document: Mapping[str, Any]) -> None:
    """Validate every example against its schema with an OpenAPI 3.0 (draft-4) validator.

    Request examples use the write view (readOnly properties may be absent), response
    examples the read view; a schema's own `example` is checked against that schema.
    The first that does not match is a `SpecError` naming its pointer.
    """
    for error in example_errors(document):
        raise error


def example_errors(document: Mapping[str, Any]) -> Iterator[SpecError]:
    """One `SpecError` per example that does not match its schema (see `check_examples`)."""
    checker = SchemaChecker(document)
    for example_pointer, schema_pointer, view, value in _examples(document):
        message = checker.problem(value, schema_pointer, view)
        if message is not None:
            yield SpecError(f"example does not match its schema: {message}", example_pointer)


class SchemaChecker:
    """Values against the document's schemas (by pointer), as OpenAPI 3.0 reads them."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        from openapi_schema_validator import (
            OAS30ReadValidator,
            OAS30Validator,
            OAS30WriteValidator,
        )
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        self._registry: Any = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(dict(document), default_specification=DRAFT4)
        )
        self._validators: dict[str, Any] = {
            "read": OAS30ReadValidator,
            "write": OAS30WriteValidator,
            "any": OAS30Validator,
        }

    def problem(self, value: Any, schema_pointer: str, view: str = "read") -> str | None:
        """Why `value` does not match the schema at `schema_pointer` (one line), or None."""
        from jsonschema.exceptions import best_match
        from openapi_schema_validator import oas30_format_checker

        schema = {"$ref": f"{_SPEC_URI}#{quote(schema_pointer, safe='/~')}"}
        validator = self._validators[view](
            schema, registry=self._registry, format_checker=oas30_format_checker
        )
        error = best_match(validator.iter_errors(value))
        if error is None:
            return None
        where = join_pointer("", *error.absolute_path)
        message = " ".join(error.message.split())[:200]
        return message + (f" (at {where} in the example)" if where else "")


def _examples(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(example pointer, schema pointer, view, example value) for every example."""
    yield from _walk(document, "", in_schema=False, named=False)


def _view(pointer: str) -> str:
    return (
        "read"
        if "/responses/" in pointer or pointer.startswith("/components/headers/")
        else "write"
    )


def _walk(
    node: Any, pointer: str, *, in_schema: bool, named: bool
) -> Iterator[tuple[str, str, str, Any]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, join_pointer(pointer, index), in_schema=in_schema, named=False)
        return
    if not isinstance(node, Mapping) or "$ref" in node:
        return
    if not named:
        yield from _own_examples(node, pointer, in_schema=in_schema)
    for key, value in node.items():
        child = join_pointer(pointer, key)
        if named:
            yield from _walk(value, child, in_schema=in_schema, named=False)
        elif key in ("example", "examples", "default", "enum"):
            continue
        elif key in ("properties", "schemas"):
            yield from _walk(value, child, in_schema=True, named=True)
        elif key in ("schema", "items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            yield from _walk(value, child, in_schema=True, named=False)
        else:
            yield from _walk(
                value, child, in_schema=False, named=isinstance(value, Mapping) and key in _NAMED
            )


_NAMED = frozenset(
    {
        "paths",
        "responses",
        "content",
        "headers",
        "parameters",
        "requestBodies",
        "links",
        "callbacks",
        "securitySchemes",
        "encoding",
        "variables",
    }
)


def _own_examples(
    node: Mapping[str, Any], pointer: str, *, in_schema: bool
) -> Iterator[tuple[str, str, str, Any]]:
    if in_schema:
        if "example" in node:
            yield join_pointer(pointer, "example"), pointer, "any", node["example"]
        return
    if "schema" not in node:
        return
    schema_pointer = join_pointer(pointer, "schema")
    view = _view(pointer)
    if "example" in node:
        yield join_pointer(pointer, "example"), schema_pointer, view, node["example"]
    examples = node.get("examples")
    if isinstance(examples, Mapping):
        for name, example in examples.items():
            if isinstance(example, Mapping) and "value" in example:
                yield (
                    join_pointer(pointer, "examples", name, "value"),
                    schema_pointer,
                    view,
                    example["value"],
                )


def load_spec(spec_path: Path) -> tuple[dict[str, Any], Path]:
    """The spec as the project's parser reads it (validated, modelled)."""
    from codegen.openapi.parser import parse_api

    api = parse_api(spec_path)
    return dict(api.document), api.spec_path
