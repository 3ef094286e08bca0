"""template.yaml: the SAM template, built as data from the model and dumped as YAML.

`build_template(api)` returns the template as plain data, with CloudFormation intrinsics
in their long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`, `{"Fn::GetAtt": [...]}`), which is
what `samtranslator.yaml_helper.yaml_parse` reads back from the short tags.
`render_template(api)` prints it: short tags (`!Ref`, `!Sub`, `!GetAtt`), keys in a fixed
order, no anchors, so the output is deterministic and diffs stay small.
"""

from __future__ import annotations

from typing import Any

from codegen.openapi.aws_names import MEMORY_MB, STAGE_NAME, TIMEOUT_SECONDS, function_logical_id
from codegen.openapi.errors import SpecError
from codegen.openapi.model import Api, Operation, Secret, Table
from codegen.render import templating
from codegen.render.cloudformation import auth_resources, authorizer_resources
from codegen.render.cloudformation.apigw import (
    API_LOGICAL_ID,
    definition_body,
)
from codegen.render.cloudformation.cfn_yaml import dump_yaml
from codegen.render.cloudformation.cloudwatch import API_NAME
from codegen.render.cloudformation.deployments import (
    PRE_TRAFFIC_HOOK,
    deployment_properties,
    pre_traffic_hook,
    rollback_alarms,
)
from codegen.render.cloudformation.deployments import parameters as deployment_parameters
from codegen.render.cloudformation.kms import kms_key
from codegen.render.cloudformation.monitoring import (
    ERROR_RATE_PARAMETER,
    LATENCY_PARAMETER,
    alarm_target,
    logging_config,
    monitoring_template,
    service_environment,
)
from codegen.render.python.pre_traffic import HANDLER as PRE_TRAFFIC_HANDLER
from codegen.render.python.pre_traffic import checked_operations, version_variable

RUNTIME = "python3.11"
CODE_URI = "src/"
# Reserved concurrency caps each function (and so the DynamoDB bill) under a flood, but
# Lambda keeps 100 of the account's concurrency unreserved ("UnreservedConcurrentExecution
# below its minimum value of [100]"), so a fixed reservation per function fails to deploy
# on accounts with a low quota (new accounts start at 10). It is therefore a parameter:
# the default -1 omits it (AWS::NoValue, the account's shared pool); set it per stack
# once the quota allows (e.g. --parameter-overrides ReservedConcurrency=10).
# checkov's CKV_AWS_115 (3.3) passes on the conditional property, since it checks that the
# property is declared; with the default, the cap under a flood is the stage throttling
# (MethodSettings below), which bounds every function's invocations anyway.
RESERVED_CONCURRENCY_PARAMETER = "ReservedConcurrency"
RESERVED_CONCURRENCY_CONDITION = "HasReservedConcurrency"
NO_RESERVATION = -1
THROTTLE_BURST = 100
THROTTLE_RATE = 50
LOG_RETENTION_DAYS = 365
ACCESS_LOG_GROUP = "ApiAccessLogs"
ACCESS_LOG_KEY = "ApiAccessLogsKey"
# The customer managed key of the secrets and of the functions' environment, which holds
# their values (rendered only when the spec declares secrets).
SECRETS_KEY = "SecretsKey"
# GenerateSecretString: 64 letters and digits (~380 bits). No punctuation, so the value
# never needs quoting or escaping wherever it travels (environment, shell, JSON).
SECRET_LENGTH = 64

# Access log line, one JSON object; API Gateway requires $context.requestId (or
# extendedRequestId) in it. Values are substituted as they are, never escaped, so each
# variable is one API Gateway fills with plain tokens (ids, numbers, methods, its own
# resource paths, its error types), quoted here, except the error message, which goes in
# as `$context.error.messageString`, documented as the already quoted value of
# `$context.error.message`. `$context.error.validationErrorString` is left out: it quotes
# parts of the client's body, so it could break the line (it stays in the execution logs).
ACCESS_LOG_FORMAT = {
    "requestId": '"$context.requestId"',
    "ip": '"$context.identity.sourceIp"',
    "requestTime": '"$context.requestTime"',
    "httpMethod": '"$context.httpMethod"',
    "resourcePath": '"$context.resourcePath"',
    "path": '"$context.path"',
    "status": '"$context.status"',
    "protocol": '"$context.protocol"',
    "responseLength": '"$context.responseLength"',
    "responseLatency": '"$context.responseLatency"',
    "integrationLatency": '"$context.integrationLatency"',
    "errorMessage": "$context.error.messageString",
    "errorType": '"$context.error.responseType"',
}
# Usage plan of the API keys (rendered only when an operation requires a key): without a
# plan linking a key to the stage, API Gateway answers 403 Forbidden to every key.
USAGE_PLAN_THROTTLE = {"BurstLimit": 20, "RateLimit": 10}
USAGE_PLAN_QUOTA = {"Limit": 10000, "Period": "DAY"}

