"""Every bad spec is exit 2 with exactly one line on stderr and no traceback."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.cli import main
from codegen.openapi.errors import SpecError
from codegen.openapi.parser import parse_api
from codegen.render.collect import render_all
from tests.codegen.helpers import SPECS, copy_spec, run_codegen

Spec = dict[str, Any]


def _base() -> Spec:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "x-handler": "things.get_thing.handler",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
            },
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {"201": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}
        },
    }


def _get(spec: Spec) -> Spec:
    operation: Spec = spec["paths"]["/things/{id}"]["get"]
    return operation


def _post(spec: Spec) -> Spec:
    operation: Spec = spec["paths"]["/things"]["post"]
    return operation


def _param(spec: Spec, **fields: Any) -> None:
    _get(spec)["parameters"].append(
        {"name": "q", "in": "query", "schema": {"type": "string"}, **fields}
    )


def _set(path: list[str | int], value: Any) -> Callable[[Spec], None]:
    def mutate(spec: Spec) -> None:
        node: Any = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _duplicate_handler(spec: Spec) -> None:
    _post(spec)["x-handler"] = "things.get_thing.handler"


def _table_missing(spec: Spec) -> None:
    _get(spec)["x-codegen-dynamodb"] = {"table": "Nope", "actions": ["GetItem"]}


def _unknown_action(spec: Spec) -> None:
    spec["x-codegen"] = {
        "tables": {"T": {"partitionKey": {"name": "id", "type": "S"}, "environment": "T"}}
    }
    _get(spec)["x-codegen-dynamodb"] = {"table": "T", "actions": ["Explode"]}


def _bad_table_key(spec: Spec) -> None:
    spec["x-codegen"] = {
        "tables": {"T": {"partitionKey": {"name": "id", "type": "X"}, "environment": "T"}}
    }


def _required_not_allowed(spec: Spec) -> None:
    spec["components"]["schemas"]["Thing"].update(
        {"required": ["missing"], "additionalProperties": False}
    )


def _content_parameter(spec: Spec) -> None:
    # JSON-encoded `content` parameters render (test_content_parameters); other encodings
    # cannot be decoded into a value to validate.
    _param(spec, content={"text/plain": {"schema": {}}})
    del _get(spec)["parameters"][1]["schema"]


def _use(spec: Spec, name: str) -> None:
    """Make Thing refer to component `name` (so it is part of the API)."""
    spec["components"]["schemas"]["Thing"]["properties"][name.lower()] = {
        "$ref": f"#/components/schemas/{name}"
    }


def _self_all_of(spec: Spec) -> None:
    spec["components"]["schemas"]["A"] = {"allOf": [{"$ref": "#/components/schemas/A"}]}
    _use(spec, "A")


def _indirect_cycle(spec: Spec) -> None:
    """B -allOf-> C -anyOf-> B: no schema is its own member directly."""
    spec["components"]["schemas"]["B"] = {
        "allOf": [{"type": "object"}, {"oneOf": [{"$ref": "#/components/schemas/C"}]}]
    }
    spec["components"]["schemas"]["C"] = {
        "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/B"}]
    }
    _use(spec, "B")


def _ref_to_ref(spec: Spec) -> None:
    spec["components"]["schemas"]["D"] = {"$ref": "#/components/schemas/E"}
    spec["components"]["schemas"]["E"] = {"$ref": "#/components/schemas/D"}
    _use(spec, "D")


# (id, mutation, the pointer the message must name, a fragment of the message)
MUTATIONS: list[tuple[str, Callable[[Spec], None], str, str]] = [
    ("openapi-3.1", _set(["openapi"], "3.1.0"), "/openapi:", "3.1.0 is not supported"),
    ("invalid-openapi", lambda s: s.pop("info"), "/:", "'info' is a required property"),
    (
        "invalid-schema-keyword",
        _set(["components", "schemas", "Thing", "minLength"], "x"),
        "/components/schemas/Thing",
        "invalid OpenAPI 3.0",
    ),
    (
        # openapi-spec-validator's error for it made jsonschema's best_match crash
        # ("'Unset' object has no attribute 'is_type'"): now the error, with where it is.
        "default-breaks-its-schema",
        _set(
            ["components", "schemas", "Thing", "properties", "flag"],
            {"type": "boolean", "default": "false"},
        ),
        "/components/schemas/Thing/properties/flag:",
        "'false' is not of type 'boolean'",
    ),
    (
        "unresolvable-ref",
        _set(["components", "schemas", "Thing", "properties", "o"], {"$ref": "#/nope/X"}),
        "/components/schemas/Thing/properties/o/$ref",
        "does not resolve",
    ),
    (
        "external-ref",
        _set(["components", "schemas", "Thing", "properties", "o"], {"$ref": "other.yaml#/X"}),
        "/components/schemas/Thing/properties/o/$ref",
        "external $ref",
    ),
    ("cookie-parameter", lambda s: _param(s, **{"in": "cookie"}), "/parameters/1:", "cookie"),
    ("deep-object-style", lambda s: _param(s, style="deepObject"), "/parameters/1:", "deepObject"),
    (
        # An object in the query is decoded (tests/codegen/test_parameter_styles.py); in a
        # header it is not.
        "object-parameter",
        lambda s: _param(s, schema={"type": "object"}, **{"in": "header"}),
        "/parameters/1:",
        "type object cannot be rendered",
    ),
    (
        "content-parameter",
        _content_parameter,
        "/parameters/1/content/text~1plain:",
        "only JSON-encoded `content`",
    ),
    (
        "bad-x-handler",
        _set(["paths", "/things/{id}", "get", "x-handler"], "things"),
        "/x-handler",
        "module.function",
    ),
    (
        "x-handler-keyword",
        _set(["paths", "/things/{id}", "get", "x-handler"], "class.handler"),
        "/x-handler",
        "module.function",
    ),
    (
        "x-handler-in-generated",
        _set(["paths", "/things/{id}", "get", "x-handler"], "generated.x.handler"),
        "/x-handler",
        "generated",
    ),
    ("duplicate-handler", _duplicate_handler, "/paths/~1things/post", "handler"),
    # Colliding Python names are resolved, not refused: tests/codegen/test_name_limits.py.
    ("table-not-declared", _table_missing, "/x-codegen-dynamodb/table", "not declared"),
    ("unknown-dynamodb-action", _unknown_action, "/x-codegen-dynamodb/actions/0", "Explode"),
    ("bad-table-key", _bad_table_key, "/x-codegen/tables/T/partitionKey/type", "S, N or B"),
    (
        "undeclared-path-parameter",
        _set(["paths", "/things/{id}", "get", "parameters"], []),
        "/paths/~1things~1{id}/get",
        "{id}",
    ),
    ("uncompilable-schema", _required_not_allowed, "/paths/~1things/post", "cannot be compiled"),
    (
        "invalid-pattern",
        _set(["components", "schemas", "Thing", "properties", "name", "pattern"], "(unclosed"),
        "/components/schemas/Thing/properties/name/pattern",
        "is not a valid regular expression",
    ),
    (
        # Python reads a POSIX class as a nested set (a FutureWarning, not "a letter"); the
        # warning used to print on stderr before a pointer-less validator crash.
        "posix-class-pattern",
        _set(["components", "schemas", "Thing", "properties", "name", "pattern"], "[[:alpha:]]"),
        "/components/schemas/Thing/properties/name/pattern",
        "is not a valid regular expression: Possible nested set",
    ),
    (
        "self-allof",
        _self_all_of,
        "/components/schemas/A/allOf/0/$ref",
        "$ref cycle through allOf: #/components/schemas/A -> ",
    ),
    (
        "indirect-composition-cycle",
        _indirect_cycle,
        "/components/schemas/C/anyOf/1/$ref",
        "$ref cycle through allOf/anyOf/oneOf",
    ),
    (
        "ref-to-ref-cycle",
        _ref_to_ref,
        "/components/schemas/E/$ref",
        "$ref cycle: #/components/schemas/D -> #/components/schemas/E -> #/components/schemas/D",
    ),
]

# Raw texts that are not even a spec.
TEXTS: list[tuple[str, str, str]] = [
    ("yaml-syntax-error", "openapi: [3.0.3\n", "not valid YAML"),
    ("not-a-mapping", "- just\n- a list\n", "must be a mapping"),
    (
        "swagger-2",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
        "2.0 is not supported",
    ),
    ("duplicate-yaml-key", "openapi: 3.0.3\nopenapi: 3.0.3\n", "duplicate key"),
    ("python-tag", "openapi: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ("invalid-utf8", "openapi: \udcff\n", "not valid UTF-8"),
]


def _assert_one_line_error(result: Any, *fragments: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line: str = lines[0]
    assert line.startswith("codegen: error: ")
    for fragment in fragments:
        assert fragment in line
    return line


def _write(path: Path, spec: Spec) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_base_spec_is_valid(tmp_path: Path) -> None:
    parse_api(_write(tmp_path / "openapi.yaml", _base()))


@pytest.mark.parametrize(
    ("mutate", "pointer", "message"),
    [pytest.param(m, p, msg, id=i) for i, m, p, msg in MUTATIONS],
)
def test_bad_spec_raises_spec_error_with_pointer(
    tmp_path: Path, mutate: Callable[[Spec], None], pointer: str, message: str
) -> None:
    spec = copy.deepcopy(_base())
    mutate(spec)
    with pytest.raises(SpecError) as raised:
        render_all(parse_api(_write(tmp_path / "openapi.yaml", spec)))
    assert pointer in str(raised.value)
    assert message in raised.value.message


@pytest.mark.parametrize(("text", "message"), [pytest.param(t, m, id=i) for i, t, m in TEXTS])
def test_bad_text_raises_spec_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(SpecError, match=message):
        parse_api(path)


def _all_cases(tmp_path: Path) -> list[tuple[Path, str]]:
    """(spec path, fragment its error line must contain) for every bad input."""
    cases: list[tuple[Path, str]] = []
    for case_id, mutate, pointer, _ in MUTATIONS:
        spec = copy.deepcopy(_base())
        mutate(spec)
        cases.append((_write(tmp_path / f"{case_id}.yaml", spec), pointer))
    for case_id, text, message in TEXTS:
        path = tmp_path / f"{case_id}.yaml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        cases.append((path, message))
    cases.append((tmp_path / "missing.yaml", "cannot read"))
    cases.append((tmp_path, "cannot read"))  # a directory
    cases.append((copy_spec(SPECS / "petstore-openapi-core.yaml", tmp_path / "oc"), "/parameters/"))
    return cases


def test_every_bad_spec_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every case through the CLI's entry point, in-process (one interpreter: fast)."""
    for path, fragment in _all_cases(tmp_path):
        code = main(["--spec", str(path)])
        captured = capsys.readouterr()
        result = subprocess.CompletedProcess([], code, captured.out, captured.err)
        _assert_one_line_error(result, fragment)


