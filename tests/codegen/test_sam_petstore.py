"""The official Swagger Petstore 3.0, end to end: parse, validators, stubs, routes, template.

specs/swagger-petstore-3.0.yaml is the published spec. Its security cannot be enforced by
API Gateway natively, so as published it renders with Lambda authorizers
(test_the_published_spec_generates_with_lambda_authorizers):
- every OAuth requirement asks for *both* `write:pets` and `read:pets`, while API Gateway
  grants a token carrying *either* of a method's scopes;
- getPetById accepts an API key *or* an OAuth token, while a REST method enforces one
  authorizer and an API key *together*;
- its API key is read from a header named `api_key`; API Gateway reads `x-api-key` only.
With three changes (`adapted`) it stays native, and everything else generates: JSON
beside XML and form bodies, an octet-stream upload, oauth2 as a Cognito user pools
authorizer with scopes, API keys with a usage plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from codegen.openapi.aws_names import API_KEY_SOURCE, BINARY_MEDIA_TYPES
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.apigw import USER_POOL_PARAMETER
from codegen.render.cloudformation.sam import render_template
from tests.codegen.helpers import SPECS, event, generate, load_operations, run_codegen
from tests.support import aws_checks

OFFICIAL = SPECS / "swagger-petstore-3.0.yaml"
OPERATIONS = 19
PET = {"name": "doggie", "photoUrls": ["https://example.com/1.jpg"], "status": "available"}


def either_scope(document: dict[str, Any]) -> dict[str, Any]:
    """`{petstore_auth: [write, read]}` (both) -> one alternative per scope (either)."""
    for item in document["paths"].values():
        for operation in item.values():
            rewritten = []
            for requirement in operation.get("security", []):
                scopes = requirement.get("petstore_auth")
                if scopes and len(requirement) == 1:
                    rewritten += [{"petstore_auth": [scope]} for scope in scopes]
                else:
                    rewritten.append(requirement)
            if "security" in operation:
                operation["security"] = rewritten
    return document


def adapted(document: dict[str, Any]) -> dict[str, Any]:
    """The three changes the generator's messages ask for, nothing else."""
    either_scope(document)
    document["components"]["securitySchemes"]["api_key"]["name"] = "X-API-Key"
    document["paths"]["/pet/{petId}"]["get"]["security"] = [{"api_key": []}]
    return document


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("petstore3")
    document = adapted(yaml.safe_load(OFFICIAL.read_text(encoding="utf-8")))
    (root / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    generate(root / "openapi.yaml")
    return root


@pytest.fixture(scope="module")
def operations(project: Path) -> dict[str, ModuleType]:
    names = [op.python_name for op in parse_api(project / "openapi.yaml").operations]
    return load_operations(project / "src", names)


@pytest.fixture(scope="module")
def cfn(project: Path) -> dict[str, Any]:
    return aws_checks.translate((project / "template.yaml").read_text(encoding="utf-8"))


def refusal(tmp_path: Path, document: dict[str, Any]) -> str:
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run_codegen(cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert not (tmp_path / "template.yaml").exists()
    (line,) = result.stderr.splitlines()
    return line


def test_the_published_spec_generates_with_lambda_authorizers(tmp_path: Path) -> None:
    """As published: both scopes required, key OR token, the key in header `api_key`."""
    (tmp_path / "openapi.yaml").write_bytes(OFFICIAL.read_bytes())
    result = run_codegen(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    api = parse_api(tmp_path / "openapi.yaml")
    assert len(api.operations) == OPERATIONS
    names = {a.name for a in api.authorizers}
    assert names == {
        "petstore_auth_write_pets_read_pets",
        "api_key_or_petstore_auth_write_pets_read_pets",
        "api_key",
    }
    for name in ("api_key", "petstore_auth"):  # one verification stub per scheme
        assert (tmp_path / "src/authorizers" / f"{name}.py").is_file()
    cfn = aws_checks.translate((tmp_path / "template.yaml").read_text(encoding="utf-8"))
    cfn_file = aws_checks.write_json(cfn, tmp_path / "template.cfn.json")
    errors = aws_checks.cfn_lint_errors(tmp_path / "template.yaml")
    assert errors + aws_checks.cfn_lint_errors(cfn_file) == []
    assert set(aws_checks.authorizer_permissions(cfn)) == {a.logical_id for a in api.authorizers}
    assert len(aws_checks.permission_routes(cfn)) == OPERATIONS
    assert run_codegen("check", cwd=tmp_path).returncode == 0


def test_everything_is_generated_and_check_finds_it_current(project: Path) -> None:
    api = parse_api(project / "openapi.yaml")
    assert len(api.operations) == OPERATIONS
    for op in api.operations:
        assert (project / "src" / op.handler.relative_path).is_file(), op.handler.dotted
        assert (project / "src/generated/operations" / f"{op.python_name}.py").is_file()
    routes = (project / "src/generated/routes.py").read_text(encoding="utf-8")
    assert routes.count("Route(") >= OPERATIONS
    result = run_codegen("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_is_validated_and_xml_and_forms_are_bytes(
    operations: dict[str, ModuleType],
) -> None:
    add_pet = operations["add_pet"]
    ok = add_pet.validate(event(body=json.dumps(PET), headers={"Content-Type": "application/json"}))
    assert not isinstance(ok, dict), ok
    assert ok.body == PET
    missing = add_pet.validate(
        event(body=json.dumps({"name": "x"}), headers={"Content-Type": "application/json"})
    )
    assert isinstance(missing, dict) and missing["statusCode"] == 400
    for media_type in ("application/xml", "application/x-www-form-urlencoded"):
        other = add_pet.validate(event(body="<pet/>", headers={"Content-Type": media_type}))
        assert not isinstance(other, dict) and other.body == b"<pet/>", media_type
    refused = add_pet.validate(event(body="<pet/>", headers={"Content-Type": "text/xml"}))
    assert isinstance(refused, dict) and refused["statusCode"] == 415
    assert json.loads(refused["body"]) == {
        "message": "Content-Type must be one of: application/json, "
        "application/x-www-form-urlencoded, application/xml"
    }


def test_without_its_path_parameter_a_request_gets_the_declared_404(
    operations: dict[str, ModuleType],
) -> None:
    # getPetById declares a 404 with no example: its answer is the status's phrase.
    refused = operations["get_pet_by_id"].validate(event())
    assert refused["statusCode"] == 404
    assert json.loads(refused["body"]) == {"message": "Not Found"}
    # uploadFile declares none: the missing parameter is a 400 like any other.
    unlisted = operations["upload_file"].validate(event())
    assert unlisted["statusCode"] == 400
    assert json.loads(unlisted["body"])["errors"][0]["location"] == "path.petId"


def test_parameters_are_coerced(operations: dict[str, ModuleType]) -> None:
    request = operations["get_pet_by_id"].validate(event(path={"petId": "42"}))
    assert not isinstance(request, dict) and request.pet_id == 42
    request = operations["find_pets_by_status"].validate(event())
    assert not isinstance(request, dict) and request.status == "available"  # its default


def test_an_octet_stream_upload_reaches_the_handler(operations: dict[str, ModuleType]) -> None:
    upload = operations["upload_file"].validate(
        event(
            path={"petId": "1"},
            body="AAECAw==",
            base64=True,
            headers={"Content-Type": "application/octet-stream"},
        )
    )
    assert not isinstance(upload, dict), upload
    assert upload.body == b"\x00\x01\x02\x03"  # base64-decoded, not parsed as JSON
    assert upload.pet_id == 1
    # Sent as text (API Gateway did not treat it as binary): its UTF-8 bytes.
    text = operations["upload_file"].validate(
        event(
            path={"petId": "1"},
            body="{not json",
            headers={"Content-Type": "application/octet-stream"},
        )
    )
    assert not isinstance(text, dict) and text.body == b"{not json"


def test_an_upload_of_another_media_type_is_415(operations: dict[str, ModuleType]) -> None:
    for content_type in ("application/json", "text/plain", ""):
        refused = operations["upload_file"].validate(
            event(
                path={"petId": "1"},
                body="AAECAw==",
                base64=True,
                headers={"Content-Type": content_type},
            )
        )
        assert isinstance(refused, dict) and refused["statusCode"] == 415, content_type
        assert json.loads(refused["body"]) == {
            "message": "Content-Type must be one of: application/octet-stream"
        }
    bad = operations["upload_file"].validate(
        event(
            path={"petId": "1"},
            body="not base64!",
            base64=True,
            headers={"Content-Type": "application/octet-stream"},
        )
    )
    assert isinstance(bad, dict) and bad["statusCode"] == 400


def test_the_definition_body_renders_security_and_binary_bodies(project: Path) -> None:
    sam = aws_checks.parse_sam((project / "template.yaml").read_text(encoding="utf-8"))
    body = sam["Resources"]["Api"]["Properties"]["DefinitionBody"]
    assert body[API_KEY_SOURCE] == "HEADER"
    assert body[BINARY_MEDIA_TYPES] == ["application/octet-stream"]
    schemes = body["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert schemes["petstore_auth"]["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    paths = body["paths"]
    assert paths["/store/inventory"]["get"]["security"] == [{"api_key": []}]
    # Either scope, as API Gateway checks a method's authorizationScopes.
    assert paths["/pet"]["post"]["security"] == [{"petstore_auth": ["write:pets", "read:pets"]}]
    assert "security" not in paths["/store/order"]["post"]
    assert list(paths["/pet"]["post"]["requestBody"]["content"]) == ["application/json"]
    assert "requestBody" not in paths["/pet/{petId}/uploadImage"]["post"]
    assert sam["Parameters"][USER_POOL_PARAMETER]["Type"] == "String"
    assert sam["Resources"]["Api"]["Properties"]["Auth"]["UsagePlan"]["CreateUsagePlan"] == (
        "PER_API"
    )


def test_template_translates_and_lints_clean(
    project: Path, cfn: dict[str, Any], tmp_path: Path
) -> None:
    assert set(aws_checks.resources_of_type(cfn, "AWS::ApiGateway::UsagePlan")) == {"ApiUsagePlan"}
    assert aws_checks.resources_of_type(cfn, "AWS::ApiGateway::ApiKey")
    cfn_file = aws_checks.write_json(cfn, tmp_path / "template.cfn.json")
    errors = aws_checks.cfn_lint_errors(project / "template.yaml")
    errors += aws_checks.cfn_lint_errors(cfn_file)
    assert errors == []


def test_every_lambda_method_has_its_permission(cfn: dict[str, Any]) -> None:
    body = aws_checks.definition_body(cfn)
    integrated = {
        (method, re.sub(r"\{[^}]+\}", "*", path)): function
        for (method, path), function in aws_checks.integration_routes(body).items()
    }
    assert len(integrated) == OPERATIONS
    assert aws_checks.permission_routes(cfn) == integrated


def test_rendering_is_deterministic(project: Path) -> None:
    api = parse_api(project / "openapi.yaml")
    assert render_template(api) == (project / "template.yaml").read_text(encoding="utf-8")