_FUNCTION_SKIPS = (
    ("CKV_AWS_116", "API Gateway invokes synchronously; a DLQ applies to async invocations only"),
    ("CKV_AWS_117", "Nothing private to reach: DynamoDB is called on its public endpoint"),
)
# Only without secrets: then the environment is encrypted with Lambda's AWS managed key.
_PLAIN_ENVIRONMENT_SKIP = (
    "CKV_AWS_173",
    "The environment holds table names and the stack's name only, no secrets",
)
_API_SKIPS = (
    ("CKV_AWS_120", "Responses change with every write; a stage cache would serve stale users"),
)


def header(api: Api) -> str:
    return (
        f"{templating.header(api.spec_path.name)}\n"
        "# Deploying needs API Gateway's account-level CloudWatch Logs role (once per account\n"
        "# and region) for the access logs: see AWS::ApiGateway::Account.\n"
    )


def render_template(api: Api) -> str:
    """The full text of template.yaml."""
    return header(api) + dump_yaml(build_template(api))


def build_template(api: Api) -> dict[str, Any]:
    resources: dict[str, Any] = {
        API_LOGICAL_ID: _api_resource(api),
        ACCESS_LOG_GROUP: {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "RetentionInDays": LOG_RETENTION_DAYS,
                "KmsKeyId": _get_att(ACCESS_LOG_KEY, "Arn"),
            },
        },
        ACCESS_LOG_KEY: _access_log_key(),
    }
    rollback = rollback_alarms(api, alarm_target(), LATENCY_PARAMETER, ERROR_RATE_PARAMETER)
    checked = checked_operations(api)
    hook = PRE_TRAFFIC_HOOK if checked else None
    for operation in api.operations:
        function = _function(api, operation)
        name = function_logical_id(operation)
        function["Properties"] |= deployment_properties(name, list(rollback[name]), hook)
        _add(resources, name, function, operation.pointer)
    if checked:
        shared_for_hook = _function(api, None)
        versions = {version_variable(op): function_logical_id(op) for op in checked}
        _add(
            resources,
            PRE_TRAFFIC_HOOK,
            pre_traffic_hook(
                PRE_TRAFFIC_HANDLER,
                versions,
                shared_for_hook["Properties"],
                shared_for_hook["Metadata"],
            ),
            "/paths",
        )
    for table in api.tables:
        _add(resources, table.logical_id, _table(table), "/x-codegen/tables")
    if api.secrets:
        _add(resources, SECRETS_KEY, _secrets_key(), "/x-codegen/secrets")
    for secret in api.secrets:
        _add(resources, secret.logical_id, _secret(secret), "/x-codegen/secrets")
    for logical_id, resource in auth_resources.resources(api, API_LOGICAL_ID).items():
        _add(resources, logical_id, resource, "/x-codegen/clients")
    shared = _function(api, None)  # what an authorizer's function shares with the others
    for logical_id, resource in authorizer_resources.resources(
        api, API_LOGICAL_ID, shared["Properties"], shared["Metadata"]
    ).items():
        if logical_id in rollback:  # the authorizer's function (not its permission)
            resource["Properties"] |= deployment_properties(
                logical_id, list(rollback[logical_id]), None
            )
        _add(resources, logical_id, resource, "/components/securitySchemes")
    for alarms_of_function in rollback.values():
        for logical_id, resource in alarms_of_function.items():
            _add(resources, logical_id, resource, "/x-codegen/observability")
    monitoring = monitoring_template(api)
    for logical_id, resource in monitoring["Resources"].items():
        _add(resources, logical_id, resource, "/x-codegen/observability")
    outputs: dict[str, Any] = {
        "ApiUrl": {
            "Description": "Base URL of the API stage",
            "Value": _sub(
                f"https://${{{API_LOGICAL_ID}}}.execute-api.${{AWS::Region}}.amazonaws.com"
                f"/{STAGE_NAME}/"
            ),
        }
    }
    for table in api.tables:
        outputs[f"{table.logical_id}Name"] = {
            "Description": f"Name of the DynamoDB table {table.logical_id}",
            "Value": _ref(table.logical_id),
        }
    outputs.update(auth_resources.outputs(api))
    outputs.update(monitoring["Outputs"])
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": clipped(f"{api.title} {api.version}", 1024),  # CloudFormation's limit
        "Parameters": _parameters(api) | monitoring["Parameters"],
        "Conditions": {
            RESERVED_CONCURRENCY_CONDITION: {
                "Fn::Not": [{"Fn::Equals": [_ref(RESERVED_CONCURRENCY_PARAMETER), NO_RESERVATION]}]
            },
            **auth_resources.conditions(api),
            **monitoring["Conditions"],
        },
        "Globals": {"Function": _function_globals(api)},
        "Resources": resources,
        "Outputs": outputs,
    }


