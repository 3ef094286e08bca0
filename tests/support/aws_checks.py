"""Offline AWS checks on a SAM template: translate it, lint it, read what came out.

- `translate(template_text)`: SAM -> CloudFormation with aws-sam-translator, no credentials
  and no network (the managed-policy map ships with the translator). It needs a region, and
  it rejects a local `CodeUri` ("not a valid S3 Uri"), so CodeUri becomes a dummy S3 URI.
- `cfn_lint_errors(path)`: cfn-lint's errors (rule ids E*) for a file. cfn-lint >= 1.54 no
  longer runs the SAM transform, so lint both the SAM file and the translated JSON.
- `resources_of_type`, `permission_routes`, `integration_routes`, `function_statements`:
  read the translated template.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
from cfnlint.api import lint_file
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

REGION = "us-east-1"
DUMMY_CODE_URI = "s3://dummy-bucket/code.zip"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"

Route = tuple[str, str]  # ("GET", "/users/{id}")


class TranslationError(AssertionError):
    """The translator refused the template; the message lists every cause."""


def parse_sam(template_text: str) -> dict[str, Any]:
    """The template as data; short tags (`!Ref`) become long form (`{"Ref": ...}`)."""
    parsed: dict[str, Any] = yaml_parse(template_text)
    return parsed


def with_s3_code_uri(sam: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with every local CodeUri (Globals and per function) replaced by a dummy S3 URI."""
    result = copy.deepcopy(dict(sam))
    function_globals = result.get("Globals", {}).get("Function", {})
    if "CodeUri" in function_globals:
        function_globals["CodeUri"] = DUMMY_CODE_URI
    for resource in result.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = DUMMY_CODE_URI
    return result


def translate(template_text: str) -> dict[str, Any]:
    """The CloudFormation template aws-sam-translator makes of a SAM template (offline)."""
    sam = with_s3_code_uri(parse_sam(template_text))
    session = boto3.session.Session(region_name=REGION)
    translator = Translator(managed_policy_map={}, sam_parser=Parser(), boto_session=session)
    try:
        cfn: dict[str, Any] = translator.translate(sam, parameter_values={})
    except InvalidDocumentException as error:
        causes = "; ".join(cause.message for cause in error.causes)
        raise TranslationError(f"aws-sam-translator rejected the template: {causes}") from error
    return cfn


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def cfn_lint_errors(path: Path) -> list[str]:
    """cfn-lint's errors (not warnings or infos) for one template file, one line each."""
    return [
        f"{match.rule.id} {match.message} ({path.name}:{match.linenumber})"
        for match in lint_file(path)
        if match.rule.id.startswith("E")
    ]


def resources_of_type(template: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Type") == kind
    }


def definition_body(cfn: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI body of the (only) AWS::ApiGateway::RestApi of a translated template."""
    (rest_api,) = resources_of_type(cfn, "AWS::ApiGateway::RestApi").values()
    body: dict[str, Any] = rest_api["Properties"]["Body"]
    return body


def _methods(body: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in body.get("paths", {}).items():
        for key, operation in item.items():
            if key in METHODS:
                yield key.upper(), path, operation
            elif key == ANY_METHOD:
                yield "ANY", path, operation


def integration_routes(body: Mapping[str, Any]) -> dict[Route, str]:
    """(METHOD, path) -> logical id of the function its aws_proxy integration invokes."""
    routes: dict[Route, str] = {}
    for method, path, operation in _methods(body):
        integration = operation.get(INTEGRATION, {})
        if integration.get("type") != "aws_proxy":
            continue
        uri = integration.get("uri", {})
        routes[(method, path)] = _invoked(uri)
    return routes


def _invoked(uri: Any) -> str:
    """The logical id an invocation URI names: `${Function.Arn}`, or a variable of the
    `Fn::Sub` such as `FunctionAlias: {Ref: FunctionAliaslive}` (translated: an alias)."""
    sub = uri.get("Fn::Sub", "") if isinstance(uri, Mapping) else str(uri)
    text, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})
    found = re.search(r"/functions/\$\{([\w.]+?)(?:\.Arn)?\}/invocations", str(text))
    if found is None:
        return f"<unparsed uri {uri!r}>"
    name = found.group(1)
    variable = variables.get(name)
    if isinstance(variable, Mapping) and "Ref" in variable:
        return str(variable["Ref"])
    return name


def mock_routes(body: Mapping[str, Any]) -> set[Route]:
    return {
        (method, path)
        for method, path, operation in _methods(body)
        if operation.get(INTEGRATION, {}).get("type") == "mock"
    }


def permission_routes(cfn: Mapping[str, Any]) -> dict[Route, str]:
    """(METHOD, path) each AWS::Lambda::Permission's SourceArn allows -> the function's id.

    SAM writes SourceArn as `Fn::Sub` of
    `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/GET/users/{id}`.
    """
    routes: dict[Route, str] = {}
    for name, permission in resources_of_type(cfn, "AWS::Lambda::Permission").items():
        properties = permission["Properties"]
        source = properties.get("SourceArn", {})
        text = source["Fn::Sub"][0] if isinstance(source.get("Fn::Sub"), list) else source
        if "/authorizers/" in str(text):
            continue  # a Lambda authorizer's (authorizer_permissions)
        found = re.search(r"\$\{__Stage__\}/([A-Z*]+)(/.*)?$", str(text))
        if found is None:
            raise AssertionError(f"{name}: unexpected SourceArn {source!r}")
        route = (found.group(1), found.group(2) or "/")
        function = properties.get("FunctionName", {})
        routes[route] = (
            function.get("Ref", repr(function)) if isinstance(function, Mapping) else str(function)
        )
    return routes


def authorizer_permissions(cfn: Mapping[str, Any]) -> dict[str, str]:
    """Function logical id -> SourceArn of each permission letting the API's authorizers
    (`.../<api>/authorizers/*`) invoke it."""
    found: dict[str, str] = {}
    for permission in resources_of_type(cfn, "AWS::Lambda::Permission").values():
        properties = permission["Properties"]
        source = json.dumps(properties.get("SourceArn"))
        if "/authorizers/" in source and properties.get("Principal") == "apigateway.amazonaws.com":
            function = properties["FunctionName"]
            name: str
            if isinstance(function, Mapping) and "Ref" in function:  # on the alias
                ref = str(function["Ref"])
                name = alias_functions(cfn).get(ref, ref)
            elif isinstance(function, Mapping):
                name = str(function["Fn::GetAtt"][0])
            else:
                name = str(function)
            found[name] = source
    return found


def alias_functions(cfn: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each AWS::Lambda::Alias -> logical id of its function."""
    return {
        name: alias["Properties"]["FunctionName"]["Ref"]
        for name, alias in resources_of_type(cfn, "AWS::Lambda::Alias").items()
    }


def function_statements(cfn: Mapping[str, Any], function_id: str) -> list[dict[str, Any]]:
    """Every inline policy statement of the IAM role SAM made for `function_id`."""
    role = cfn["Resources"][f"{function_id}Role"]["Properties"]
    statements: list[dict[str, Any]] = []
    for policy in role.get("Policies", []):
        statements.extend(policy["PolicyDocument"]["Statement"])
    return statements
