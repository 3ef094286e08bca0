"""The pre-traffic check: before CodeDeploy shifts any traffic to a new version of a
function, this Lambda (`CodeDeployHook_*`, the only name SAM's CodeDeploy role may invoke)
calls the new version of every function with the spec's read-only requests, checks each
answer against the spec, and reports Succeeded or Failed; on Failed CodeDeploy rolls back.

The cases come from `generated.pre_traffic_cases` (rendered from the spec): for each GET or
HEAD operation, an API Gateway REST proxy event built from the spec's examples, the
environment variable that holds the new version's ARN (`!Ref <Function>.Version` in
template.yaml), and the documented statuses with the compiled check of each JSON body.

An answer passes when its status is documented and below 500, it carries the CORS headers
every answer of the API carries, and its JSON body (when the spec gives a schema) is valid.
Nothing is written: only operations that change nothing are called.

`python -m codegen smoke` runs the same checks against the local handlers or a URL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from generated.validation import FORMATS, SCHEMA_ERRORS, schema_errors

# A case as rendered: operation_id, method, path, function_variable, handler, event,
# statuses (status -> check function or None).
Case = Mapping[str, Any]
Answer = Mapping[str, Any]  # an API Gateway proxy integration response
Invoke = Callable[[Case], Answer]
CORS_HEADER = "Access-Control-Allow-Origin"
SERVER_ERROR = 500


def documented(statuses: Mapping[str, Any], status: int) -> str | None:
    """The key of `statuses` that documents `status`: itself, its range (`4XX`) or
    `default`."""
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in statuses:
            return key
    return None


def check_answer(case: Case, answer: Answer) -> list[str]:
    """What is wrong with one answer (nothing: an empty list)."""
    where = f"{case['operation_id']} ({case['method']} {case['path']})"
    status = answer.get("statusCode")
    if not isinstance(status, int):
        return [f"{where}: no status code in the answer"]
    if status >= SERVER_ERROR:
        return [f"{where}: answered {status}"]
    key = documented(case["statuses"], status)
    if key is None:
        return [f"{where}: answered {status}, which the spec does not document"]
    problems: list[str] = []
    headers = {str(k).lower(): v for k, v in (answer.get("headers") or {}).items()}
    multi = {str(k).lower(): v for k, v in (answer.get("multiValueHeaders") or {}).items()}
    if CORS_HEADER.lower() not in headers and CORS_HEADER.lower() not in multi:
        problems.append(f"{where}: answered {status} without {CORS_HEADER}")
    check = case["statuses"][key]
    if check is not None:
        try:
            body = json.loads(answer.get("body") or "")
        except ValueError:
            return [*problems, f"{where}: answered {status} with a body that is not JSON"]
        try:
            check(body, FORMATS, "body")
        except SCHEMA_ERRORS as error:
            details = "; ".join(f"{e['location']}: {e['detail']}" for e in schema_errors(error))
            problems.append(f"{where}: answered {status} with a body the spec refuses: {details}")
    return problems


def run(cases: Sequence[Case], invoke: Invoke) -> list[str]:
    """Every case through `invoke`; every problem found (an empty list: all passed)."""
    problems: list[str] = []
    for case in cases:
        try:
            answer = invoke(case)
        except Exception as error:  # the check reports, it never crashes the hook
            problems.append(f"{case['operation_id']}: could not be called: {error}")
            continue
        problems += check_answer(case, answer)
    return problems


def invoke_version(client: Any) -> Invoke:
    """Calls the new version named by the case's environment variable, through `client`
    (boto3's Lambda client)."""

    def invoke(case: Case) -> Answer:
        result = client.invoke(
            FunctionName=os.environ[case["function_variable"]],
            Payload=json.dumps(case["event"]).encode("utf-8"),
        )
        if result.get("FunctionError"):
            return {"statusCode": SERVER_ERROR, "body": result["Payload"].read().decode()}
        answer: Answer = json.loads(result["Payload"].read())
        return answer

    return invoke


def report(client: Any, event: Mapping[str, Any], problems: Sequence[str]) -> str:
    """Tell CodeDeploy (boto3's client) whether the deployment may go on."""
    status = "Failed" if problems else "Succeeded"
    client.put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return status


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    from generated.pre_traffic_cases import CASES

    problems = run(CASES, invoke_version(boto3.client("lambda")))
    for problem in problems:  # one JSON line each (the functions' log format)
        print(json.dumps({"level": "ERROR", "message": problem}))
    status = report(boto3.client("codedeploy"), event, problems)
    return {"status": status, "cases": len(CASES), "problems": problems}
