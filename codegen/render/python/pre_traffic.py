"""Render the pre-traffic check: `src/generated/pre_traffic.py` (its logic, copied from
`lambda_runtime/pre_traffic.py`) and `src/generated/pre_traffic_cases.py` (its cases).

A case is one operation that changes nothing (GET or HEAD, no body), called with an API
Gateway REST proxy event built from the spec: each required parameter takes the spec's
example (the parameter's, else its schema's `example`, `default`, first `enum` value, or a
value of its type and format). Behind a Cognito authorizer the event carries the claims
API Gateway would pass (a `client_id` and the operation's scopes). Each documented JSON
response gets a check compiled by fastjsonschema at generation time, as the request
validators do (`compiled_checks.py`): the hook needs no validator library at run time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codegen.openapi.aws_names import STAGE_NAME, function_logical_id
from codegen.openapi.http import JSON_MEDIA_TYPE, bare_media_type
from codegen.openapi.jsonschema import SchemaConverter, resolve_schema
from codegen.openapi.model import Api, Operation, Parameter
from codegen.openapi.refs import resolve_pointer
from codegen.render.python.compiled_checks import compile_checks
from codegen.render.python.runtime import GENERATED
from codegen.render.templating import header, py_literal

LOGIC_SOURCE = Path(__file__).parent / "lambda_runtime" / "pre_traffic.py"
LOGIC_MODULE = GENERATED / "pre_traffic.py"
CASES_MODULE = GENERATED / "pre_traffic_cases.py"
HANDLER = "generated.pre_traffic.handler"
SAFE_METHODS = frozenset({"GET", "HEAD"})
CHECK_CLIENT_ID = "pre-traffic-check"
USER_AGENT = "codegen-pre-traffic-check"
# Values for a required parameter whose spec gives no example, by format, then by type.
_BY_FORMAT = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "email": "pre-traffic-check@example.com",
}
_BY_TYPE: dict[str, Any] = {"integer": 1, "number": 1, "boolean": True, "string": "check"}


def checked_operations(api: Api) -> list[Operation]:
    """The operations the check calls: those that change nothing."""
    return [op for op in api.operations if op.method in SAFE_METHODS and op.request_body is None]


def version_variable(operation: Operation) -> str:
    """The hook's environment variable holding the new version of the operation's function:
    `GET_USER_FUNCTION_VERSION` for `GetUserFunction`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", function_logical_id(operation))
    return f"{words.upper()}_VERSION"


def render_pre_traffic(api: Api) -> dict[Path, str]:
    operations = checked_operations(api)
    if not operations:
        return {}
    head = header(api.spec_path.name)
    return {
        LOGIC_MODULE: f"{head}\n{LOGIC_SOURCE.read_text(encoding='utf-8')}",
        CASES_MODULE: f"{head}\n{_cases_module(api, operations)}",
    }


