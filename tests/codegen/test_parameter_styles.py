"""Query parameter styles API Gateway passes through raw, decoded by the generated validators.

Each wire format is a row of the OpenAPI 3.0.3 style table ("Style Examples": `color` is
the array `["blue", "black", "brown"]` or the object `{"R": 100, "G": 200, "B": 150}`),
sent as a query string and decoded into the event as API Gateway does (percent-decoded,
repeated keys in `multiValueQueryStringParameters`).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
import yaml

from codegen.openapi.errors import SpecError
from codegen.openapi.parser import parse_api
from tests.codegen.helpers import event, generate, load_operations

ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
COLOR_ARRAY = {"type": "array", "items": {"type": "string"}}
COLOR_OBJECT = {
    "type": "object",
    "properties": {c: {"type": "integer", "maximum": 255} for c in "RGB"},
    "additionalProperties": False,
}
# (style, explode, schema, the table's wire format, the value)
TABLE: list[tuple[str, bool, dict[str, Any], str, Any]] = [
    ("form", False, COLOR_ARRAY, "color=blue,black,brown", ARRAY),
    ("form", True, COLOR_ARRAY, "color=blue&color=black&color=brown", ARRAY),
    ("spaceDelimited", False, COLOR_ARRAY, "color=blue%20black%20brown", ARRAY),
    ("pipeDelimited", False, COLOR_ARRAY, "color=blue|black|brown", ARRAY),
    ("form", False, COLOR_OBJECT, "color=R,100,G,200,B,150", OBJECT),
    ("form", True, COLOR_OBJECT, "R=100&G=200&B=150", OBJECT),
    ("spaceDelimited", False, COLOR_OBJECT, "color=R%20100%20G%20200%20B%20150", OBJECT),
    ("pipeDelimited", False, COLOR_OBJECT, "color=R|100|G|200|B|150", OBJECT),
    ("deepObject", True, COLOR_OBJECT, "color[R]=100&color[G]=200&color[B]=150", OBJECT),
]


def _operation_id(style: str, explode: bool, schema: dict[str, Any]) -> str:
    kind = "array" if schema["type"] == "array" else "object"
    return f"{style}{'Exploded' if explode else ''}{kind.title()}"


def _name(operation_id: str) -> str:
    from codegen.openapi.naming import python_name

    return python_name(operation_id)


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    directory = tmp_path_factory.mktemp("styles")
    paths = {}
    for index, (style, explode, schema, _, _) in enumerate(TABLE):
        parameter = {
            "name": "color",
            "in": "query",
            "style": style,
            "explode": explode,
            "schema": schema,
        }
        paths[f"/t{index}"] = {
            "get": {
                "operationId": _operation_id(style, explode, schema),
                "parameters": [parameter],
                "responses": {"204": {"description": "none"}},
            }
        }
    spec = directory / "openapi.yaml"
    document = {"openapi": "3.0.3", "info": {"title": "Styles", "version": "1"}, "paths": paths}
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    generate(spec)
    names = [_name(_operation_id(s, e, schema)) for s, e, schema, _, _ in TABLE]
    return load_operations(directory / "src", names)


def _event(query_string: str) -> dict[str, Any]:
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    return event(query=query)


@pytest.mark.parametrize(
    ("style", "explode", "schema", "wire", "value"),
    TABLE,
    ids=[f"{row[0]}-{'explode' if row[1] else 'no-explode'}-{row[2]['type']}" for row in TABLE],
)
def test_the_style_table_decodes(
    modules: dict[str, ModuleType],
    style: str,
    explode: bool,
    schema: dict[str, Any],
    wire: str,
    value: Any,
) -> None:
    module = modules[_name(_operation_id(style, explode, schema))]
    request = module.validate(_event(wire))
    assert not isinstance(request, dict), request
    assert request.color == value


@pytest.mark.parametrize(
    ("style", "wire", "detail"),
    [
        ("form", "color=R,100,G", "pairs"),
        ("pipeDelimited", "color=R|x|G|200", "R must be an integer"),
        ("deepObject", "color[R]=300", "query.color.R"),
        ("deepObject", "color[Q]=1", "Q"),
        ("deepObject", "color[R]=1&color[R]=2", "R must be given once"),
    ],
)
def test_bad_objects_are_400s(
    modules: dict[str, ModuleType], style: str, wire: str, detail: str
) -> None:
    explode = style == "deepObject"
    module = modules[_name(_operation_id(style, explode, COLOR_OBJECT))]
    response = module.validate(_event(wire))
    assert isinstance(response, dict) and response["statusCode"] == 400, response
    assert detail in json.dumps(json.loads(response["body"])["errors"])


@pytest.mark.parametrize(
    ("style", "schema", "words"),
    [
        ("deepObject", {"type": "string"}, "deepObject is for objects"),
        ("pipeDelimited", {"type": "integer"}, "pipeDelimited is for arrays and objects"),
        (
            "deepObject",
            {"type": "object", "properties": {"a": {"type": "object"}}},
            "property 'a'",
        ),
    ],
)
def test_styles_that_cannot_apply_are_one_line(
    tmp_path: Path, style: str, schema: dict[str, Any], words: str
) -> None:
    parameter = {"name": "p", "in": "query", "style": style, "schema": schema}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "x",
                    "parameters": [parameter],
                    "responses": {"204": {"description": "none"}},
                }
            }
        },
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        parse_api(spec)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_the_gateway_does_not_require_a_key_a_deep_object_never_sends(tmp_path: Path) -> None:
    """API Gateway checks a required query parameter by its name; `color[R]=1` and `R=1`
    carry no key `color`, so only the Lambda checks their presence."""
    from codegen.render.cloudformation.apigw import definition_body

    rows = [("deepObject", True), ("form", True), ("form", False)]
    paths = {
        f"/t{index}": {
            "get": {
                "operationId": f"t{index}",
                "parameters": [
                    {
                        "name": "color",
                        "in": "query",
                        "required": True,
                        "style": style,
                        "explode": explode,
                        "schema": COLOR_OBJECT,
                    }
                ],
                "responses": {"204": {"description": "none"}},
            }
        }
        for index, (style, explode) in enumerate(rows)
    }
    spec = tmp_path / "openapi.yaml"
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    body = definition_body(parse_api(spec))
    required = [body["paths"][f"/t{i}"]["get"]["parameters"][0].get("required") for i in range(3)]
    assert required == [None, None, True]
