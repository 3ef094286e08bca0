"""template.yaml's authentication resources: Cognito user pool and clients, API keys, plans.

Rendered from the model (`Api.security_schemes`, `Api.clients`), as plain CloudFormation
data that `codegen.render.cloudformation.sam` merges into the template (`parameters`, `conditions`,
`resources`, `outputs`):

- Token authentication (a `cognito` scheme): by default the stack creates the user pool
  (condition `CreateUserPool`: the `CognitoUserPoolArn` parameter left empty), a resource
  server per scope prefix declaring the scopes (`users/read` -> server `users`, scope
  `read`), the domain that serves the token endpoint
  (`https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`), and one app client per
  client team (client-credentials grant, a generated secret, only its team's scopes). A
  deployer who passes an existing pool's ARN gets none of these: that pool's owner
  declares its resource server and app clients. The authorizer names the pool either way
  (`user_pool_arn()`).
- API keys (per client team): an `AWS::ApiGateway::ApiKey` without a `Value`, so AWS
  generates it and none is ever in the repository, a usage plan with the team's throttle
  and quota on the API's stage, and the key's attachment to the plan. API keys identify
  and meter callers; the token authenticates them (AWS, "Best practices for API keys and
  usage plans").
"""

from __future__ import annotations

import re
from typing import Any

from codegen.openapi.client_teams import Client, is_custom_scope, resource_servers
from codegen.openapi.model import Api

USER_POOL_PARAMETER = "CognitoUserPoolArn"
DOMAIN_PARAMETER = "CognitoDomainPrefix"
CREATE_POOL_CONDITION = "CreateUserPool"
DOMAIN_CONDITION = "HasCognitoDomainPrefix"
USER_POOL = "UserPool"
USER_POOL_DOMAIN = "UserPoolDomain"
# Cognito access tokens live 5 minutes to 1 day; an hour is Cognito's default.
ACCESS_TOKEN_MINUTES = 60
# Domain prefixes: lower-case letters, digits and hyphens, not starting or ending with a
# hyphen, 63 at most; "aws", "amazon" and "cognito" are reserved words (Amazon Cognito
# Developer Guide, "Using the Amazon Cognito prefix domain"). The default prefix is the
# API's title as a slug plus the account id (`users-api-123456789012`): prefixes are
# unique per region, so a second stack of the same API in one account and region needs
# the parameter.
DOMAIN_PATTERN = r"^$|^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
POOL_ARN_PATTERN = r"^$|^arn:aws[a-zA-Z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/.+$"


def uses_tokens(api: Api) -> bool:
    return any(scheme.kind == "cognito" for scheme in api.security_schemes)


def creates_pool(api: Api) -> bool:
    """Whether the stack can create the pool: only Cognito custom scopes can be declared
    by a resource server (`server/name`; Petstore's `write:pets` cannot), so otherwise
    the pool's ARN is a required parameter, as before the stack could create one."""
    return uses_tokens(api) and all(is_custom_scope(scope) for scope in _scopes(api))


def _scopes(api: Api) -> list[str]:
    scopes = [scope for op in api.operations for r in op.security for scope in r.scopes]
    return list(dict.fromkeys([*scopes, *(s for client in api.clients for s in client.scopes)]))


def user_pool_arn(api: Api) -> dict[str, Any]:
    """The pool the Cognito authorizer trusts: the stack's own, or the one passed in."""
    if not creates_pool(api):
        return {"Ref": USER_POOL_PARAMETER}
    return {
        "Fn::If": [
            CREATE_POOL_CONDITION,
            {"Fn::GetAtt": [USER_POOL, "Arn"]},
            {"Ref": USER_POOL_PARAMETER},
        ]
    }


def parameters(api: Api) -> dict[str, Any]:
    if not uses_tokens(api):
        return {}
    if not creates_pool(api):
        return {
            USER_POOL_PARAMETER: {
                "Type": "String",
                "AllowedPattern": POOL_ARN_PATTERN.removeprefix("^$|"),
                "Description": "ARN of the Amazon Cognito user pool whose tokens the API accepts",
            }
        }
    return {
        USER_POOL_PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": POOL_ARN_PATTERN,
            "Description": "ARN of an existing Amazon Cognito user pool whose access tokens the "
            "API accepts; empty (the default): the stack creates the pool, its resource server, "
            "domain and one app client per client team",
        },
        DOMAIN_PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": DOMAIN_PATTERN,
            "Description": "Prefix of the created pool's domain (the token endpoint is "
            "https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token); empty: "
            "<title>-<account id>. Ignored with CognitoUserPoolArn",
        },
    }


def conditions(api: Api) -> dict[str, Any]:
    if not creates_pool(api):
        return {}
    return {
        CREATE_POOL_CONDITION: {"Fn::Equals": [{"Ref": USER_POOL_PARAMETER}, ""]},
        DOMAIN_CONDITION: {"Fn::Not": [{"Fn::Equals": [{"Ref": DOMAIN_PARAMETER}, ""]}]},
    }


def resources(api: Api, api_logical_id: str) -> dict[str, Any]:
    """Every authentication resource, keyed by logical id."""
    found: dict[str, Any] = {}
    if creates_pool(api):
        found.update(_user_pool(api))
    for client in api.clients:
        found.update(_api_key_and_plan(client, api_logical_id))
    return found


