"""Operations on paths API Gateway cannot build a resource for are left out, said once each.

Real specs put a parameter inside a segment (apis.guru's `/{provider}.json`, bufferapp's
`/profiles/{id}{mediaTypeExtension}`, Google's `/{rootDomain}:rotateChallenges`); API
Gateway refuses to import such a path ("Resource's path part only allow a-zA-Z0-9._- and
curly braces at the beginning and the end ..."), so the whole stack would not deploy.
The rest of the spec renders, serves and publishes without them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from moto import mock_aws
from werkzeug.test import Client

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.parser import parse_api
from codegen.openapi.published import published_document
from codegen.openapi.resource_paths import undeployable_reason
from codegen.serve import LocalApi, create_app
from codegen.serve.cli import announce
from tests.codegen.helpers import generate, generated_package, run_codegen
from tests.support.aws_checks import parse_sam

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
# path -> methods: the operations API Gateway cannot route (a parameter inside a segment,
# or a character a path part may not have).
UNDEPLOYABLE = {
    "/{provider}.json": ["get"],
    "/specs/{provider}/{api}.json": ["get", "delete"],
    "/profiles/{id}{mediaTypeExtension}": ["get"],
    "/v1/acmeChallengeSets/{rootDomain}:rotateChallenges": ["post"],
    "/$metadata": ["get"],
}
DEPLOYABLE = {"/list": ["get"], "/v1/events:batch": ["post"], "/specs/{provider}": ["get"]}


def _spec(paths: dict[str, list[str]]) -> dict[str, Any]:
    def item(path: str, methods: list[str]) -> dict[str, Any]:
        names = [part.strip("{}") for part in path.replace("}", "}/").split("/") if "{" in part]
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in names
        ]
        return {method: {"parameters": parameters, "responses": OK} for method in methods}

    return {
        "openapi": "3.0.3",
        "info": {"title": "Paths", "version": "1"},
        "paths": {path: item(path, methods) for path, methods in paths.items()},
    }


def _write(directory: Path, paths: dict[str, list[str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    spec = directory / "openapi.yaml"
    spec.write_text(yaml.safe_dump(_spec(paths), sort_keys=False), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("paths"), {**UNDEPLOYABLE, **DEPLOYABLE})


def test_the_model_leaves_them_out(spec: Path) -> None:
    api = parse_api(spec)
    expected = [(m.upper(), p) for p, methods in UNDEPLOYABLE.items() for m in methods]
    assert [(s.method, s.path) for s in api.skipped] == expected
    assert [(op.method, op.path) for op in api.operations] == [
        (m.upper(), p) for p, methods in DEPLOYABLE.items() for m in methods
    ]
    assert list(api.document["paths"]) == list(DEPLOYABLE)
    skipped = api.skipped[0]
    assert skipped.pointer == "/paths/~1{provider}.json/get"
    assert "whole segment, {name} or {name+}" in skipped.reason


def test_generate_warns_once_per_operation_and_renders_the_rest(spec: Path) -> None:
    result = run_codegen("--spec", str(spec))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    expected = [(p, m) for p, methods in UNDEPLOYABLE.items() for m in methods]
    assert len(lines) == len(expected)
    for line, (path, method) in zip(lines, expected, strict=True):
        pointer = join_pointer("/paths", path, method)
        assert line.startswith(f"codegen: warning: {pointer}: {method.upper()} {path} "), line
        assert "is left out of the API" in line
    assert "mixes a parameter with text" in lines[0]
    assert "API Gateway resources take a path parameter only as a whole segment" in lines[0]
    assert "'$metadata' has a character" in lines[-1]
    assert "a-zA-Z0-9._-:" in lines[-1]

    template = parse_sam((spec.parent / "template.yaml").read_text(encoding="utf-8"))
    body = template["Resources"]["Api"]["Properties"]["DefinitionBody"]
    assert not set(UNDEPLOYABLE) & set(body["paths"])
    assert set(DEPLOYABLE) <= set(body["paths"])
    stubs = {p.name for p in (spec.parent / "src").glob("*.py")}
    assert stubs == {"get_list.py", "post_v1_events_batch.py", "get_specs_provider.py"}


def test_a_spec_with_no_operation_left_is_refused(tmp_path: Path) -> None:
    spec = _write(tmp_path, UNDEPLOYABLE)
    with pytest.raises(SpecError) as refused:
        parse_api(spec)
    assert refused.value.pointer == "/paths"
    result = run_codegen("--spec", str(spec))
    assert result.returncode == 2
    assert result.stderr.startswith("codegen: error: /paths: no operation is left to deploy")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "template.yaml").exists()


def test_the_published_document_lacks_them(spec: Path) -> None:
    api = parse_api(spec)
    assert list(published_document(api.document, api.spec_path)["paths"]) == list(DEPLOYABLE)


@pytest.fixture(scope="module")
def served(spec: Path) -> Iterator[LocalApi]:
    generate(spec)
    # Its own generated package, not the checkout's (create_app puts src/ on sys.path).
    with generated_package(spec.parent / "src"):
        app = create_app(spec.parent, mock="all")
        try:
            yield app
        finally:
            app.close()
    sys.path[:] = [p for p in sys.path if not p.startswith(str(spec.parent))]


def test_serve_says_so_and_publishes_the_rest(
    served: LocalApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(served.warnings) == 6
    assert served.warnings[0].startswith("codegen: warning: /paths/~1{provider}.json/get: ")
    announce(served, "http://127.0.0.1:3000")  # the start banner of `serve`
    assert capsys.readouterr().err.splitlines() == list(served.warnings)
    assert {route.path for route in served.routes} == set(DEPLOYABLE)
    client = Client(served)
    published = client.get("/openapi.json").get_json()
    assert list(published["paths"]) == list(DEPLOYABLE)
    assert client.get("/list").status_code == 200


# The segments, as API Gateway (here moto, which checks the same pattern) takes them.
SEGMENTS = ["users", "{id}", "{proxy+}", "events:batch", "v1.2_x-y", "{a}.json", "{a}{b}"]
SEGMENTS += ["{a}:rotate", "a b", "$metadata", "a~b", "{user id}", "a,b"]


@pytest.mark.parametrize("segment", SEGMENTS)
def test_segments_are_judged_as_api_gateway_does(segment: str) -> None:
    with mock_aws():
        gateway = boto3.client("apigateway", region_name="us-east-1")
        api_id = gateway.create_rest_api(name="paths")["id"]
        root_id = gateway.get_resources(restApiId=api_id)["items"][0]["id"]
        try:
            gateway.create_resource(restApiId=api_id, parentId=root_id, pathPart=segment)
            accepted = True
        except ClientError:
            accepted = False
    assert (undeployable_reason(f"/x/{segment}") is None) is accepted
