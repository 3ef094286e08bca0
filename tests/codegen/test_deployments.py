"""Safe deployments (render/cloudformation/deployments.py), read from the translated
CloudFormation: every function has a version, the alias `live`, a CodeDeploy deployment
group naming its rollback alarms, and API Gateway reaches it only through the alias."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.aws_names import function_logical_id
from codegen.openapi.model import Api
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.deployments import (
    ALIAS,
    DEPLOYMENT_TYPE_PARAMETER,
    PRE_TRAFFIC_HOOK,
    ROLLBACK_PERIOD_SECONDS,
)
from codegen.render.cloudformation.sam import render_template
from codegen.render.python.pre_traffic import checked_operations
from tests.codegen.helpers import SPECS
from tests.codegen.test_monitoring import with_added_operation
from tests.support import aws_checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def users_api() -> Api:
    return parse_api(ROOT / "openapi.yaml")


@pytest.fixture(scope="module")
def added_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    return parse_api(with_added_operation(tmp_path_factory.mktemp("added")))


@pytest.fixture(scope="module")
def authorizers_api() -> Api:
    return parse_api(SPECS / "authorizers.yaml")


def translated(api: Api) -> dict[str, Any]:
    return aws_checks.translate(render_template(api))


def functions_of(api: Api) -> list[str]:
    return [function_logical_id(op) for op in api.operations] + [
        a.logical_id for a in api.authorizers
    ]


def deployment_view(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per function: its alias, its version, the alarms its deployment group watches."""
    resources = cfn["Resources"]
    view: dict[str, dict[str, Any]] = {}
    for alias_id, function in aws_checks.alias_functions(cfn).items():
        alias = resources[alias_id]
        group_id = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"][
            "Ref"
        ]
        group = resources[group_id]["Properties"]
        version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        view[function] = {
            "alias": alias_id,
            "alias_name": alias["Properties"]["Name"],
            "version": resources[version_id],
            "version_id": version_id,
            "alarms": {entry["Name"]["Ref"] for entry in group["AlarmConfiguration"]["Alarms"]},
            "alarms_enabled": group["AlarmConfiguration"]["Enabled"],
            "rollback": set(group["AutoRollbackConfiguration"]["Events"]),
        }
    return view


@pytest.mark.parametrize("name", ["users_api", "authorizers_api"])
def test_every_function_has_a_version_an_alias_and_a_deployment_group_with_alarms(
    name: str, request: pytest.FixtureRequest
) -> None:
    api: Api = request.getfixturevalue(name)
    cfn = translated(api)
    view = deployment_view(cfn)
    assert set(view) == set(functions_of(api))
    for function, found in view.items():
        assert found["alias_name"] == ALIAS
        assert found["version"]["Type"] == "AWS::Lambda::Version"
        assert found["version"]["Properties"]["FunctionName"] == {"Ref": function}
        assert found["alarms_enabled"] is True
        assert "DEPLOYMENT_STOP_ON_ALARM" in found["rollback"]
        # The function's own new-version alarms, plus its method's for an operation.
        assert {f"{function}NewVersionErrorsAlarm", f"{function}NewVersionThrottlesAlarm"} <= (
            found["alarms"]
        )
        for alarm_id in found["alarms"]:
            alarm = cfn["Resources"][alarm_id]
            assert alarm["Type"] == "AWS::CloudWatch::Alarm"
            assert alarm["Properties"]["EvaluationPeriods"] == 1


def test_the_new_version_alarms_watch_the_version_being_deployed(users_api: Api) -> None:
    cfn = translated(users_api)
    for function, found in deployment_view(cfn).items():
        for metric in ("Errors", "Throttles"):
            properties = cfn["Resources"][f"{function}NewVersion{metric}Alarm"]["Properties"]
            dims = {d["Name"]: d["Value"] for d in properties["Dimensions"]}
            assert dims["FunctionName"] == {"Ref": function}
            assert dims["Resource"] == {"Fn::Sub": f"${{{function}}}:{ALIAS}"}
            # The version SAM published for this deployment, the one the alias shifts to.
            assert dims["ExecutedVersion"] == {"Fn::GetAtt": [found["version_id"], "Version"]}
            assert properties["MetricName"] == metric
            assert properties["Period"] == ROLLBACK_PERIOD_SECONDS


