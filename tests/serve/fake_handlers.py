"""Handlers for a fake route table: each plays one way a Lambda can answer."""

from __future__ import annotations

import json
import time
from typing import Any

Event = dict[str, Any]


def echo(event: Event, context: Any) -> dict[str, Any]:
    """200 with the event and the context's fields, so tests can inspect what arrived."""
    body = {
        "event": event,
        "context": {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "log_group_name": context.log_group_name,
            "remaining": context.get_remaining_time_in_millis(),
        },
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
        "body": json.dumps(body),
    }


def raises(event: Event, context: Any) -> dict[str, Any]:
    raise RuntimeError("boom: secret table users-prod")


def malformed(event: Event, context: Any) -> object:
    return {"statusCode": 200, "body": {"not": "a string"}}


def multi_header(event: Event, context: Any) -> dict[str, Any]:
    return {
        "statusCode": 201,
        "headers": {"X-One": "single", "X-Both": "from-headers"},
        "multiValueHeaders": {"X-Both": ["a", "b"], "Set-Cookie": ["c=1", "d=2"]},
        "body": "",
    }


def binary(event: Event, context: Any) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/octet-stream"},
        "body": "AAEC/w==",
        "isBase64Encoded": True,
    }


def user(event: Event, context: Any) -> dict[str, Any]:
    """A getUser-like answer whose `email` breaks the contract when asked to."""
    email = "not-an-email" if (event.get("queryStringParameters") or {}).get("bad") else "a@b.co"
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"id": "x", "email": email}),
    }


def sleepy(event: Event, context: Any) -> dict[str, Any]:
    time.sleep(0.5)
    return {"statusCode": 204}