def _cases_module(api: Api, operations: list[Operation]) -> str:
    converter = SchemaConverter(api.component_schemas(), "response")
    slots: dict[str, dict[str, Any]] = {}
    statuses: list[dict[str, str | None]] = []
    for index, operation in enumerate(operations):
        found: dict[str, str | None] = {}
        for response in operation.responses:
            schema = _json_schema(response.content)
            slot = f"response_{index}_{response.status}"
            if schema is None:
                found[response.status] = None
                continue
            pointer = f"{operation.pointer}/responses/{response.status}"
            converted = converter.convert(schema, pointer)
            found[response.status] = slot if converted else None
            if converted:
                slots[slot] = converted
        statuses.append(found)
    checks = compile_checks(slots, converter.definitions(), "/paths") if slots else None
    lines = [
        '"""The pre-traffic check\'s cases (generated.pre_traffic runs them): one per operation',
        'that changes nothing, with its event and the check of each documented answer."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    # What follows is fastjsonschema's code and data from the spec: its lines are as long
    # as the spec's names make them, so the formatter leaves the rest alone.
    body: list[str] = []
    code = checks.code if checks is not None else ""
    if re.search(r"\bre\.", code):
        lines += ["import re", ""]
    if re.search(r"\bDecimal\b", code):
        lines += ["from decimal import Decimal", ""]
    if code:
        lines += [
            "from generated.validation import JsonSchemaValueException, JsonSchemaValuesException",
            "",
        ]
        body += ["", code.strip(), ""]
    lines += ["TYPE_CHECKING = False", "if TYPE_CHECKING:", "    from typing import Any", ""]
    lines += ["# fmt: off"]
    lines += body
    lines += ["", "CASES: tuple[dict[str, Any], ...] = ("]
    for operation, found in zip(operations, statuses, strict=True):
        answers = ", ".join(
            f"{py_literal(status)}: {checks.functions[slot] if checks and slot else 'None'}"
            for status, slot in found.items()
        )
        lines += [
            "    {",
            f'        "operation_id": {py_literal(operation.operation_id)},',
            f'        "method": {py_literal(operation.method)},',
            f'        "path": {py_literal(operation.path)},',
            f'        "function_variable": {py_literal(version_variable(operation))},',
            f'        "handler": {py_literal(operation.handler.dotted)},',
            f'        "event": {py_literal(event_for(api, operation))},',
            f'        "statuses": {{{answers}}},',
            "    },",
        ]
    lines += [")", "# fmt: on", ""]
    return "\n".join(lines)


def _json_schema(content: Any) -> Any:
    """The schema of `application/json`: what the generated responses are sent as."""
    for media_type, schema in content.items():
        if bare_media_type(media_type) == JSON_MEDIA_TYPE:
            return schema
    return None


def event_for(api: Api, operation: Operation) -> dict[str, Any]:
    """The API Gateway REST proxy event (payload 1.0) of the operation's check."""
    values = {
        (p.location, p.name): example_value(api, p)
        for p in operation.parameters
        if p.required or p.location == "path"
    }
    path_parameters = {name: str(v) for (where, name), v in values.items() if where == "path"}
    query = {name: str(v) for (where, name), v in values.items() if where == "query"}
    headers = {name: str(v) for (where, name), v in values.items() if where == "header"}
    headers |= {"Accept": "application/json", "User-Agent": USER_AGENT}
    path = operation.path
    for name, value in path_parameters.items():
        path = path.replace(f"{{{name}}}", value)
    context: dict[str, Any] = {
        "resourcePath": operation.path,
        "httpMethod": operation.method,
        "path": f"/{STAGE_NAME}{path}",
        "stage": STAGE_NAME,
        "requestId": f"pre-traffic-{operation.operation_id}",
        "identity": {"sourceIp": "127.0.0.1", "userAgent": USER_AGENT},
    }
    scopes = [
        scope
        for requirement in operation.security
        if requirement.scheme.kind == "cognito"
        for scope in requirement.scopes[:1]  # any one of them passes at API Gateway
    ]
    if any(r.scheme.kind == "cognito" for r in operation.security):
        context["authorizer"] = {
            "claims": {"client_id": CHECK_CLIENT_ID, "scope": " ".join(scopes)}
        }
    return {
        "resource": operation.path,
        "path": path,
        "httpMethod": operation.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": context,
        "body": None,
        "isBase64Encoded": False,
    }


def example_value(api: Api, parameter: Parameter) -> Any:
    """The spec's example for a parameter, else a value of its type and format."""
    raw = resolve_pointer(api.document, parameter.pointer)
    if isinstance(raw, dict):
        if "example" in raw:
            return raw["example"]
        examples = raw.get("examples")
        if isinstance(examples, dict):
            for example in examples.values():
                if isinstance(example, dict) and "value" in example:
                    return example["value"]
    schema = resolve_schema(parameter.schema, api.component_schemas())
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if schema.get("format") in _BY_FORMAT:
        return _BY_FORMAT[str(schema["format"])]
    if isinstance(schema.get("minimum"), int | float):
        return schema["minimum"]
    return _BY_TYPE.get(str(schema.get("type")), "check")