def test_each_operation_rolls_back_on_its_methods_5xx_rate_and_p99(users_api: Api) -> None:
    cfn = translated(users_api)
    view = deployment_view(cfn)
    for operation in users_api.operations:
        alarms = view[function_logical_id(operation)]["alarms"]
        methods = [cfn["Resources"][a]["Properties"] for a in alarms if "Deployment" in a]
        assert len(methods) == 2
        text = json.dumps(methods)
        assert '"5XXError"' in text and '"p99"' in text
        assert f'"Value": "{operation.method}"' in text


@pytest.mark.parametrize("name", ["users_api", "authorizers_api"])
def test_api_gateway_invokes_only_aliases(name: str, request: pytest.FixtureRequest) -> None:
    api: Api = request.getfixturevalue(name)
    cfn = translated(api)
    aliases = aws_checks.alias_functions(cfn)
    body = aws_checks.definition_body(cfn)
    integrated = aws_checks.integration_routes(body)
    assert integrated and set(integrated.values()) <= set(aliases)
    # Each method's permission is on the alias its integration invokes (SAM writes a path
    # parameter as `*` in the permission's SourceArn).
    as_arn = {(m, re.sub(r"\{[^}]+\}", "*", p)): f for (m, p), f in integrated.items()}
    assert aws_checks.permission_routes(cfn) == as_arn
    for scheme in body["components"]["securitySchemes"].values():
        authorizer = scheme.get("x-amazon-apigateway-authorizer", {})
        if "authorizerUri" in authorizer:
            uri = json.dumps(authorizer["authorizerUri"])
            assert any(f'"Ref": "{alias}"' in uri for alias in aliases), uri
    for permission in aws_checks.resources_of_type(cfn, "AWS::Lambda::Permission").values():
        assert permission["Properties"]["FunctionName"]["Ref"] in aliases


def test_an_added_operation_gets_one_more_alias_deployment_group_and_alarm_set(
    users_api: Api, added_api: Api
) -> None:
    before, after = translated(users_api), translated(added_api)
    for kind in ("AWS::Lambda::Alias", "AWS::CodeDeploy::DeploymentGroup", "AWS::Lambda::Version"):
        assert len(aws_checks.resources_of_type(after, kind)) == (
            len(aws_checks.resources_of_type(before, kind)) + 1
        ), kind
    added = deployment_view(after)["GetUserAuditFunction"]
    assert len(added["alarms"]) == 4


def test_the_deployment_type_is_a_parameter_with_all_at_once_by_default(users_api: Api) -> None:
    sam = aws_checks.parse_sam(render_template(users_api))
    parameter = sam["Parameters"][DEPLOYMENT_TYPE_PARAMETER]
    assert parameter["Default"] == "AllAtOnce"
    assert "Canary10Percent5Minutes" in parameter["AllowedValues"]
    functions = aws_checks.resources_of_type(sam, "AWS::Serverless::Function")
    # The pre-traffic hook is never deployed gradually itself (SAM's rule for hooks).
    hook = functions.pop(PRE_TRAFFIC_HOOK)["Properties"]
    assert "DeploymentPreference" not in hook and "AutoPublishAlias" not in hook
    for resource in functions.values():
        preference = resource["Properties"]["DeploymentPreference"]
        assert preference["Type"] == {"Ref": DEPLOYMENT_TYPE_PARAMETER}
        assert resource["Properties"]["AutoPublishAlias"] == ALIAS


def test_every_operation_waits_for_the_pre_traffic_hook(users_api: Api) -> None:
    cfn = translated(users_api)
    resources = cfn["Resources"]
    for operation in users_api.operations:
        alias = resources[deployment_view(cfn)[function_logical_id(operation)]["alias"]]
        update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
        assert update["BeforeAllowTrafficHook"] == {"Ref": PRE_TRAFFIC_HOOK}
    hook = resources[PRE_TRAFFIC_HOOK]["Properties"]
    # SAM's CodeDeploy role may invoke only CodeDeployHook_* functions.
    name = hook["FunctionName"]["Fn::Sub"][0]
    assert name.startswith("CodeDeployHook_") and len(name.split("$")[0]) + 36 <= 64
    role = resources[f"{PRE_TRAFFIC_HOOK}Role"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    actions = {a for s in statements for a in s["Action"]}
    assert actions == {"lambda:InvokeFunction", "codedeploy:PutLifecycleEventHookExecutionStatus"}
    # It may invoke exactly the new versions it checks, nothing else.
    (invoke,) = [s for s in statements if s["Action"] == ["lambda:InvokeFunction"]]
    versions = {v["Ref"] for v in invoke["Resource"]}
    assert versions == {
        deployment_view(cfn)[function_logical_id(op)]["version_id"]
        for op in checked_operations(users_api)
    }
