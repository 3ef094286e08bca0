"""`codegen fuzz --stack NAME`: a deployed stack's URL and its client team's credentials.

From the stack's outputs (template.yaml `Outputs`, codegen/render/cloudformation/
auth_resources.py): `ApiUrl`, `TokenUrl`, `UserPoolId`, `<Team>AppClientId`, `<Team>ApiKeyId`.
Then the app client's secret (Cognito `DescribeUserPoolClient`) and the API key's value
(API Gateway `GetApiKey` with `includeValue`). Tokens come from `TokenUrl` with the
client-credentials grant (oauth.py), fetched again before they expire. Nothing is written
before the user confirms, with the stack and region named, or passed --yes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codegen.fuzz.oauth import Grant
from codegen.fuzz.target import Target, TargetError, usage_plan_rate

# What is used of a `boto3.session.Session`: `region_name` and `client(name)`. Any: boto3's
# typed overloads of `client` match no narrower protocol.
AwsSession = Any


def _ask_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in {"y", "yes"}
    except EOFError:
        return False


def stack_target(
    spec: Path,
    stack: str,
    region: str | None,
    client: str | None,
    yes: bool,
    *,
    session: AwsSession | None = None,
    ask: Callable[[str], bool] | None = None,
) -> Target:
    from botocore.exceptions import BotoCoreError, ClientError

    from codegen.openapi.errors import SpecError
    from codegen.openapi.parser import parse_api
    from codegen.serve.auth.credentials_cli import UsageError, choose_client

    try:
        api = parse_api(spec)
        needed = {s for op in api.operations for r in op.security for s in r.scopes}
        team = choose_client(api.clients, client, needed)
    except (SpecError, UsageError) as error:
        raise TargetError(str(error)) from error
    if session is None:
        import boto3

        session = boto3.session.Session(region_name=region)
    where: str | None = session.region_name
    if not where:
        raise TargetError("no region: pass --region or configure one (AWS_REGION)")
    try:
        described = session.client("cloudformation").describe_stacks(StackName=stack)
        outputs = {
            o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])
        }
        names = {
            "api": "ApiUrl",
            "token": "TokenUrl",
            "pool": "UserPoolId",
            "client": f"{team.logical_name}AppClientId",
            "key": f"{team.logical_name}ApiKeyId",
        }
        missing = [name for name in names.values() if name not in outputs]
        if missing:
            raise TargetError(
                f"stack {stack} ({where}) has no output {', '.join(missing)}: deployed from an "
                "older template, or with an existing user pool (CognitoUserPoolArn)"
            )
        url = outputs[names["api"]].rstrip("/")
        question = (
            f"fuzz will create, change and delete users on stack {stack} in {where} ({url}) "
            f"as {team.name}, and delete what it created at the end. Continue? [y/N] "
        )
        if not yes and not (ask or _ask_on_terminal)(question):
            raise TargetError(f"not confirmed: nothing sent to stack {stack} in {where}")
        print(f"fuzz: stack {stack} in {where}: {url} as {team.name}")
        pool_client = session.client("cognito-idp").describe_user_pool_client(
            UserPoolId=outputs[names["pool"]], ClientId=outputs[names["client"]]
        )["UserPoolClient"]
        key = session.client("apigateway").get_api_key(
            apiKey=outputs[names["key"]], includeValue=True
        )
    except (BotoCoreError, ClientError) as error:
        raise TargetError(f"stack {stack} ({where}): {error}") from error
    secret = pool_client.get("ClientSecret")
    if not secret:
        raise TargetError(f"app client {pool_client.get('ClientId')} has no secret")
    grant = Grant(outputs[names["token"]], str(pool_client["ClientId"]), str(secret), team.scopes)
    return Target(url, grant, str(key["value"]), rate_limit=usage_plan_rate(spec, team.name))
