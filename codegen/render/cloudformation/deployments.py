"""Safe deployments: every function behind an alias that CodeDeploy shifts, and rolls back.

Each function (each operation's handler, each generated Lambda authorizer) gets:

- `AutoPublishAlias: live`: SAM publishes a version on every code change and points the
  alias `live` at it; API Gateway invokes the alias, never `$LATEST` (the integrations and
  the permissions name the alias: `render/cloudformation/apigw.py`, `authorizer_resources.py`);
- a `DeploymentPreference` whose `Type` is the `DeploymentType` parameter (`AllAtOnce` for
  dev, a canary such as `Canary10Percent5Minutes` for prod: samconfig.toml), whose `Alarms`
  are this module's rollback alarms, and, for an operation's function, the pre-traffic hook
  (`render/cloudformation/pre_traffic.py`).

The rollback alarms see the new version while traffic shifts, with one-minute periods so a
five-minute canary can trip them (the operators' alarms in `alarms.py` use 5-minute periods,
2 of 3, and would not fire in time):

- per function, its **Errors** and **Throttles** with the dimensions `FunctionName`,
  `Resource` = `<function>:live` and `ExecutedVersion` = the version just published. Lambda
  publishes `ExecutedVersion` "only for alias invocations", and `Resource` names "the
  function version or alias" (AWS Lambda Developer Guide, "Types of metrics for Lambda
  functions", dimensions; the same three dimensions as the alarm in SAM's
  docs/safe_lambda_deployments.rst). So during a canary the alarm counts only what the
  new version did, not the old version's remaining traffic.
- per operation, the method's **5XX rate** and **p99 latency** at API Gateway (dimensions
  `ApiName`, `Method`, `Resource`, `Stage`: `cloudwatch.method_dimensions`). API Gateway
  cannot tell versions apart, so these see the mix; they catch what the function's own
  metrics miss: a version that answers 500s without raising, or answers slowly.
"""

from __future__ import annotations

from typing import Any

from codegen.openapi.aws_names import function_logical_id
from codegen.openapi.model import Api, Operation
from codegen.render.cloudformation.alarms import alarm, alarm_prefix, query
from codegen.render.cloudformation.cloudwatch import API_GATEWAY, LAMBDA, method_dimensions

ALIAS = "live"
ALIAS_ATTRIBUTE = "Alias"  # SAM's `Function.Alias`, valid with AutoPublishAlias
DEPLOYMENT_TYPE_PARAMETER = "DeploymentType"
# SAM's predefined CodeDeploy configurations for Lambda (DeploymentPreference.Type).
DEPLOYMENT_TYPES = (
    "AllAtOnce",
    "Canary10Percent5Minutes",
    "Canary10Percent10Minutes",
    "Canary10Percent15Minutes",
    "Canary10Percent30Minutes",
    "Linear10PercentEvery1Minute",
    "Linear10PercentEvery2Minutes",
    "Linear10PercentEvery3Minutes",
    "Linear10PercentEvery10Minutes",
)
ROLLBACK_PERIOD_SECONDS = 60
PRE_TRAFFIC_HOOK = "CodeDeployHookPreTraffic"
# SAM's CodeDeploy service role may invoke only functions named `CodeDeployHook_*`. The
# stack id's UUID keeps the name unique per stack and within Lambda's 64 characters
# (26 + 36); the stack's name could be up to 128.
HOOK_FUNCTION_NAME = {
    "Fn::Sub": [
        "CodeDeployHook_PreTraffic_${StackUuid}",
        {"StackUuid": {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}},
    ]
}


def parameters() -> dict[str, Any]:
    return {
        DEPLOYMENT_TYPE_PARAMETER: {
            "Type": "String",
            "Default": "AllAtOnce",
            "AllowedValues": list(DEPLOYMENT_TYPES),
            "Description": "How CodeDeploy shifts traffic to a new version of each function: "
            "AllAtOnce (dev), or a canary or linear shift that the rollback alarms can stop "
            "(prod)",
        }
    }


def invocation_uri(function: str) -> dict[str, Any]:
    """The URI API Gateway invokes a function's alias `live` by. `Ref: Function.Alias` is
    SAM's name for that alias (its ARN); it sits in the `Fn::Sub`'s variable map rather
    than as `${Function.Alias}` in the text, which cfn-lint, reading the SAM file without
    the transform, would report as an unknown attribute (E1019)."""
    return {
        "Fn::Sub": [
            "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path"
            "/2015-03-31/functions/${FunctionAlias}/invocations",
            {"FunctionAlias": alias_ref(function)},
        ]
    }


def alias_ref(function: str) -> dict[str, str]:
    """`Ref: Function.Alias`: SAM resolves it to the alias `live` (its ARN)."""
    return {"Ref": f"{function}.{ALIAS_ATTRIBUTE}"}


