"""`python -m codegen publish [--spec openapi.yaml] [--out dist/] [--write-published]`.

Writes what client teams get: `openapi.json` and `openapi.yaml` (one self-contained
OpenAPI 3.0 document without the generator's and API Gateway's extensions, `servers`
set to the deployed URL pattern and the local server, every example checked against
its schema) and `index.html`, the offline API reference, with its assets in `assets/`.
`--write-published` also records the document as the project's last published spec
(`api/openapi.published.yaml`), which `python -m codegen diff --against-published`
compares against.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from codegen.diff.changes import describe_error
from codegen.publish.docs_page import asset_files, render_docs_html
from codegen.render.sam import STAGE_NAME
from codegen.spec.document import bundle_external_refs, strip_private_extensions
from codegen.spec.errors import SpecError, join_pointer
from codegen.spec.loader import read_yaml, validate_openapi

PUBLISHED_SPEC = Path("api") / "openapi.published.yaml"
ASSETS_SUBDIR = "assets"
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


def published_document(document: Mapping[str, Any], spec_path: Path) -> dict[str, Any]:
    """The document client teams get, built from the spec as written (`Api.document`).

    Raises `SpecError` (with the pointer) when the result is not valid OpenAPI 3.0 or an
    example does not match its schema.
    """
    root = spec_path.resolve()

    def read(file: str) -> Any:
        return read_yaml(Path(file))

    bundled = bundle_external_refs(dict(document), read, root.as_posix())
    result: dict[str, Any] = strip_private_extensions(bundled)
    result["servers"] = _servers(result.get("servers"))
    validate_openapi(result)
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
    """
    from jsonschema.exceptions import best_match
    from openapi_schema_validator import (
        OAS30ReadValidator,
        OAS30Validator,
        OAS30WriteValidator,
        oas30_format_checker,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry: Registry[Any] = Registry().with_resource(
        _SPEC_URI, Resource.from_contents(dict(document), default_specification=DRAFT4)
    )
    validators = {"read": OAS30ReadValidator, "write": OAS30WriteValidator, "any": OAS30Validator}
    for example_pointer, schema_pointer, view, value in _examples(document):
        schema = {"$ref": f"{_SPEC_URI}#{quote(schema_pointer, safe='/~')}"}
        validator = validators[view](schema, registry=registry, format_checker=oas30_format_checker)
        error = best_match(validator.iter_errors(value))
        if error is not None:
            where = join_pointer("", *error.absolute_path)
            message = " ".join(error.message.split())[:200]
            raise SpecError(
                f"example does not match its schema: {message}"
                + (f" (at {where} in the example)" if where else ""),
                example_pointer,
            )


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


# -- output ----------------------------------------------------------------------------


def render_outputs(document: Mapping[str, Any]) -> dict[str, str]:
    """File name (relative to the output folder) -> text, for the text files."""
    title = str((document.get("info") or {}).get("title") or "API reference")
    return {
        "openapi.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        "openapi.yaml": dump_yaml(document),
        "index.html": render_docs_html(
            "openapi.json", assets_url=ASSETS_SUBDIR, title=title, spec=document
        ),
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (descriptions) as `|` blocks, as people write them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: Mapping[str, Any]) -> str:
    text: str = yaml.dump(
        dict(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text


def write_outputs(document: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write the documents, the page and its assets; returns the files written."""
    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in render_outputs(document).items():
        target = out_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    assets = out_dir / ASSETS_SUBDIR
    assets.mkdir(exist_ok=True)
    for name, source in sorted(asset_files().items()):
        shutil.copyfile(source, assets / name)
        written.append(assets / name)
    return written


def load_spec(spec_path: Path) -> tuple[dict[str, Any], Path]:
    """The spec as the project's parser reads it (validated, modelled)."""
    from codegen.spec.parser import parse_api

    api = parse_api(spec_path)
    return dict(api.document), api.spec_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen publish",
        description="Write the published spec (JSON, YAML) and its offline reference page.",
    )
    parser.add_argument(
        "--spec", type=Path, default=Path("openapi.yaml"), help="the spec (default openapi.yaml)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("dist"), help="output folder (default dist/)"
    )
    parser.add_argument(
        "--write-published",
        action="store_true",
        help=f"also record the result as the last published spec ({PUBLISHED_SPEC})",
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        document, spec_path = load_spec(args.spec)
        published = published_document(document, spec_path)
        written = write_outputs(published, args.out)
        if args.write_published:
            target = spec_path.parent / PUBLISHED_SPEC
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_yaml(published), encoding="utf-8")
            written.append(target)
    except SpecError as exc:
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    version = (published.get("info") or {}).get("version")
    print(f"published {published['info']['title']} {version}: {len(written)} files in {args.out}")
    return 0
