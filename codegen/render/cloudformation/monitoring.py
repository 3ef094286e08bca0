"""What operators get from template.yaml: log level, alarm thresholds, an alarm topic, the
alarms (`render/cloudformation/alarms.py`) and the dashboard
(`render/cloudformation/dashboard.py`), all from the spec.

`monitoring_template(api)` returns the Parameters, Conditions, Resources and Outputs that
`render/cloudformation/sam.py` merges into the template. The alarms go to an SNS topic: the
one passed as `AlarmTopicArn`, else one the stack creates (encrypted with its own key, which
CloudWatch may use: an SNS topic encrypted with the AWS managed key `alias/aws/sns`
cannot receive alarms, because that key's policy cannot grant CloudWatch access; Amazon
SNS Developer Guide, "Configure AWS KMS permissions for AWS services").
"""

from __future__ import annotations

from typing import Any

from codegen.openapi.model import Api
from codegen.render.cloudformation.alarms import alarms
from codegen.render.cloudformation.dashboard import DASHBOARD_LOGICAL_ID, dashboard
from codegen.render.cloudformation.kms import kms_key
from codegen.render.python.observability_module import SERVICE_VARIABLE

LOG_LEVEL_PARAMETER = "LogLevel"
LATENCY_PARAMETER = "LatencyP99ThresholdMs"
ERROR_RATE_PARAMETER = "ErrorRateThresholdPercent"
ALARM_TOPIC_PARAMETER = "AlarmTopicArn"
CREATE_TOPIC_CONDITION = "CreateAlarmTopic"
ALARM_TOPIC = "AlarmTopic"
ALARM_TOPIC_KEY = "AlarmTopicKey"
ALARM_TOPIC_POLICY = "AlarmTopicPolicy"
# Lambda's own lines (START, END, REPORT, platform errors): WARN keeps the failures only.
SYSTEM_LOG_LEVEL = "WARN"


def logging_config() -> dict[str, Any]:
    """The functions' `LoggingConfig`: JSON records (the Python runtime renders a record's
    `extra` fields as top-level keys), application level from the `LogLevel` parameter."""
    return {
        "LogFormat": "JSON",
        "ApplicationLogLevel": {"Ref": LOG_LEVEL_PARAMETER},
        "SystemLogLevel": SYSTEM_LOG_LEVEL,
    }


def service_environment() -> dict[str, Any]:
    """The `Service` dimension's value for the functions: the stack's name."""
    return {SERVICE_VARIABLE: {"Ref": "AWS::StackName"}}


def alarm_target() -> dict[str, Any]:
    """The topic every alarm notifies: the created one, else the one passed in."""
    return {
        "Fn::If": [
            CREATE_TOPIC_CONDITION,
            {"Ref": ALARM_TOPIC},
            {"Ref": ALARM_TOPIC_PARAMETER},
        ]
    }


def monitoring_template(api: Api) -> dict[str, dict[str, Any]]:
    """Parameters, Conditions, Resources and Outputs to merge into the SAM template."""
    settings = api.observability
    parameters: dict[str, Any] = {
        LOG_LEVEL_PARAMETER: {
            "Type": "String",
            "Default": settings.log_level,
            # WARN and above would drop the request lines and the metrics lines, which
            # Lambda files as INFO (see codegen/openapi/settings.py).
            "AllowedValues": ["DEBUG", "INFO"],
            "Description": "Application log level of the functions (request lines are INFO)",
        },
        LATENCY_PARAMETER: {
            "Type": "Number",
            "Default": settings.latency_p99_ms,
            "MinValue": 1,
            "Description": "Alarm when an operation's p99 latency at API Gateway exceeds "
            "this many milliseconds",
        },
        ERROR_RATE_PARAMETER: {
            "Type": "Number",
            "Default": settings.error_rate_percent,
            "MinValue": 0,
            "MaxValue": 100,
            "Description": "Alarm when this percentage of an operation's requests get a 5XX",
        },
        ALARM_TOPIC_PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$",
            "Description": "SNS topic the alarms notify; empty creates one in this stack",
        },
    }
    conditions = {CREATE_TOPIC_CONDITION: {"Fn::Equals": [{"Ref": ALARM_TOPIC_PARAMETER}, ""]}}
    resources: dict[str, Any] = {
        ALARM_TOPIC_KEY: {"Condition": CREATE_TOPIC_CONDITION, **_topic_key()},
        ALARM_TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Condition": CREATE_TOPIC_CONDITION,
            "Properties": {
                "DisplayName": f"{api.title} alarms"[:100],
                "KmsMasterKeyId": {"Ref": ALARM_TOPIC_KEY},
            },
        },
        ALARM_TOPIC_POLICY: {
            "Type": "AWS::SNS::TopicPolicy",
            "Condition": CREATE_TOPIC_CONDITION,
            "Properties": {
                "Topics": [{"Ref": ALARM_TOPIC}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarmsPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": ALARM_TOPIC},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        }
                    ],
                },
            },
        },
        **alarms(api, alarm_target(), LATENCY_PARAMETER, ERROR_RATE_PARAMETER),
        DASHBOARD_LOGICAL_ID: dashboard(api),
    }
    outputs = {
        "AlarmTopic": {
            "Description": "SNS topic the alarms notify (subscribe the on-call here)",
            "Value": alarm_target(),
        },
        "Dashboard": {
            "Description": "CloudWatch dashboard of the API, one row per operation",
            "Value": {
                "Fn::Sub": "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home"
                f"?region=${{AWS::Region}}#dashboards:name=${{{DASHBOARD_LOGICAL_ID}}}"
            },
        },
    }
    return {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": resources,
        "Outputs": outputs,
    }


def _topic_key() -> dict[str, Any]:
    """The alarm topic's key: CloudWatch encrypts what it publishes with it."""
    return kms_key(
        "Encrypts the alarm notifications",
        {
            "Sid": "CloudWatchAlarmsUse",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        },
    )
