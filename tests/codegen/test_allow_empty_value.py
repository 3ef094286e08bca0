"""`allowEmptyValue: true` on a query parameter: `?name=` counts as not sent.

API Gateway passes `?year=` on as the value "" (what a real spec, canada-holidays.ca,
documents as accepted for an integer and an enum); the generated validator applies the
default, or None, instead of answering 400. Without `allowEmptyValue` an empty value is
still checked like any other.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.codegen.helpers import errors_of, event, generate, load_operations

YEAR = {"type": "integer", "minimum": 2016, "maximum": 2029, "default": 2023}
FLAG = {"type": "string", "enum": ["1", "0", "true", "false"], "default": "false"}
IDS = {"type": "array", "items": {"type": "integer"}}
COLOR = {"type": "object", "properties": {c: {"type": "integer"} for c in "RG"}}


def _query(name: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **extra}


def _spec() -> dict[str, Any]:
    allow = {"allowEmptyValue": True}
    parameters = [
        _query("year", YEAR, **allow),  # canada-holidays.ca's parameters, as written
        _query("optional", FLAG, **allow),
        _query("federal", {"type": "string", "enum": ["1", "0"]}, **allow),  # no default
        _query("ids", IDS, **allow),  # form, not exploded: ?ids=1,2
        _query("tags", IDS, explode=True, **allow),  # ?tags=1&tags=2
        _query("color", COLOR, style="deepObject", explode=True, **allow),
        _query("strict", {"type": "integer"}),  # no allowEmptyValue: "" is no integer
        _query("level", FLAG),
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Empty values", "version": "1"},
        "paths": {
            "/holidays": {
                "get": {
                    "operationId": "listHolidays",
                    "parameters": parameters,
                    "responses": {"204": {"description": "none"}},
                }
            },
            "/required": {
                "get": {
                    "operationId": "requiredYear",
                    "parameters": [_query("year", YEAR, required=True, **allow)],
                    "responses": {"204": {"description": "none"}},
                }
            },
        },
    }


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    directory = tmp_path_factory.mktemp("empty")
    spec = directory / "openapi.yaml"
    spec.write_text(yaml.safe_dump(_spec()), encoding="utf-8")
    generate(spec)
    return load_operations(directory / "src", ["list_holidays", "required_year"])


def _validate(modules: dict[str, ModuleType], query: dict[str, list[str]]) -> Any:
    return modules["list_holidays"].validate(event(query=query))


def test_an_empty_value_takes_the_default(modules: dict[str, ModuleType]) -> None:
    request = _validate(modules, {"optional": [""], "year": [""], "federal": [""]})
    assert (request.optional, request.year, request.federal) == ("false", 2023, None)
    # A value that is not empty is still checked.
    assert _validate(modules, {"year": ["2024"], "optional": ["1"]}).year == 2024
    errors = errors_of(_validate(modules, {"year": ["2015"], "optional": ["yes"]}))
    assert {e["location"] for e in errors} == {"query.year", "query.optional"}


def test_empty_arrays_and_objects_are_not_sent(modules: dict[str, ModuleType]) -> None:
    # `?ids=` is no array at all (not [] nor [""]); an empty item of an exploded array, or
    # an empty property of a deepObject, is dropped like an empty parameter.
    request = _validate(modules, {"ids": [""], "tags": ["", "2"], "color[R]": [""]})
    assert (request.ids, request.tags, request.color) == (None, [2], None)
    request = _validate(modules, {"color[R]": [""], "color[G]": ["5"]})
    assert request.color == {"G": 5}


def test_without_allow_empty_value_an_empty_value_is_refused(
    modules: dict[str, ModuleType],
) -> None:
    # One request, both kinds: only the parameters without allowEmptyValue are errors.
    query = {"strict": [""], "level": [""], "year": [""], "optional": [""]}
    errors = errors_of(_validate(modules, query))
    assert {e["location"] for e in errors} == {"query.strict", "query.level"}


def test_a_required_parameter_still_needs_a_value(modules: dict[str, ModuleType]) -> None:
    # Not sent, so required: an empty value never stands in for one.
    errors = errors_of(modules["required_year"].validate(event(query={"year": [""]})))
    assert errors == [{"location": "query.year", "detail": "is required"}]
    assert modules["required_year"].validate(event(query={"year": ["2020"]})).year == 2020


def test_only_query_parameters_allow_empty_values(tmp_path: Path) -> None:
    from codegen.openapi.parser import parse_api

    document = _spec()
    header = {"name": "x-year", "in": "header", "schema": {"type": "integer"}}
    document["paths"]["/required"]["get"]["parameters"].append({**header, "allowEmptyValue": True})
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    (operation,) = [op for op in parse_api(spec).operations if op.python_name == "required_year"]
    assert [(p.name, p.allow_empty_value) for p in operation.parameters] == [
        ("year", True),
        ("x-year", False),
    ]
