"""bench.events: authenticated as the spec requires, and answered as expected by every
variant (the warm child, run with no timed rounds)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from bench import config
from bench.events import API_KEY, CLIENT_ID, SCOPES, cases

ROOT = Path(__file__).resolve().parents[2]


def test_each_secured_operation_gets_the_scope_the_spec_requires() -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    required: dict[str, str] = {}
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for requirement in operation.get("security", spec.get("security", [])):
                assert set(requirement) == {"UsersAuth", "ApiKey"}
                (required[operation["operationId"]],) = requirement["UsersAuth"]
    assert required == SCOPES


def test_secured_requests_carry_the_credentials_and_the_authorizers_claims() -> None:
    for case in cases():
        event = case.event
        claims = event["requestContext"].get("authorizer", {}).get("claims")
        if case.operation_id == "hello":
            assert claims is None and "Authorization" not in event["headers"]
            continue
        assert event["headers"]["Authorization"].startswith("Bearer ")
        assert event["headers"]["x-api-key"] == API_KEY
        assert event["multiValueHeaders"]["x-api-key"] == [API_KEY]
        assert claims["client_id"] == CLIENT_ID and claims["token_use"] == "access"
        assert claims["scope"] == SCOPES[case.operation_id]


# The alternatives come with the `bench` extra, which `make bench` installs and `make
# install` does not (benchmarks are a command, not a CI gate): without it there is
# nothing to run the events through.
_BENCH_EXTRA = all(importlib.util.find_spec(name) for name in ("chalice", "aws_lambda_powertools"))


@pytest.mark.skipif(not _BENCH_EXTRA, reason="the bench extra is not installed (make bench)")
def test_every_variant_does_ours_job_on_every_request() -> None:
    """The warm child with no timed rounds: each variant answers each request as expected,
    with the same DynamoDB calls and request lines as ours (else its row is an error)."""
    settings = {"seed": 1, "warm_rounds": 0, "warm_batch_seconds": 0.0001, "profile": False}
    answer = json.loads(config.run_child("bench.warm", json.dumps(settings)))
    assert answer["errors"] == {}
    failed = {key: row["error"] for key, row in answer["rows"].items() if row["error"]}
    assert failed == {}
    assert len(answer["rows"]) == len(cases()) * len(config.VARIANTS)
    calls = {key: row["job"]["calls"] for key, row in answer["rows"].items()}
    assert calls["bare|createUser|keyed"] == [
        "PutItem IdempotencyTable",
        "TransactWriteItems UsersTable,EmailsTable,IdempotencyTable",
    ]
    assert calls["chalice|deleteUser|valid"] == [
        "GetItem UsersTable",
        "TransactWriteItems UsersTable,EmailsTable",
    ]
    lines = answer["rows"]["powertools|createUser|valid"]["job"]["lines"]
    assert lines == [
        {
            "operationId": "createUser",
            "clientId": CLIENT_ID,
            "userId": True,
            "status": 201,
            "errorCode": None,
        }
    ]


def test_the_job_check_tells_a_different_job_apart() -> None:
    """What `job_of` compares: a handler that skips the email claim's transaction makes
    other calls and writes another metrics line than ours."""
    from bench import fake_dynamodb, warm
    from bench.events import LambdaContext

    (case,) = [c for c in cases() if (c.operation_id, c.kind) == ("hello", "valid")]

    def lazy(event: dict[str, object], context: object) -> dict[str, object]:
        fake_dynamodb.respond("GetItem", {"TableName": "UsersTable", "Key": {}})
        return {"statusCode": 200, "headers": {}, "body": "{}"}

    status, job = warm.job_of(lazy, case, LambdaContext())
    assert status == 200
    assert job == {"calls": ["GetItem UsersTable"], "lines": [], "metrics": []}
