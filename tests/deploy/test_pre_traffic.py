"""The pre-traffic check (src/generated/pre_traffic.py, rendered from the spec): it passes on
today's handlers, fails on an answer the spec does not allow, invokes the new versions and
reports to CodeDeploy through boto3 (checked with botocore's Stubber), and writes nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from codegen import smoke
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.deployments import PRE_TRAFFIC_HOOK
from codegen.render.cloudformation.sam import build_template
from codegen.render.python.pre_traffic import SAFE_METHODS, checked_operations, version_variable
from generated import pre_traffic
from generated.pre_traffic_cases import CASES
from tests.codegen.test_monitoring import with_added_operation

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


@pytest.fixture(scope="module")
def local_answers() -> Iterator[dict[str, dict[str, Any]]]:
    """Each case's answer from today's handlers, on the embedded DynamoDB."""
    with smoke._local_storage(ROOT):
        yield {case["operation_id"]: dict(smoke.local_invoke(case)) for case in CASES}


def answering(answers: dict[str, dict[str, Any]]) -> pre_traffic.Invoke:
    return lambda case: answers[case["operation_id"]]


def test_the_cases_only_read(local_answers: dict[str, dict[str, Any]]) -> None:
    api = parse_api(ROOT / "openapi.yaml")
    assert [c["operation_id"] for c in CASES] == [o.operation_id for o in checked_operations(api)]
    assert CASES and all(case["method"] in SAFE_METHODS for case in CASES)
    assert all(case["event"]["body"] is None for case in CASES)


def test_it_passes_on_todays_handlers(local_answers: dict[str, dict[str, Any]]) -> None:
    assert pre_traffic.run(CASES, answering(local_answers)) == []
    assert {a["statusCode"] for a in local_answers.values()} <= {200, 404}


def changed(answers: dict[str, dict[str, Any]], operation: str, **fields: Any) -> dict[str, Any]:
    return {**answers, operation: {**answers[operation], **fields}}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"statusCode": 500}, "answered 500"),
        ({"statusCode": 418}, "answered 418, which the spec does not document"),
        ({"body": json.dumps({"users": "none", "count": -1})}, "a body the spec refuses"),
        ({"body": "<html>"}, "not JSON"),
        ({"headers": {"Content-Type": "application/json"}}, "without Access-Control-Allow-Origin"),
    ],
)
def test_it_fails_on_an_answer_the_spec_does_not_allow(
    local_answers: dict[str, dict[str, Any]], fields: dict[str, Any], expected: str
) -> None:
    answers = changed(local_answers, "listUsers", multiValueHeaders=None, **fields)
    problems = pre_traffic.run(CASES, answering(answers))
    assert len(problems) == 1
    assert problems[0].startswith("listUsers (GET /users)") and expected in problems[0]


def test_a_function_that_cannot_be_called_fails_the_check() -> None:
    def broken(case: Any) -> Any:
        raise ConnectionError("no route")

    problems = pre_traffic.run(CASES, broken)
    assert len(problems) == len(CASES) and all("no route" in p for p in problems)


def payload(answer: dict[str, Any]) -> StreamingBody:
    data = json.dumps(answer).encode()
    return StreamingBody(io.BytesIO(data), len(data))


def test_it_invokes_the_version_named_by_the_cases_variable(
    monkeypatch: pytest.MonkeyPatch, local_answers: dict[str, dict[str, Any]]
) -> None:
    client = boto3.client("lambda", region_name=REGION)
    case = CASES[0]
    arn = "arn:aws:lambda:us-east-1:123456789012:function:Hello:7"
    monkeypatch.setenv(case["function_variable"], arn)
    answer = local_answers[case["operation_id"]]
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 200, "Payload": payload(answer)},
            {"FunctionName": arn, "Payload": json.dumps(case["event"]).encode()},
        )
        stub.add_response(
            "invoke",
            {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload({"x": 1})},
            {"FunctionName": arn, "Payload": json.dumps(case["event"]).encode()},
        )
        invoke = pre_traffic.invoke_version(client)
        assert invoke(case) == answer
        assert invoke(case)["statusCode"] == 500  # a crash in the new version
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("problems", "status"), [([], "Succeeded"), (["x: answered 500"], "Failed")]
)
def test_it_reports_to_codedeploy(problems: list[str], status: str) -> None:
    client = boto3.client("codedeploy", region_name=REGION)
    event = {"DeploymentId": "d-ABC123", "LifecycleEventHookExecutionId": "hook-1"}
    with Stubber(client) as stub:
        stub.add_response(
            "put_lifecycle_event_hook_execution_status",
            {"lifecycleEventHookExecutionId": "hook-1"},
            {
                "deploymentId": "d-ABC123",
                "lifecycleEventHookExecutionId": "hook-1",
                "status": status,
            },
        )
        assert pre_traffic.report(client, event, problems) == status
        stub.assert_no_pending_responses()


def test_an_added_read_only_operation_is_one_more_case(tmp_path: Path) -> None:
    users = parse_api(ROOT / "openapi.yaml")
    added = parse_api(with_added_operation(tmp_path))
    assert len(checked_operations(added)) == len(checked_operations(users)) + 1
    hook = build_template(added)["Resources"][PRE_TRAFFIC_HOOK]["Properties"]
    variables = hook["Environment"]["Variables"]
    assert set(variables) == {version_variable(op) for op in checked_operations(added)}
    assert variables["GET_USER_AUDIT_FUNCTION_VERSION"] == {"Ref": "GetUserAuditFunction.Version"}


def test_the_smoke_command_runs_the_check_on_the_local_handlers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert smoke.main(["--spec", str(ROOT / "openapi.yaml")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"smoke: {len(CASES)} cases against the local handlers: 0 problems"
    )