def _parameters(api: Api) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        RESERVED_CONCURRENCY_PARAMETER: {
            "Type": "Number",
            "Default": NO_RESERVATION,
            "MinValue": NO_RESERVATION,
            "Description": "Reserved concurrency of each function; -1 reserves none (Lambda "
            f"keeps 100 of the account unreserved: a quota above 100 + {len(api.operations)} "
            "x this is needed)",
        }
    }
    parameters.update(auth_resources.parameters(api))
    parameters.update(deployment_parameters())
    return parameters


def _function_globals(api: Api) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "Runtime": RUNTIME,
        "CodeUri": CODE_URI,
        "Timeout": TIMEOUT_SECONDS,
        "MemorySize": MEMORY_MB,
        "Architectures": ["arm64"],
        "Tracing": "Active",
        "LoggingConfig": logging_config(),
    }
    variables: dict[str, Any] = {table.environment: _ref(table.logical_id) for table in api.tables}
    # Every function gets every secret, through Globals: the spec has no per-operation
    # declaration of secrets (unlike x-codegen-dynamodb), and a secret grants no AWS access,
    # so the simple rule costs little. The value is resolved by CloudFormation at deploy
    # time (a dynamic reference "can be used in all resource properties", AWS CloudFormation
    # User Guide, "Get a secret or secret value from Secrets Manager"): no Secrets Manager
    # call, and no boto3 import, on a cold start. It therefore sits in the function's
    # configuration, hence the customer managed key: only principals allowed to decrypt
    # with it can read the environment. A new value reaches the functions on the next
    # stack update that touches them (CloudFormation does not re-resolve on its own).
    variables.update({secret.environment: _secret_reference(secret) for secret in api.secrets})
    for name, value in service_environment().items():
        if name in variables:
            raise SpecError(
                f"environment variable {name} is reserved for the metrics' Service dimension",
                "/x-codegen",
            )
        variables[name] = value
    if variables:
        settings["Environment"] = {"Variables": variables}
    if api.secrets:
        settings["KmsKeyArn"] = _get_att(SECRETS_KEY, "Arn")
    return settings


def _secret_reference(secret: Secret) -> dict[str, str]:
    """`{{resolve:secretsmanager:<arn>:SecretString}}`: the secret's whole (plain) value.

    `Ref` of an AWS::SecretsManager::Secret is its ARN, which the reference accepts as the
    secret id; the reference also makes each function depend on the secret.
    """
    return _sub(f"{{{{resolve:secretsmanager:${{{secret.logical_id}}}:SecretString}}}}")


