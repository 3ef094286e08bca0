"""`--chaos` at the DynamoDB endpoint: what the handlers' SDK meets over real HTTP, with no
hook on any client (codegen/serve/chaos.py: ChaosEndpoint, Forwarder)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from codegen.serve import chaos
from codegen.serve.embedded_dynamodb import EmbeddedDynamoDB, LoopbackServer

TABLE = "chaos-table"


@pytest.fixture(scope="module")
def backend() -> Iterator[EmbeddedDynamoDB]:
    embedded = EmbeddedDynamoDB()
    url = embedded.start()
    client = _client(url)
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield embedded
    embedded.stop()


def _client(url: str, **config: Any) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="chaos",
        aws_secret_access_key="chaos",
        config=Config(**{"retries": {"mode": "standard", "max_attempts": 3}, **config}),
    )


@pytest.fixture
def front(backend: EmbeddedDynamoDB, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A chaos front before the embedded moto; the test's parameter is the chaos SPEC."""
    spec = str(request.param)
    draw = chaos.Chaos(chaos.parse(spec), io.StringIO())
    server = LoopbackServer(chaos.ChaosEndpoint(backend.application, draw, 5.0), "chaos-test")
    url = server.start()
    try:
        yield url, draw
    finally:
        server.stop()


def _put(client: Any, item_id: str) -> Any:
    return client.put_item(TableName=TABLE, Item={"id": {"S": item_id}})


@pytest.mark.parametrize("front", ["throttle=1"], indirect=True)
def test_a_throttle_is_dynamodbs_answer_and_the_sdk_retries_it(front: Any) -> None:
    url, draw = front
    with pytest.raises(ClientError) as raised:
        _put(_client(url), "throttled")
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    retries = raised.value.response["ResponseMetadata"]["RetryAttempts"]
    assert retries >= 1
    assert draw.injected == {"throttle": retries + 1}  # every attempt met it, over HTTP


@pytest.mark.parametrize("front", ["unavailable=1"], indirect=True)
def test_a_faulted_attempt_writes_nothing(front: Any, backend: EmbeddedDynamoDB) -> None:
    url, _ = front
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        _put(_client(url), "never-written")
    found = _client(backend.endpoint_url).get_item(
        TableName=TABLE, Key={"id": {"S": "never-written"}}
    )
    assert "Item" not in found


@pytest.mark.parametrize("front", ["conflict=1"], indirect=True)
def test_a_conflict_cancels_a_transaction_with_one_reason_per_action(front: Any) -> None:
    url, _ = front
    actions = [{"Put": {"TableName": TABLE, "Item": {"id": {"S": f"t{i}"}}}} for i in range(3)]
    with pytest.raises(ClientError) as raised:
        _client(url).transact_write_items(TransactItems=actions)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = raised.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["TransactionConflict"] * 3


@pytest.mark.parametrize("front", ["reset=1"], indirect=True)
def test_a_reset_is_a_lost_connection(front: Any) -> None:
    url, draw = front
    with pytest.raises(ConnectionClosedError):
        _put(_client(url), "reset")
    assert draw.injected["reset"] > 1  # a connection error is retried like on AWS


@pytest.mark.parametrize("front", ["timeout=1"], indirect=True)
def test_a_stall_lasts_until_the_client_gives_up(front: Any) -> None:
    url, _ = front
    client = _client(url, read_timeout=0.3, retries={"mode": "standard", "max_attempts": 1})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        _put(client, "stalled")
    assert time.monotonic() - started < 2  # the read timeout, not the stall limit (5 s)


@pytest.mark.parametrize("front", ["throttle=0.000001"], indirect=True)
def test_without_a_fault_the_attempt_reaches_dynamodb(front: Any) -> None:
    url, _ = front
    client = _client(url)
    _put(client, "through")
    found = client.get_item(TableName=TABLE, Key={"id": {"S": "through"}})
    assert found["Item"] == {"id": {"S": "through"}}


def test_the_forwarder_passes_requests_and_answers_on(backend: EmbeddedDynamoDB) -> None:
    """Before `--dynamodb-endpoint`: each request goes on unchanged, signature included."""
    forwarder = chaos.Forwarder(backend.endpoint_url, timeout_seconds=5, connections=4)
    server = LoopbackServer(forwarder, "forwarder-test")
    client = _client(server.start())
    try:
        _put(client, "forwarded")
        found = client.get_item(TableName=TABLE, Key={"id": {"S": "forwarded"}})
        assert found["Item"] == {"id": {"S": "forwarded"}}
        with pytest.raises(ClientError) as raised:  # upstream's own errors come back as is
            client.get_item(TableName="no-such-table", Key={"id": {"S": "x"}})
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    finally:
        server.stop()


def test_an_unreachable_upstream_is_a_lost_connection() -> None:
    forwarder = chaos.Forwarder("http://127.0.0.1:9", timeout_seconds=1, connections=1)
    server = LoopbackServer(forwarder, "forwarder-test")
    client = _client(server.start(), retries={"mode": "standard", "max_attempts": 1})
    try:
        with pytest.raises(ConnectionClosedError):
            _put(client, "nowhere")
    finally:
        server.stop()