def outputs(api: Api) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if creates_pool(api):
        found["UserPoolId"] = {
            "Condition": CREATE_POOL_CONDITION,
            "Description": "The Cognito user pool the stack created",
            "Value": {"Ref": USER_POOL},
        }
        found["TokenUrl"] = {
            "Condition": CREATE_POOL_CONDITION,
            "Description": "OAuth 2.0 token endpoint (client-credentials grant)",
            "Value": {
                "Fn::Sub": f"https://${{{USER_POOL_DOMAIN}}}.auth.${{AWS::Region}}"
                ".amazoncognito.com/oauth2/token"
            },
        }
    for client in api.clients:
        if creates_pool(api) and client.scopes:
            found[f"{client.logical_name}AppClientId"] = {
                "Condition": CREATE_POOL_CONDITION,
                "Description": f"App client id of {client.name} (its secret: "
                "aws cognito-idp describe-user-pool-client)",
                "Value": {"Ref": _app_client_id(client)},
            }
        found[f"{client.logical_name}ApiKeyId"] = {
            "Description": f"API key id of {client.name} (its value: aws apigateway "
            "get-api-key --include-value --api-key <id>)",
            "Value": {"Ref": _api_key_id(client)},
        }
    return found


def _user_pool(api: Api) -> dict[str, Any]:
    servers = resource_servers(_scopes(api))
    found: dict[str, Any] = {
        USER_POOL: {
            "Type": "AWS::Cognito::UserPool",
            "Condition": CREATE_POOL_CONDITION,
            "Properties": {
                "UserPoolName": {"Fn::Sub": "${AWS::StackName}-clients"},
                # The callers are client teams' backends (client credentials): no user
                # signs up or in, so nobody may create users but an administrator.
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "UserPoolTier": "ESSENTIALS",
            },
        },
        USER_POOL_DOMAIN: {
            "Type": "AWS::Cognito::UserPoolDomain",
            "Condition": CREATE_POOL_CONDITION,
            "Properties": {
                "UserPoolId": {"Ref": USER_POOL},
                "Domain": {
                    "Fn::If": [
                        DOMAIN_CONDITION,
                        {"Ref": DOMAIN_PARAMETER},
                        {"Fn::Sub": f"{_domain_slug(api.title)}-${{AWS::AccountId}}"},
                    ]
                },
            },
        },
    }
    for identifier, names in servers.items():
        found[_resource_server_id(identifier)] = {
            "Type": "AWS::Cognito::UserPoolResourceServer",
            "Condition": CREATE_POOL_CONDITION,
            "Properties": {
                "UserPoolId": {"Ref": USER_POOL},
                "Identifier": identifier,
                "Name": identifier,
                "Scopes": [
                    {"ScopeName": name, "ScopeDescription": f"{identifier}/{name}"}
                    for name in names
                ],
            },
        }
    for client in api.clients:
        if not client.scopes:
            continue  # the client-credentials grant needs at least one scope
        found[_app_client_id(client)] = {
            "Type": "AWS::Cognito::UserPoolClient",
            "Condition": CREATE_POOL_CONDITION,
            # The scopes must exist on their resource server before a client may ask for them.
            "DependsOn": sorted(_resource_server_id(i) for i in resource_servers(client.scopes)),
            "Properties": {
                "UserPoolId": {"Ref": USER_POOL},
                "ClientName": client.name,
                "GenerateSecret": True,
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["client_credentials"],
                "AllowedOAuthScopes": list(client.scopes),
                "SupportedIdentityProviders": ["COGNITO"],
                "AccessTokenValidity": ACCESS_TOKEN_MINUTES,
                "TokenValidityUnits": {"AccessToken": "minutes"},
                "PreventUserExistenceErrors": "ENABLED",
            },
        }
    return found


def _api_key_and_plan(client: Client, api_logical_id: str) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "UsagePlanName": {"Fn::Sub": f"${{AWS::StackName}}-{client.name}"},
        "Description": f"Usage plan of the client team {client.name}",
        # `<Api>.Stage` is SAM's reference to the stage it generates; it also makes the
        # plan wait for the stage ("Invalid stage identifier" otherwise).
        "ApiStages": [
            {"ApiId": {"Ref": api_logical_id}, "Stage": {"Ref": f"{api_logical_id}.Stage"}}
        ],
    }
    if client.throttle is not None:
        plan["Throttle"] = {
            "RateLimit": client.throttle.rate,
            "BurstLimit": client.throttle.burst,
        }
    if client.quota is not None:
        plan["Quota"] = {"Limit": client.quota.limit, "Period": client.quota.period}
    name = client.logical_name
    return {
        _api_key_id(client): {
            "Type": "AWS::ApiGateway::ApiKey",
            "Properties": {
                # No Value: API Gateway generates the key, so it is never in the repository.
                "Name": {"Fn::Sub": f"${{AWS::StackName}}-{client.name}"},
                "Description": f"API key of the client team {client.name}",
                "Enabled": True,
            },
        },
        f"{name}UsagePlan": {"Type": "AWS::ApiGateway::UsagePlan", "Properties": plan},
        f"{name}UsagePlanKey": {
            "Type": "AWS::ApiGateway::UsagePlanKey",
            "Properties": {
                "KeyId": {"Ref": _api_key_id(client)},
                "KeyType": "API_KEY",
                "UsagePlanId": {"Ref": f"{name}UsagePlan"},
            },
        },
    }


def _domain_slug(title: str) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", title.lower()) if w]
    words = [w for w in words if not any(r in w for r in ("aws", "amazon", "cognito"))]
    return "-".join(words)[:40].strip("-") or "api"


def _api_key_id(client: Client) -> str:
    return f"{client.logical_name}ApiKey"


def _app_client_id(client: Client) -> str:
    return f"{client.logical_name}AppClient"


def _resource_server_id(identifier: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", identifier)
    return "".join(w[:1].upper() + w[1:] for w in words if w) + "ResourceServer"
