"""The local server's embedded DynamoDB (codegen/serve/embedded_dynamodb.py): moto's server on a
loopback port, reached over HTTP like DynamoDB Local, one request at a time."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from codegen.serve.embedded_dynamodb import EmbeddedDynamoDB, OneAtATime

REGION = "us-east-1"
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})
Client = Any


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "embeddeddynamodb")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "embeddeddynamodb")
    embedded = EmbeddedDynamoDB()
    endpoint = embedded.start()
    try:
        dynamodb = boto3.client(
            "dynamodb", region_name=REGION, endpoint_url=endpoint, config=NO_RETRIES
        )
        for name in ("users", "events"):
            _drop(dynamodb, name)  # moto's backends live as long as the process
        dynamodb.create_table(
            TableName="users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.create_table(
            TableName="events",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield dynamodb
    finally:
        embedded.stop()


def _drop(client: Client, name: str) -> None:
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


def test_items_binary_attributes_and_conditions_answer_as_dynamodb(client: Client) -> None:
    item = {"id": {"S": "bin"}, "blob": {"B": b"\x00\xffdata"}, "blobs": {"BS": [b"a", b"b"]}}
    client.put_item(TableName="users", Item=item)
    assert client.get_item(TableName="users", Key={"id": {"S": "bin"}})["Item"] == item
    with pytest.raises(ClientError) as refused:
        client.put_item(
            TableName="users", Item=item, ConditionExpression="attribute_not_exists(id)"
        )
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_a_cancelled_transaction_leaves_every_item_as_it_was(client: Client) -> None:
    client.put_item(TableName="users", Item={"id": {"S": "taken"}, "v": {"N": "1"}})
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "events", "Item": {"pk": {"S": "e"}, "sk": {"N": "1"}}}},
                {
                    "Put": {
                        "TableName": "users",
                        "Item": {"id": {"S": "taken"}, "v": {"N": "2"}},
                        "ConditionExpression": "attribute_not_exists(id)",
                    }
                },
            ]
        )
    reasons = cancelled.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ConditionalCheckFailed"]
    assert client.scan(TableName="events", Select="COUNT")["Count"] == 0
    kept = client.get_item(TableName="users", Key={"id": {"S": "taken"}})["Item"]
    assert kept["v"] == {"N": "1"}


def test_concurrent_requests_are_applied_one_at_a_time(client: Client) -> None:
    """The server's threads share moto, whose models are not thread-safe: without the lock,
    concurrent creates failed with "dictionary changed size during iteration" (500s)."""
    errors: list[BaseException] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up

    def create(worker: int) -> None:
        try:
            for n in range(15):
                user = f"w{worker}-{n}"
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": "users",
                                "Item": {"id": {"S": user}},
                                "ConditionExpression": "attribute_not_exists(id)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": "events",
                                "Item": {"pk": {"S": user}, "sk": {"N": "0"}},
                            }
                        },
                    ]
                )
                client.scan(TableName="users")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=create, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert client.scan(TableName="users", Select="COUNT")["Count"] == 120
    assert client.scan(TableName="events", Select="COUNT")["Count"] == 120


def test_one_at_a_time_lets_no_second_request_in() -> None:
    inside = 0
    most = 0
    guard = threading.Lock()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.01)
        with guard:
            inside -= 1
        start_response("200 OK", [])
        return [b"ok"]

    wrapped = OneAtATime(app)
    threads = [threading.Thread(target=wrapped, args=({}, lambda *args: None)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert most == 1


def test_stop_frees_the_port() -> None:
    embedded = EmbeddedDynamoDB()
    endpoint = embedded.start()
    host, port = endpoint.removeprefix("http://").split(":")
    socket.create_connection((host, int(port)), timeout=2).close()
    embedded.stop()
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2)
    with pytest.raises(RuntimeError):
        _ = embedded.endpoint_url