def _api_resource(api: Api) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::Api",
        "Metadata": _checkov_skips(_API_SKIPS),
        "Properties": {
            # The ApiName dimension of its metrics, which the alarms and dashboard name.
            "Name": API_NAME,
            "StageName": STAGE_NAME,
            # Without it SAM also creates a stray stage named "Stage".
            "OpenApiVersion": "3.0.1",
            # Turn API Gateway's import warnings (ignored parts of the body) into errors.
            "FailOnWarnings": True,
            "EndpointConfiguration": {"Type": "REGIONAL"},
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": _get_att(ACCESS_LOG_GROUP, "Arn"),
                "Format": _compact_json(ACCESS_LOG_FORMAT),
            },
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingBurstLimit": THROTTLE_BURST,
                    "ThrottlingRateLimit": THROTTLE_RATE,
                    "MetricsEnabled": True,
                }
            ],
            "DefinitionBody": definition_body(api),
            **_auth(api),
        },
    }


def _auth(api: Api) -> dict[str, Any]:
    """A usage plan, an API key and their link, when an operation requires an API key.

    SAM's `Auth.UsagePlan` with `CreateUsagePlan: PER_API` creates the three resources
    (`<Api>UsagePlan`, `<Api>ApiKey`, `<Api>UsagePlanKey`) and attaches the stage; the
    methods' apiKeyRequired comes from the DefinitionBody's `security`.
    """
    if api.clients or not any(op.api_key_required for op in api.operations):
        # declared client teams get a key and plan each (render/cloudformation/auth_resources.py)
        return {}
    return {
        "Auth": {
            "UsagePlan": {
                "CreateUsagePlan": "PER_API",
                "Description": f"API keys of {api.title}",
                "Throttle": dict(USAGE_PLAN_THROTTLE),
                "Quota": dict(USAGE_PLAN_QUOTA),
            }
        }
    }


def _access_log_key() -> dict[str, Any]:
    """A customer managed key for the access logs (client IPs and user ids in paths).

    CloudWatch Logs may use a key only if the key policy lets the regional logs service
    principal do so; the condition limits it to this account's log groups.
    """
    return kms_key(
        "Encrypts the API access logs",
        {
            "Sid": "CloudWatchLogsUses",
            "Effect": "Allow",
            "Principal": {"Service": _sub("logs.${AWS::Region}.amazonaws.com")},
            "Action": [
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": _sub(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
                    )
                }
            },
        },
    )


def _secrets_key() -> dict[str, Any]:
    """The customer managed key of the secrets and of the functions' environment.

    Its policy is the default key policy: the account administers the key and IAM policies
    grant its use (AWS KMS Developer Guide, "Default key policy"). Who needs what:
    - each function's execution role: kms:Decrypt, to decrypt its environment at start-up
      (else Lambda fails the invocation with KMSAccessDeniedException); granted in the
      function's own policy (`_kms_statements`), on this key only;
    - whoever deploys (CloudFormation acts with the caller's credentials, or the stack's
      service role): kms:GenerateDataKey when Secrets Manager creates the secret value,
      kms:Decrypt when CloudFormation resolves the dynamic reference (Secrets Manager
      "acts on behalf of the user", AWS Secrets Manager User Guide, "Secret encryption and
      decryption"), and the use of the key when Lambda encrypts the environment ("The IAM
      user that creates and updates the Lambda function must have permission to use the
      AWS KMS key", AWS re:Post, KMSAccessDeniedException). An administrator has these.
    No service principal is needed: Secrets Manager and Lambda use the key on behalf of
    those IAM principals, never in their own name.
    """
    return kms_key("Encrypts the secrets and the functions' environment, which holds them")


def _secret(secret: Secret) -> dict[str, Any]:
    properties: dict[str, Any] = {"Description": secret.description} if secret.description else {}
    properties |= {
        "KmsKeyId": _get_att(SECRETS_KEY, "Arn"),
        # Without SecretStringTemplate the value is the generated string itself.
        "GenerateSecretString": {
            "PasswordLength": SECRET_LENGTH,
            "ExcludePunctuation": True,
        },
    }
    # Not rotated: a new value only invalidates the cursors in flight, but it reaches the
    # functions only on a stack update (see `_function_globals`), so a rotation needs a
    # redeploy step too; add both later. (checkov 3.3 reports no rotation check on it.)
    return {"Type": "AWS::SecretsManager::Secret", "Properties": properties}


