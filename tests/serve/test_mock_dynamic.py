"""`serve --mock` with `Prefer: dynamic=true`: a random body valid against its schema,
drawn from the server's seed, so the same seed replays the same bodies (Prism's dynamic
mode; `--seed`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from codegen.openapi.published import SchemaChecker
from codegen.serve import create_app
from codegen.serve.cli import build_parser
from tests.serve.rendered_projects import rendered_project

PET = {
    "type": "object",
    "required": ["id", "name", "tags"],
    "properties": {
        "id": {"type": "integer", "minimum": 1, "maximum": 100000},
        "name": {"type": "string", "pattern": "^[A-Z][a-z]{1,10}$"},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}},
        "born": {"type": "string", "format": "date"},
        "site": {"type": "string", "format": "uri"},
    },
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "dynamic", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "getPet",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "404": {
                        "description": "no",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["message"],
                                    "properties": {"message": {"type": "string", "minLength": 3}},
                                }
                            }
                        },
                    },
                },
            }
        }
    },
    "components": {"schemas": {"Pet": PET}},
}
SCHEMA_200 = "/components/schemas/Pet"
DYNAMIC = {"Prefer": "dynamic=true"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with rendered_project(tmp_path_factory.mktemp("dynamic"), SPEC) as folder:
        yield folder


@contextmanager
def mock(root: Path, seed: int | None) -> Iterator[tuple[Client, tuple[str, ...]]]:
    app = create_app(root, mock="all", mock_seed=seed)
    try:
        yield Client(app), app.mock_banner
    finally:
        app.close()


def bodies(client: Client, count: int, headers: dict[str, str]) -> list[Any]:
    answers = [client.get("/pets", headers=headers) for _ in range(count)]
    assert all(answer.status_code == 200 for answer in answers)
    return [answer.get_json() for answer in answers]


def test_dynamic_bodies_are_valid_varied_and_replayed_by_their_seed(root: Path) -> None:
    checker = SchemaChecker(SPEC)
    with mock(root, seed=7) as (client, banner):
        static = bodies(client, 2, {})
        first = bodies(client, 6, DYNAMIC)
    assert any("seed 7" in line and "dynamic=true" in line for line in banner)
    assert static[0] == static[1]  # without the preference: the one static body
    for body in first:
        assert checker.problem(body, SCHEMA_200) is None, body
    assert len({json.dumps(body, sort_keys=True) for body in first}) >= 3
    assert any(body != static[0] for body in first)
    with mock(root, seed=7) as (client, _):
        assert bodies(client, 6, DYNAMIC) == first
    with mock(root, seed=8) as (client, _):
        assert bodies(client, 6, DYNAMIC) != first


def test_dynamic_goes_with_a_chosen_code_and_yields_to_a_named_example(root: Path) -> None:
    with mock(root, seed=1) as (client, _):
        answer = client.get("/pets", headers={"Prefer": 'code=404, dynamic="TRUE"'})
        assert answer.status_code == 404
        message = answer.get_json()["message"]
        assert isinstance(message, str) and len(message) >= 3


def test_without_a_seed_one_is_chosen_and_printed(root: Path) -> None:
    with mock(root, seed=None) as (_, banner):
        (line,) = [line for line in banner if "dynamic=true" in line]
        assert "--seed " in line


def test_the_command_line_takes_a_seed() -> None:
    args = build_parser().parse_args(["--mock", "--seed", "42"])
    assert args.seed == 42 and args.mock == "all"
