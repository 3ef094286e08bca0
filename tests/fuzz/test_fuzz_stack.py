"""`codegen fuzz --stack` end to end, offline: no test reaches AWS.

moto answers CloudFormation (the stack's outputs) and API Gateway (`GetApiKey`); botocore's
Stubber answers Cognito's `DescribeUserPoolClient` (moto generates app client secrets of its
own, and the stage here must know the secret). The local server plays the stage and its
token endpoint: the outputs point at it, the app client and key are the checkout's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from codegen.fuzz.cli import main
from tests.support.credentials import local_credentials
from tests.support.servers import ServerProcess, codegen_server

pytestmark = pytest.mark.slow

REGION = "eu-west-1"
STACK = "users-api-test"
POOL = f"{REGION}_LocalPool"


class StubbedSession:
    """A boto3 session whose Cognito client is stubbed; the other services are moto's."""

    def __init__(self, cognito: Any) -> None:
        self.region_name = REGION
        self._moto = boto3.session.Session(region_name=REGION)
        self._cognito = cognito

    def client(self, service_name: str) -> Any:
        if service_name == "cognito-idp":
            return self._cognito
        return self._moto.client(service_name)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def stage() -> Iterator[ServerProcess]:
    with codegen_server() as server:
        yield server


def deploy(stage_url: str, outputs: dict[str, str] | None = None) -> dict[str, str]:
    """A stack whose outputs name the local stage, as template.yaml's Outputs do."""
    team = local_credentials().clients["backoffice"]
    key = boto3.client("apigateway", region_name=REGION).create_api_key(
        name="backoffice", value=team.api_key, enabled=True
    )
    values = outputs or {
        "ApiUrl": stage_url + "/",
        "TokenUrl": stage_url + "/oauth2/token",
        "UserPoolId": POOL,
        "BackofficeAppClientId": team.client_id,
        "BackofficeApiKeyId": key["id"],
    }
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {name: {"Value": value} for name, value in values.items()},
    }
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    return values


def stubbed_cognito(client_id: str, secret: str) -> tuple[Any, Stubber]:
    cognito = botocore.session.get_session().create_client("cognito-idp", region_name=REGION)
    stubber = Stubber(cognito)
    stubber.add_response(
        "describe_user_pool_client",
        {"UserPoolClient": {"UserPoolId": POOL, "ClientId": client_id, "ClientSecret": secret}},
        {"UserPoolId": POOL, "ClientId": client_id},
    )
    stubber.activate()
    return cognito, stubber


@mock_aws
def test_a_stack_is_fuzzed_with_its_teams_credentials_after_confirmation(
    stage: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    team = local_credentials().clients["backoffice"]
    deploy(stage.url)
    cognito, stubber = stubbed_cognito(team.client_id, team.client_secret)
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return True

    stack = ["--stack", STACK, "--region", REGION, "--client", "backoffice"]
    code = main(
        [*stack, "--seed", "7", "--max-examples", "3"],
        aws_session=StubbedSession(cognito),
        ask=confirm,
    )
    out = capsys.readouterr().out
    assert code == 0, out
    stubber.assert_no_pending_responses()
    assert len(asked) == 1 and STACK in asked[0] and REGION in asked[0]
    last = out.strip().splitlines()[-1]
    found = re.match(r"fuzz: (\d+) cases, 0 failures, (\d+) users created, (\d+) removed", last)
    assert found, last
    assert int(found.group(2)) > 0
    # The stage saw the team's token (from its token endpoint) and key on /users.
    log = stage.process.output()
    assert re.search(r"INFO POST /oauth2/token 200 ", log)
    assert re.search(r"INFO POST /users 201 .* client=backoffice", log)


@mock_aws
def test_without_confirmation_nothing_is_sent(
    stage: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(stage.url)
    before = stage.process.output().count("/oauth2/token")
    team = local_credentials().clients["backoffice"]
    cognito, stubber = stubbed_cognito(team.client_id, team.client_secret)
    code = main(
        ["--stack", STACK, "--region", REGION, "--client", "backoffice"],
        aws_session=StubbedSession(cognito),
        ask=lambda question: False,
    )
    assert code == 2
    with pytest.raises(AssertionError):  # the secret was never asked for
        stubber.assert_no_pending_responses()
    assert f"not confirmed: nothing sent to stack {STACK} in {REGION}" in capsys.readouterr().err
    assert stage.process.output().count("/oauth2/token") == before  # no token, no request


@mock_aws
def test_a_stack_without_the_outputs_is_named_with_what_it_lacks(
    stage: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(stage.url, outputs={"ApiUrl": stage.url + "/"})
    team = local_credentials().clients["backoffice"]
    cognito, _ = stubbed_cognito(team.client_id, team.client_secret)
    code = main(
        ["--stack", STACK, "--region", REGION, "--client", "backoffice", "--yes"],
        aws_session=StubbedSession(cognito),
    )
    assert code == 2
    error = capsys.readouterr().err
    assert "no output TokenUrl, UserPoolId, BackofficeAppClientId, BackofficeApiKeyId" in error
