"""The CloudWatch dashboard rendered from the spec: one row per operation, then the
service's counters and the tables.

Each operation's row: what API Gateway saw (requests, 4XX, 5XX), its latency (p50, p99,
and the integration's p99), the function (invocations, errors, throttles, duration p99),
and what the function wrote itself (the EMF metrics of `generated.observability`). The
last row: every service counter (a SEARCH over the namespace's `Service`-only metrics,
so a new counter appears without a template change) and each table's throttles and
system errors.

`DashboardBody` is a JSON string; resource names enter it through `Fn::Sub` (`${X}`),
which leaves everything else, JSON braces and `{id}` path templates, as written.
"""

from __future__ import annotations

import json
from typing import Any

from codegen.openapi.aws_names import STAGE_NAME, function_logical_id
from codegen.openapi.model import Api, Operation
from codegen.render.cloudformation.alarms import alarm_prefix
from codegen.render.cloudformation.cloudwatch import API_GATEWAY, DYNAMODB, LAMBDA, table_operations
from codegen.render.python.observability_module import (
    ERRORS_4XX,
    ERRORS_5XX,
    LATENCY,
    OPERATION_DIMENSION,
    REQUESTS,
    SERVICE_DIMENSION,
)

DASHBOARD_LOGICAL_ID = "Dashboard"
WIDTH = 6  # four widgets across the dashboard's 24 columns
HEIGHT = 6
PERIOD_SECONDS = 300
_REGION = "${AWS::Region}"
_STACK = "${AWS::StackName}"


def dashboard(api: Api) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = []
    y = 0
    for operation in api.operations:
        widgets += _operation_row(api, operation, y)
        y += HEIGHT
    widgets += _service_row(api, y)
    body = json.dumps({"widgets": widgets}, separators=(",", ":"))
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {
            "DashboardName": {"Fn::Sub": f"{_STACK}-operations"},
            "DashboardBody": {"Fn::Sub": body},
        },
    }


def widget_titles(api: Api) -> list[str]:
    """The title of every widget (tests: one row per operation)."""
    return [widget["properties"]["title"] for widget in json.loads(_body(api))["widgets"]]


def _body(api: Api) -> str:
    body: str = dashboard(api)["Properties"]["DashboardBody"]["Fn::Sub"]
    return body


def _operation_row(api: Api, operation: Operation, y: int) -> list[dict[str, Any]]:
    name = f"{operation.operation_id} ({operation.method} {operation.path})"
    method = [
        "ApiName",
        _STACK,
        "Resource",
        operation.path,
        "Method",
        operation.method,
        "Stage",
        STAGE_NAME,
    ]
    function = ["FunctionName", f"${{{function_logical_id(operation)}}}"]
    own = [SERVICE_DIMENSION, _STACK, OPERATION_DIMENSION, operation.operation_id]
    namespace = api.observability.namespace
    return [
        _widget(
            f"{name}: requests and errors",
            0,
            y,
            [
                [API_GATEWAY, "Count", *method, {"stat": "Sum"}],
                [API_GATEWAY, "4XXError", *method, {"stat": "Sum"}],
                [API_GATEWAY, "5XXError", *method, {"stat": "Sum"}],
            ],
        ),
        _widget(
            f"{name}: latency (ms)",
            WIDTH,
            y,
            [
                [API_GATEWAY, "Latency", *method, {"stat": "p50"}],
                [API_GATEWAY, "Latency", *method, {"stat": "p99"}],
                [API_GATEWAY, "IntegrationLatency", *method, {"stat": "p99"}],
            ],
        ),
        _widget(
            f"{name}: function {function_logical_id(operation)}",
            2 * WIDTH,
            y,
            [
                [LAMBDA, "Invocations", *function, {"stat": "Sum"}],
                [LAMBDA, "Errors", *function, {"stat": "Sum"}],
                [LAMBDA, "Throttles", *function, {"stat": "Sum"}],
                [LAMBDA, "Duration", *function, {"stat": "p99", "yAxis": "right"}],
            ],
        ),
        _widget(
            f"{name}: as the function saw it ({alarm_prefix(operation)})",
            3 * WIDTH,
            y,
            [
                [namespace, REQUESTS, *own, {"stat": "Sum"}],
                [namespace, ERRORS_4XX, *own, {"stat": "Sum"}],
                [namespace, ERRORS_5XX, *own, {"stat": "Sum"}],
                [namespace, LATENCY, *own, {"stat": "p99", "yAxis": "right"}],
            ],
        ),
    ]


def _service_row(api: Api, y: int) -> list[dict[str, Any]]:
    namespace = api.observability.namespace
    search = (
        f"SEARCH('{{{namespace},{SERVICE_DIMENSION}}} {SERVICE_DIMENSION}=\"{_STACK}\"', "
        f"'Sum', {PERIOD_SECONDS})"
    )
    widgets = [
        _widget(
            "Service counters (users created, deleted, conflicts, replays, throttles)",
            0,
            y,
            [[{"expression": search, "id": "counters", "label": ""}]],
        )
    ]
    for table in api.tables:
        metrics: list[list[Any]] = []
        for name in table_operations(api, table):
            for metric in ("ThrottledRequests", "SystemErrors"):
                dims = ["TableName", f"${{{table.logical_id}}}", "Operation", name]
                metrics.append([DYNAMODB, metric, *dims, {"stat": "Sum"}])
        if metrics:  # a table no function calls has no metrics to show
            place = len(widgets)  # four across, then the next row
            widgets.append(
                _widget(
                    f"{table.logical_id}: throttled requests and system errors",
                    (place % 4) * WIDTH,
                    y + (place // 4) * HEIGHT,
                    metrics,
                )
            )
    return widgets


def _widget(title: str, x: int, y: int, metrics: list[list[Any]]) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": _REGION,
            "view": "timeSeries",
            "stacked": False,
            "period": PERIOD_SECONDS,
            "metrics": metrics,
        },
    }