def test_bad_specs_from_a_real_process(tmp_path: Path) -> None:
    """A sample that covers each stage (YAML, version, schema, parser, compiler) as a real
    `python -m codegen` run: what a developer sees, interpreter start-up included."""
    cases = _all_cases(tmp_path)
    sample_ids = [
        "yaml-syntax-error",
        "openapi-3.1",
        "invalid-openapi",
        "cookie-parameter",
        "uncompilable-schema",
        "missing",
        # A warning on stderr (a second line) and a crash deep in recursion, in a real
        # process, where no pytest hook captures warnings.
        "posix-class-pattern",
        "self-allof",
    ]
    sample = [case for case in cases if case[0].stem in sample_ids]
    assert len(sample) == len(sample_ids)
    with ThreadPoolExecutor(max_workers=2) as pool:  # subprocesses: threads suffice
        results = list(pool.map(lambda case: run_codegen("--spec", str(case[0])), sample))
    for (_, fragment), result in zip(sample, results, strict=True):
        _assert_one_line_error(result, fragment)
    # `check` reports spec errors the same way.
    _assert_one_line_error(run_codegen("check", "--spec", str(sample[0][0])), sample[0][1])


def test_recursion_through_properties_and_patterns_in_examples_are_fine(tmp_path: Path) -> None:
    """The cycle and pattern checks refuse only what they must: a tree type recursing
    through `properties`/`items` (through an allOf too), a property named `pattern`,
    and a `pattern` key inside an example are all accepted."""
    spec = _base()
    schemas = spec["components"]["schemas"]
    schemas["Node"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Thing"},
            {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node"},
                    "pattern": {"type": "string", "pattern": "^[a-z]+$"},
                },
                "example": {"pattern": "[[:alpha:]]"},
            },
        ]
    }
    schemas["Thing"]["properties"]["node"] = {"$ref": "#/components/schemas/Node"}
    render_all(parse_api(_write(tmp_path / "openapi.yaml", spec)))
