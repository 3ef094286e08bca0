"""CloudWatch alarms rendered from the spec: a new operation, function or table gets its own.

Per operation (API Gateway, per method): the 5XX rate over `ErrorRateThresholdPercent`,
and the p99 latency over `LatencyP99ThresholdMs`. Per function: any Errors, any
Throttles. Per table: any ThrottledRequests, any SystemErrors (summed over the operations
the functions call). Every alarm notifies the alarm topic, also when it recovers.

Authorizers: API Gateway publishes no metric of its own for an authorizer; when one fails,
the method answers 500 (AUTHORIZER_FAILURE / AUTHORIZER_CONFIGURATION_ERROR), which the
method's 5XX rate alarm sees. A generated Lambda authorizer (`openapi/authorizers.py`) is one
more function, with its own Errors and Throttles alarms like the handlers'.
"""

from __future__ import annotations

from typing import Any

from codegen.openapi.aws_names import function_logical_id
from codegen.openapi.model import Api, Operation, Table
from codegen.render.cloudformation.cloudwatch import (
    API_GATEWAY,
    DYNAMODB,
    LAMBDA,
    method_dimensions,
    table_operations,
)

PERIOD_SECONDS = 300
# Metric math alarms take at most 10 queries: 9 metrics and their sum.
_MAX_METRICS = 9


def alarm_prefix(operation: Operation) -> str:
    """`GetUser` for getUser: the alarms' logical ids start with it."""
    return function_logical_id(operation).removesuffix("Function")


def alarms(
    api: Api, target: dict[str, Any], latency_parameter: str, error_rate_parameter: str
) -> dict[str, Any]:
    """Every alarm of the API, by logical id."""
    result: dict[str, Any] = {}
    for operation in api.operations:
        prefix = alarm_prefix(operation)
        where = f"{operation.operation_id} ({operation.method} {operation.path})"
        result[f"{prefix}ServerErrorRateAlarm"] = alarm(
            target,
            f"{where}: more than the threshold % of requests answered 5XX",
            {"Ref": error_rate_parameter},
            metrics=[
                query("m1", API_GATEWAY, "5XXError", method_dimensions(operation), "Average"),
                {"Id": "rate", "Expression": "m1 * 100", "Label": "5XX %", "ReturnData": True},
            ],
        )
        result[f"{prefix}LatencyP99Alarm"] = alarm(
            target,
            f"{where}: p99 latency at API Gateway above the threshold (ms)",
            {"Ref": latency_parameter},
            metric={
                "Namespace": API_GATEWAY,
                "MetricName": "Latency",
                "Dimensions": method_dimensions(operation),
                "ExtendedStatistic": "p99",
            },
        )
        result.update(_function_alarms(function_logical_id(operation), where, target))
    for authorizer in api.authorizers:
        where = f"Lambda authorizer {authorizer.name}"
        result.update(_function_alarms(authorizer.logical_id, where, target))
    for table in api.tables:
        result.update(_table_alarms(api, table, target))
    return result


def _function_alarms(function: str, where: str, target: dict[str, Any]) -> dict[str, Any]:
    """Any Errors, any Throttles of one Lambda function (a handler or an authorizer)."""
    return {
        f"{function}{metric}Alarm": alarm(
            target,
            f"{where}: the function reported {metric}",
            0,
            metric={
                "Namespace": LAMBDA,
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function}}],
                "Statistic": "Sum",
            },
        )
        for metric in ("Errors", "Throttles")
    }


def _table_alarms(api: Api, table: Table, target: dict[str, Any]) -> dict[str, Any]:
    operations = table_operations(api, table)
    result: dict[str, Any] = {}
    for metric in ("ThrottledRequests", "SystemErrors"):
        chunks = [operations[i : i + _MAX_METRICS] for i in range(0, len(operations), _MAX_METRICS)]
        for number, chunk in enumerate(chunks, start=1):
            suffix = "" if len(chunks) == 1 else str(number)
            queries = [
                query(
                    f"m{index}",
                    DYNAMODB,
                    metric,
                    [
                        {"Name": "TableName", "Value": {"Ref": table.logical_id}},
                        {"Name": "Operation", "Value": name},
                    ],
                    "Sum",
                )
                for index, name in enumerate(chunk, start=1)
            ]
            total = " + ".join(query["Id"] for query in queries)
            result[f"{table.logical_id}{metric}Alarm{suffix}"] = alarm(
                target,
                f"{table.logical_id}: DynamoDB {metric} on {', '.join(chunk)}",
                0,
                metrics=[
                    *queries,
                    {"Id": "total", "Expression": total, "Label": metric, "ReturnData": True},
                ],
            )
    return result


def query(
    query_id: str,
    namespace: str,
    name: str,
    dimensions: list[dict[str, Any]],
    stat: str,
    period: int = PERIOD_SECONDS,
) -> dict[str, Any]:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": dimensions},
            "Period": period,
            "Stat": stat,
        },
        "ReturnData": False,
    }


def alarm(
    target: dict[str, Any],
    description: str,
    threshold: Any,
    *,
    metric: dict[str, Any] | None = None,
    metrics: list[dict[str, Any]] | None = None,
    period: int = PERIOD_SECONDS,
    evaluation_periods: int = 3,
    datapoints: int = 2,
) -> dict[str, Any]:
    """Over `threshold` in `datapoints` of the last `evaluation_periods` periods (by default
    2 of 3 periods of 5 minutes); no data is no trouble. `metrics` queries must use the
    same `period`."""
    properties: dict[str, Any] = {
        "AlarmDescription": description[:1024],
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": threshold,
        "EvaluationPeriods": evaluation_periods,
        "DatapointsToAlarm": datapoints,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [target],
        "OKActions": [target],
    }
    if metric is not None:
        properties |= {**metric, "Period": period}
    if metrics is not None:
        properties["Metrics"] = metrics
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}