def clipped(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut with an ellipsis where it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _function(api: Api, operation: Operation | None) -> dict[str, Any]:
    """An operation's function; with None, what every function shares (authorizers')."""
    properties: dict[str, Any] = (
        {}
        if operation is None
        else {
            "Handler": operation.handler.dotted,
            # Lambda takes at most 256 characters (cfn-lint E3033); a summary may be longer.
            "Description": clipped(operation.summary or operation.operation_id, 256),
        }
    )
    properties |= {
        "ReservedConcurrentExecutions": {
            "Fn::If": [
                RESERVED_CONCURRENCY_CONDITION,
                _ref(RESERVED_CONCURRENCY_PARAMETER),
                _ref("AWS::NoValue"),
            ]
        },
    }
    statements = (policy_statements(operation) if operation else []) + _kms_statements(api)
    if statements:
        properties["Policies"] = [{"Version": "2012-10-17", "Statement": statements}]
    if operation is not None:
        properties["Events"] = {
            "Api": {
                "Type": "Api",
                "Properties": {
                    "RestApiId": _ref(API_LOGICAL_ID),
                    # Must equal the DefinitionBody's path and method: SAM builds the Lambda
                    # permission's SourceArn from them, and no linter notices a mismatch.
                    "Path": operation.path,
                    "Method": operation.method.lower(),
                },
            }
        }
    skips: tuple[tuple[str, str], ...] = _FUNCTION_SKIPS
    if not api.secrets:  # the environment always holds the stack's name (SERVICE_NAME)
        skips = (*skips, _PLAIN_ENVIRONMENT_SKIP)
    return {
        "Type": "AWS::Serverless::Function",
        "Metadata": _checkov_skips(skips),
        "Properties": properties,
    }


def _kms_statements(api: Api) -> list[dict[str, Any]]:
    """kms:Decrypt on the secrets' key, which encrypts the environment (see `_secrets_key`)."""
    if not api.secrets:
        return []
    return [
        {
            "Sid": "DecryptEnvironment",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": _get_att(SECRETS_KEY, "Arn"),
        }
    ]


def policy_statements(operation: Operation) -> list[dict[str, Any]]:
    """Least privilege: the operation's declared DynamoDB actions, on its table only."""
    statements = []
    for access in operation.table_access:
        actions = list(dict.fromkeys(f"dynamodb:{action}" for action in access.actions))
        statements.append(
            {
                "Sid": f"{access.table}Access",
                "Effect": "Allow",
                "Action": actions,
                "Resource": _get_att(access.table, "Arn"),
            }
        )
    return statements


def _table(table: Table) -> dict[str, Any]:
    keys = [(table.partition_key, "HASH")]
    if table.sort_key is not None:
        keys.append((table.sort_key, "RANGE"))
    resource: dict[str, Any] = {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": key.name, "AttributeType": key.type} for key, _ in keys
            ],
            "KeySchema": [{"AttributeName": key.name, "KeyType": kind} for key, kind in keys],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {
                "SSEEnabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": "alias/aws/dynamodb",
            },
        },
    }
    if table.ttl_attribute is not None:
        # DynamoDB deletes expired items in the background, typically within a few days
        # ("Working with expired items", DynamoDB Developer Guide): readers must still
        # check the expiry themselves.
        resource["Properties"]["TimeToLiveSpecification"] = {
            "AttributeName": table.ttl_attribute,
            "Enabled": True,
        }
    return resource


def _add(resources: dict[str, Any], logical_id: str, resource: Any, pointer: str) -> None:
    """Add a resource; a logical id used twice (e.g. a table named like a function) is a
    SpecError rather than a resource silently overwritten."""
    if logical_id in resources:
        raise SpecError(
            f"{logical_id!r} would name two resources of the SAM template; rename one", pointer
        )
    resources[logical_id] = resource


def _checkov_skips(skips: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"checkov": {"skip": [{"id": check, "comment": why} for check, why in skips]}}


def _compact_json(data: dict[str, str]) -> str:
    """`{"key":value,...}` with each value as written (already quoted or a JSON value)."""
    return "{" + ",".join(f'"{key}":{value}' for key, value in data.items()) + "}"


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _get_att(resource: str, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [resource, attribute]}
