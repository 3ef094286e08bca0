"""Parameters declared with `content` (a JSON-encoded value) are decoded and validated like
any other parameter; other encodings are refused with the pointer (openapi-core's petstore
`coordinates` is the model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.openapi.errors import SpecError
from codegen.openapi.parser import parse_api
from tests.codegen.helpers import event, generate, load_operations

COORDINATES = {
    "type": "object",
    "required": ["lat", "lon"],
    "properties": {
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number"},
    },
}


def spec(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Content", "version": "1.0.0"},
        "paths": {
            "/places": {
                "get": {
                    "operationId": "findPlaces",
                    "x-handler": "places.find.handler",
                    "parameters": parameters,
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def content(
    name: str, location: str, media_type: str = "application/json", **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": location, "content": {media_type: {"schema": COORDINATES}}, **extra}


@pytest.fixture(scope="module")
def find(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("content")
    document = spec([content("coordinates", "query", required=True), content("X-Near", "header")])
    (root / "openapi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    generate(root / "openapi.yaml")
    return load_operations(root / "src", ["find_places"])["find_places"]


def test_a_json_query_parameter_is_decoded(find: Any) -> None:
    request = find.validate(event(query={"coordinates": ['{"lat": 51.5, "lon": -0.1}']}))
    assert not isinstance(request, dict), request
    assert request.coordinates == {"lat": 51.5, "lon": -0.1}
    assert request.x_near is None
    request = find.validate(
        event(
            query={"coordinates": ['{"lat": 1, "lon": 2}']},
            headers={"X-Near": '{"lat": 3, "lon": 4}'},
        )
    )
    assert not isinstance(request, dict) and request.x_near == {"lat": 3, "lon": 4}


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("{not json", "must be valid JSON"),
        ('{"lat": 91, "lon": 0}', ""),  # schema: maximum
        ('{"lat": 1}', ""),  # schema: required
        ('{"lat": NaN, "lon": 0}', "must be valid JSON"),
    ],
)
def test_invalid_values_are_400_naming_the_parameter(find: Any, value: str, detail: str) -> None:
    response = find.validate(event(query={"coordinates": [value]}))
    assert isinstance(response, dict) and response["statusCode"] == 400
    errors = json.loads(response["body"])["errors"]
    assert [e["location"].startswith("query.coordinates") for e in errors] == [True]
    assert detail in errors[0]["detail"]


def test_missing_and_repeated_are_400(find: Any) -> None:
    for query in (None, {"coordinates": ['{"lat":1,"lon":2}', '{"lat":1,"lon":2}']}):
        response = find.validate(event(query=query))
        assert isinstance(response, dict) and response["statusCode"] == 400, query


def test_other_encodings_are_refused_with_the_pointer(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec([content("c", "query", "text/plain")])), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        parse_api(path)
    assert raised.value.pointer == "/paths/~1places/get/parameters/0/content/text~1plain"
    assert "use application/json" in str(raised.value)
