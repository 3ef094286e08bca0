"""Names from any spec: every derived identifier within its limit, clashes resolved.

Specs built to hit each limit (file and module names, handler strings, logical ids,
authorizer names from OAuth2 scope URLs as Google's specs have them) and each clash
(`MaxResults` and `max_results`, operationIds `getA` and `get_a`, a parameter named
`body`) render, the template passes aws-sam-translator and cfn-lint, and the generated
validators still read every parameter by its name as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.openapi.naming import MAX_NAME, bounded, python_name
from codegen.openapi.parser import parse_api
from codegen.render.collect import render_all, write
from tests.codegen.helpers import event, load_operations, run_codegen
from tests.support.aws_checks import cfn_lint_errors, parse_sam, translate, write_json

LONG = "VeryLong" * 40  # 320 characters: over every limit (255-byte file names included)
SCOPES = [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/cloud-platform.read-only",
    "https://www.googleapis.com/auth/devstorage.full_control",
]
# Lambda's Handler pattern and length (cfn-lint E3031/E3033); logical ids (CloudFormation).
HANDLER_LIMIT = 128
LOGICAL_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")


OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}


def _clashes_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Clashes", "version": "1.0"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [
                        {"name": "MaxResults", "in": "query", "schema": {"type": "integer"}},
                        {"name": "max_results", "in": "query", "schema": {"type": "integer"}},
                        {"name": "max-results", "in": "header", "schema": {"type": "string"}},
                        {"name": "body", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": OK,
                }
            },
            "/a": {"get": {"operationId": "getA", "responses": OK}},
            "/b": {"get": {"operationId": "get_a", "responses": OK}},
        },
    }


def _limits_spec() -> dict[str, Any]:
    ok = OK
    return {
        "openapi": "3.0.3",
        "info": {"title": "Limits " + "t" * 1100, "version": "1.0"},
        "paths": {
            f"/things/{{{LONG}Id}}": {
                "get": {
                    "operationId": f"get{LONG}",
                    "tags": [f"tag{LONG}"],
                    "summary": "s" * 300,  # over Lambda's 256 for a Description
                    "security": [{"google": SCOPES}],
                    "parameters": [
                        {
                            "name": f"{LONG}Id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": f"q{LONG}", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": ok,
                }
            },
            "/c": {"get": {"operationId": f"get{LONG}x", "tags": [f"tag{LONG}"], "responses": ok}},
        },
        "components": {
            "securitySchemes": {
                "google": {
                    "type": "oauth2",
                    "flows": {
                        "implicit": {
                            "authorizationUrl": "https://accounts.google.com/o/oauth2/auth",
                            "scopes": {scope: scope for scope in SCOPES},
                        }
                    },
                },
            }
        },
    }


def _render(directory: Path, document: dict[str, Any]) -> Path:
    spec = directory / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    write(directory, render_all(parse_api(spec)))
    return directory


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("limits"), _limits_spec())


@pytest.fixture(scope="module")
def clashes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("clashes"), _clashes_spec())


def test_every_file_name_fits(rendered: Path) -> None:
    files = [p for p in rendered.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        relative = path.relative_to(rendered)
        for part in relative.parts:
            stem = part.removesuffix(".py")
            assert len(stem) <= MAX_NAME, relative
            if part.endswith(".py"):
                assert stem.isidentifier(), relative


def test_template_names_fit_and_aws_tools_accept_it(rendered: Path) -> None:
    template_path = rendered / "template.yaml"
    template = parse_sam(template_path.read_text(encoding="utf-8"))
    for logical_id, resource in template["Resources"].items():
        assert LOGICAL_ID.match(logical_id), logical_id
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            assert len(properties.get("Handler", "")) <= HANDLER_LIMIT, properties["Handler"]
            assert len(properties.get("Description", "")) <= 256
            name = properties.get("FunctionName")  # a literal one: none derives from the spec
            assert not isinstance(name, str) or len(name) <= 64
    schemes = template["Resources"]["Api"]["Properties"]["DefinitionBody"]["components"][
        "securitySchemes"
    ]
    assert all(len(name) <= MAX_NAME for name in schemes), list(schemes)
    assert cfn_lint_errors(template_path) == []
    translated = write_json(translate(template_path.read_text()), rendered / "translated.json")
    assert cfn_lint_errors(translated) == []


def test_clashing_parameters_each_read_their_own(clashes: Path) -> None:
    api = parse_api(clashes / "openapi.yaml")
    operation = next(op for op in api.operations if op.path == "/things")
    fields = {p.name: p.python_name for p in operation.parameters}
    assert len(set(fields.values())) == len(fields)
    # The exact spelling keeps its name; the others get a stable hash of theirs.
    assert fields["max_results"] == "max_results"
    assert fields["MaxResults"] == "max_results_" + "e87ed994"
    assert fields["body"] != "body"
    module = load_operations(clashes / "src", [operation.python_name])[operation.python_name]
    request = module.validate(
        event(
            query={"MaxResults": ["1"], "max_results": ["2"], "body": ["b"]},
            headers={"max-results": "3"},
        )
    )
    assert not isinstance(request, dict), request
    assert getattr(request, fields["MaxResults"]) == 1
    assert request.max_results == 2
    assert getattr(request, fields["max-results"]) == "3"
    assert getattr(request, fields["body"]) == "b"


def test_clashing_operation_ids_are_both_rendered(clashes: Path) -> None:
    api = parse_api(clashes / "openapi.yaml")
    names = {op.operation_id: op.python_name for op in api.operations}
    assert names["get_a"] == "get_a"  # spelled exactly so: it keeps the name
    assert names["getA"].startswith("get_a_") and len(names["getA"]) == len("get_a_") + 8
    assert (clashes / "src/generated/operations" / f"{names['getA']}.py").is_file()
    assert len({op.class_name for op in api.operations}) == len(api.operations)


def test_long_names_sharing_a_start_stay_apart(rendered: Path) -> None:
    api = parse_api(rendered / "openapi.yaml")
    names = {op.operation_id: op.python_name for op in api.operations}
    assert names[f"get{LONG}"] != names[f"get{LONG}x"]


def test_names_are_stable() -> None:
    assert bounded("short") == "short"
    name = python_name("get" + LONG)
    assert len(name) == MAX_NAME and name == python_name("get" + LONG)
    assert re.fullmatch(r"get_very_long\w+_[0-9a-f]{8}", name), name


@pytest.mark.parametrize(
    "document",
    [
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a: [1, 2]}\n",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses: {'200': {description: ok}}\n      parameters: [{in: query}]\n",
        "just text",
    ],
)
def test_a_bad_spec_is_one_line_and_exit_2(tmp_path: Path, document: str) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(document, encoding="utf-8")
    result = run_codegen("--spec", str(spec), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_component_names_one_function_apart_and_dollar_in_a_set(tmp_path: Path) -> None:
    """`Long` and `long` (AWS's specs) would be one fastjsonschema function; `[$a-z]+`
    would become the bad escape `[\\Za-z]+`. Both render, and both check what they say."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Components", "version": "1.0"},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "postX",
                    "parameters": [
                        {
                            "name": "v",
                            "in": "query",
                            "schema": {"type": "string", "pattern": "^[$a-z]+$"},
                        }
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "a": {"$ref": "#/components/schemas/Long"},
                                        "b": {"$ref": "#/components/schemas/long"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": OK,
                }
            }
        },
        "components": {"schemas": {"Long": {"type": "integer"}, "long": {"type": "string"}}},
    }
    _render(tmp_path, document)
    module = load_operations(tmp_path / "src", ["post_x"])["post_x"]
    headers = {"Content-Type": "application/json"}
    good = module.validate(event(query={"v": ["$ab"]}, headers=headers, body='{"a": 1, "b": "s"}'))
    assert not isinstance(good, dict), good
    bad = module.validate(event(query={"v": ["A"]}, headers=headers, body='{"a": "s", "b": 1}'))
    assert isinstance(bad, dict) and bad["statusCode"] == 400
    locations = {error["location"] for error in json.loads(bad["body"])["errors"]}
    assert locations == {"query.v", "body.a", "body.b"}