def deployment_properties(function: str, alarms: list[str], hook: str | None) -> dict[str, Any]:
    """The function's `AutoPublishAlias` and `DeploymentPreference`."""
    preference: dict[str, Any] = {
        "Type": {"Ref": DEPLOYMENT_TYPE_PARAMETER},
        "Alarms": [{"Ref": alarm} for alarm in alarms],
    }
    if hook is not None:
        preference["Hooks"] = {"PreTraffic": {"Ref": hook}}
    return {"AutoPublishAlias": ALIAS, "DeploymentPreference": preference}


def pre_traffic_hook(
    handler: str,
    versions: dict[str, str],
    shared_properties: dict[str, Any],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """The `CodeDeployHook_*` function CodeDeploy invokes before it shifts any traffic:
    `versions` maps each environment variable it reads to the function whose new version
    it calls (`render/python/pre_traffic.py` names both). It has no alias and no deployment
    preference of its own (SAM: a hook must not be deployed gradually)."""
    return {
        "Type": "AWS::Serverless::Function",
        "Metadata": dict(metadata),
        "Properties": {
            "FunctionName": HOOK_FUNCTION_NAME,
            "Handler": handler,
            "Description": "Pre-traffic check: calls each new version with the spec's "
            "read-only requests and tells CodeDeploy whether to go on",
            **shared_properties,
            "Environment": {
                "Variables": {
                    variable: {"Ref": f"{function}.Version"}
                    for variable, function in versions.items()
                }
            },
            "Policies": [
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "InvokeTheNewVersions",
                            "Effect": "Allow",
                            "Action": ["lambda:InvokeFunction"],
                            "Resource": [
                                {"Ref": f"{function}.Version"} for function in versions.values()
                            ],
                        },
                        {
                            "Sid": "ReportToCodeDeploy",
                            "Effect": "Allow",
                            "Action": ["codedeploy:PutLifecycleEventHookExecutionStatus"],
                            "Resource": {
                                "Fn::Sub": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:"
                                "${AWS::AccountId}:deploymentgroup:*"
                            },
                        },
                    ],
                }
            ],
        },
    }


def rollback_alarms(
    api: Api, target: dict[str, Any], latency_parameter: str, error_rate_parameter: str
) -> dict[str, dict[str, Any]]:
    """Per function logical id: its rollback alarms, by logical id. They also notify
    `target` (the alarm topic): operators hear that a deployment was rolled back, and why."""
    found: dict[str, dict[str, Any]] = {}
    for operation in api.operations:
        function = function_logical_id(operation)
        found[function] = {
            **_new_version_alarms(function, target),
            **_method_alarms(operation, target, latency_parameter, error_rate_parameter),
        }
    for authorizer in api.authorizers:
        found[authorizer.logical_id] = _new_version_alarms(authorizer.logical_id, target)
    return found


def _new_version_alarms(function: str, target: dict[str, Any]) -> dict[str, Any]:
    dimensions = [
        {"Name": "FunctionName", "Value": {"Ref": function}},
        {"Name": "Resource", "Value": {"Fn::Sub": f"${{{function}}}:{ALIAS}"}},
        {"Name": "ExecutedVersion", "Value": {"Fn::GetAtt": [function, "Version.Version"]}},
    ]
    return {
        f"{function}NewVersion{metric}Alarm": _alarm(
            target,
            f"{function}: the version being deployed reported {metric} (rolls the deployment back)",
            0,
            {
                "Namespace": LAMBDA,
                "MetricName": metric,
                "Dimensions": dimensions,
                "Statistic": "Sum",
            },
        )
        for metric in ("Errors", "Throttles")
    }


def _method_alarms(
    operation: Operation, target: dict[str, Any], latency_parameter: str, error_rate_parameter: str
) -> dict[str, Any]:
    prefix = alarm_prefix(operation)
    where = f"{operation.operation_id} ({operation.method} {operation.path})"
    dimensions = method_dimensions(operation)
    return {
        f"{prefix}Deployment5XXRateAlarm": _alarm(
            target,
            f"{where}: 5XX rate above the threshold % during a deployment (rolls it back)",
            {"Ref": error_rate_parameter},
            metrics=[
                query(
                    "m1", API_GATEWAY, "5XXError", dimensions, "Average", ROLLBACK_PERIOD_SECONDS
                ),
                {"Id": "rate", "Expression": "m1 * 100", "Label": "5XX %", "ReturnData": True},
            ],
        ),
        f"{prefix}DeploymentLatencyP99Alarm": _alarm(
            target,
            f"{where}: p99 latency above the threshold (ms) during a deployment (rolls it back)",
            {"Ref": latency_parameter},
            {
                "Namespace": API_GATEWAY,
                "MetricName": "Latency",
                "Dimensions": dimensions,
                "ExtendedStatistic": "p99",
            },
        ),
    }


def _alarm(
    target: dict[str, Any],
    description: str,
    threshold: Any,
    metric: dict[str, Any] | None = None,
    *,
    metrics: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Over `threshold` in one period of a minute; no data (no traffic yet) is no trouble.
    CodeDeploy watches the alarm's state itself; the actions only tell the operators."""
    return alarm(
        target,
        description,
        threshold,
        metric=metric,
        metrics=metrics,
        period=ROLLBACK_PERIOD_SECONDS,
        evaluation_periods=1,
        datapoints=1,
    )
