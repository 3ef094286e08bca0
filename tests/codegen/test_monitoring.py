"""Alarms and dashboard rendered from the spec: every operation, function and table has
its own, also for a spec with one operation added, and the template stays valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.openapi.aws_names import STAGE_NAME, function_logical_id
from codegen.openapi.errors import SpecError
from codegen.openapi.model import Api
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.alarms import alarm_prefix
from codegen.render.cloudformation.dashboard import DASHBOARD_LOGICAL_ID, widget_titles
from codegen.render.cloudformation.monitoring import (
    ALARM_TOPIC,
    ALARM_TOPIC_PARAMETER,
    CREATE_TOPIC_CONDITION,
    alarm_target,
)
from codegen.render.cloudformation.sam import build_template, render_template
from codegen.render.python.observability_module import REQUEST_METRICS, render_observability
from tests.codegen.helpers import SPECS
from tests.support import aws_checks

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


def with_added_operation(tmp_path: Path) -> Path:
    """openapi.yaml plus `GET /users/{id}/audit` (operationId getUserAudit)."""
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    get_user = document["paths"]["/users/{id}"]["get"]
    added = dict(get_user, operationId="getUserAudit", summary="A user's audit trail")
    added["x-handler"] = "users.get_user_audit.handler"
    document["paths"]["/users/{id}/audit"] = {
        "parameters": document["paths"]["/users/{id}"].get("parameters", []),
        "get": added,
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def users_api() -> Api:
    return parse_api(SPEC)


@pytest.fixture(scope="module")
def added_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    return parse_api(with_added_operation(tmp_path_factory.mktemp("added")))


@pytest.fixture(params=["users", "added"])
def api(request: pytest.FixtureRequest) -> Api:
    found: Api = request.getfixturevalue(f"{request.param}_api")
    return found


def alarms_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return aws_checks.resources_of_type(template, "AWS::CloudWatch::Alarm")


def metrics_of(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """Every metric an alarm reads (single-metric or metric math), as {Namespace, ...}."""
    properties = alarm["Properties"]
    if "Metrics" not in properties:
        return [properties]
    return [q["MetricStat"]["Metric"] for q in properties["Metrics"] if "MetricStat" in q]


def dimensions(metric: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in metric["Dimensions"]}


def test_the_added_spec_has_one_more_operation(users_api: Api, added_api: Api) -> None:
    added = {op.operation_id for op in added_api.operations} - {
        op.operation_id for op in users_api.operations
    }
    assert added == {"getUserAudit"}


def test_every_operation_has_its_gateway_alarms(api: Api) -> None:
    alarms = alarms_of(build_template(api))
    for operation in api.operations:
        prefix = alarm_prefix(operation)
        method = {
            "ApiName": {"Ref": "AWS::StackName"},
            "Resource": operation.path,
            "Method": operation.method,
            "Stage": STAGE_NAME,
        }
        rate = alarms[f"{prefix}ServerErrorRateAlarm"]
        (metric,) = metrics_of(rate)
        assert (metric["Namespace"], metric["MetricName"]) == ("AWS/ApiGateway", "5XXError")
        assert dimensions(metric) == method
        assert rate["Properties"]["Threshold"] == {"Ref": "ErrorRateThresholdPercent"}
        latency = alarms[f"{prefix}LatencyP99Alarm"]["Properties"]
        assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("Latency", "p99")
        assert dimensions(latency) == method
        assert latency["Threshold"] == {"Ref": "LatencyP99ThresholdMs"}


def test_every_function_has_errors_and_throttles_alarms(api: Api) -> None:
    alarms = alarms_of(build_template(api))
    for operation in api.operations:
        function = function_logical_id(operation)
        for metric in ("Errors", "Throttles"):
            properties = alarms[f"{function}{metric}Alarm"]["Properties"]
            assert (properties["Namespace"], properties["MetricName"]) == ("AWS/Lambda", metric)
            assert dimensions(properties) == {"FunctionName": {"Ref": function}}


def test_every_table_has_throttle_and_system_error_alarms_over_its_operations(api: Api) -> None:
    alarms = alarms_of(build_template(api))
    for table in api.tables:
        used = {
            action
            for op in api.operations
            for access in op.table_access
            if access.table == table.logical_id
            for action in access.actions
        }
        for metric in ("ThrottledRequests", "SystemErrors"):
            found = [
                a for name, a in alarms.items() if name.startswith(f"{table.logical_id}{metric}")
            ]
            read = [m for alarm in found for m in metrics_of(alarm)]
            assert {dimensions(m)["Operation"] for m in read} == used
            assert all(dimensions(m)["TableName"] == {"Ref": table.logical_id} for m in read)
            assert all(m["MetricName"] == metric for m in read)


def test_every_alarm_notifies_the_alarm_topic_and_nothing_else(api: Api) -> None:
    template = build_template(api)
    alarms = alarms_of(template)
    # Operators' alarms: 5XX rate, p99, Errors, Throttles per operation; 2 per table. Rollback
    # alarms (render/cloudformation/deployments.py): the same four per operation, at 1 minute.
    expected = 8 * len(api.operations) + 2 * len(api.tables) + 4 * len(api.authorizers)
    assert len(alarms) == expected
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [alarm_target()]
        assert alarm["Properties"]["OKActions"] == [alarm_target()]
    # The topic: created unless one is passed in.
    assert template["Conditions"][CREATE_TOPIC_CONDITION] == {
        "Fn::Equals": [{"Ref": ALARM_TOPIC_PARAMETER}, ""]
    }
    assert template["Resources"][ALARM_TOPIC]["Condition"] == CREATE_TOPIC_CONDITION
    assert template["Parameters"][ALARM_TOPIC_PARAMETER]["Default"] == ""


def test_the_dashboard_has_one_row_per_operation(api: Api) -> None:
    template = build_template(api)
    body = json.loads(
        template["Resources"][DASHBOARD_LOGICAL_ID]["Properties"]["DashboardBody"]["Fn::Sub"]
    )
    rows: dict[int, list[dict[str, Any]]] = {}
    for widget in body["widgets"]:
        rows.setdefault(widget["y"], []).append(widget)
    operation_rows = list(rows.values())[: len(api.operations)]
    for operation, row in zip(api.operations, operation_rows, strict=True):
        assert len(row) == 4
        assert all(w["properties"]["title"].startswith(f"{operation.operation_id} (") for w in row)
        assert sorted(w["x"] for w in row) == [0, 6, 12, 18]
    titles = widget_titles(api)
    assert len([t for t in titles if t.startswith("Service counters")]) == 1


def test_the_dashboard_reads_the_metrics_the_functions_write(api: Api) -> None:
    """Namespace, dimensions and metric names: the EMF widget and generated code agree."""
    template = build_template(api)
    body = json.loads(
        template["Resources"][DASHBOARD_LOGICAL_ID]["Properties"]["DashboardBody"]["Fn::Sub"]
    )
    namespace = api.observability.namespace
    own = [
        metric
        for widget in body["widgets"]
        for metric in widget["properties"]["metrics"]
        if metric[0] == namespace
    ]
    assert {m[1] for m in own} == {name for name, _ in REQUEST_METRICS}
    assert {m[5] for m in own} == {op.operation_id for op in api.operations}
    assert all(m[2:6] == ["Service", "${AWS::StackName}", "Operation", m[5]] for m in own)
    (module,) = render_observability(api).values()
    assert f"NAMESPACE = {json.dumps(namespace)}" in module
    for operation in api.operations:
        key = f"({json.dumps(operation.method)}, {json.dumps(operation.path)})"
        assert f"{key}: {json.dumps(operation.operation_id)}," in module


def test_the_template_with_an_added_operation_passes_the_translator_and_cfn_lint(
    added_api: Api, tmp_path: Path
) -> None:
    text = render_template(added_api)
    cfn = aws_checks.translate(text)
    assert "GetUserAuditServerErrorRateAlarm" in cfn["Resources"]
    assert "GetUserAuditFunctionErrorsAlarm" in cfn["Resources"]
    sam_file = tmp_path / "template.yaml"
    sam_file.write_text(text, encoding="utf-8")
    cfn_file = aws_checks.write_json(cfn, tmp_path / "template.cfn.json")
    assert aws_checks.cfn_lint_errors(sam_file) + aws_checks.cfn_lint_errors(cfn_file) == []


def test_observability_settings_reach_the_parameters(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    document["x-codegen"]["observability"] = {
        "namespace": "Team/Users",
        "logLevel": "DEBUG",
        "latencyP99Ms": 250,
        "errorRatePercent": 0.5,
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    template = build_template(parse_api(spec))
    parameters = template["Parameters"]
    assert parameters["LogLevel"]["Default"] == "DEBUG"
    assert parameters["LatencyP99ThresholdMs"]["Default"] == 250
    assert parameters["ErrorRateThresholdPercent"]["Default"] == 0.5
    assert (
        '"Team/Users"'
        in template["Resources"][DASHBOARD_LOGICAL_ID]["Properties"]["DashboardBody"]["Fn::Sub"]
    )


def test_a_table_or_secret_may_not_take_the_service_variable(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    document["x-codegen"]["secrets"]["CursorSecret"]["environment"] = "SERVICE_NAME"
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(SpecError, match="SERVICE_NAME is reserved"):
        build_template(parse_api(spec))


def test_every_lambda_authorizer_has_errors_and_throttles_alarms() -> None:
    """A generated Lambda authorizer is one more function: its failures page too."""
    api = parse_api(SPECS / "authorizers.yaml")
    assert api.authorizers, "the authorizers spec renders Lambda authorizers"
    template = build_template(api)
    alarms = alarms_of(template)
    for authorizer in api.authorizers:
        assert template["Resources"][authorizer.logical_id]["Type"] == "AWS::Serverless::Function"
        for metric in ("Errors", "Throttles"):
            properties = alarms[f"{authorizer.logical_id}{metric}Alarm"]["Properties"]
            assert (properties["Namespace"], properties["MetricName"]) == ("AWS/Lambda", metric)
            assert dimensions(properties) == {"FunctionName": {"Ref": authorizer.logical_id}}
