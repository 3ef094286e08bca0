"""The local server's embedded DynamoDB (codegen/serve/embedded_dynamodb.py) answers as moto
does through its full HTTP emulation, one request at a time, and rolls a cancelled
transaction back as moto's own backup would.

Each scenario runs twice in one moto: through a client with the short path (as the
server's handlers have it) on tables named `fast-*`, and through a client without it on
tables named `full-*`; every answer, error and final table content must be the same.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from codegen.serve import embedded_dynamodb

REGION = "us-east-1"
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})
Client = Any


@pytest.fixture
def clients() -> Iterator[tuple[Client, Client]]:
    with mock_aws(config=embedded_dynamodb.moto_config()):
        embedded_dynamodb.start()
        try:
            fast = boto3.client("dynamodb", region_name=REGION, config=NO_RETRIES)
            full = boto3.client("dynamodb", region_name=REGION, config=NO_RETRIES)
            # moto's own path: the short path's hook taken off this client only.
            hook: Any = embedded_dynamodb.HOOK
            full.meta.events.unregister(embedded_dynamodb.EVENT, hook)
            for prefix, client in (("fast", fast), ("full", full)):
                _create_tables(client, prefix)
            yield fast, full
        finally:
            embedded_dynamodb.stop()


def _create_tables(client: Client, prefix: str) -> None:
    client.create_table(
        TableName=f"{prefix}-users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName=f"{prefix}-events",
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


def _outcome(call: Callable[[], Any]) -> Any:
    """A call's answer without its metadata, or its error as botocore parsed it."""
    try:
        answer = dict(call())
    except ClientError as error:
        answer = {"error": dict(error.response)}
        answer["error"].pop("ResponseMetadata", None)
        return answer
    answer.pop("ResponseMetadata", None)
    return answer


def _same(fast: Client, full: Client, method: str, **arguments: Any) -> Any:
    """Call `method` through both clients (table names by prefix); both must answer alike."""
    outcomes = []
    for prefix, client in (("fast", fast), ("full", full)):
        named = _with_prefix(arguments, prefix)
        outcome = _outcome(functools.partial(getattr(client, method), **named))
        outcomes.append(_with_prefix(outcome, "x", strip=prefix))
    assert outcomes[0] == outcomes[1], method
    return outcomes[0]


def _with_prefix(value: Any, prefix: str, strip: str | None = None) -> Any:
    """Table names are written `T:users`; answers quote `<prefix>-users`."""
    if isinstance(value, dict):
        return {
            _with_prefix(k, prefix, strip): _with_prefix(v, prefix, strip) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_prefix(item, prefix, strip) for item in value]
    if isinstance(value, str):
        if strip is not None:
            return value.replace(f"{strip}-", "T:")
        if value.startswith("T:"):
            return f"{prefix}-{value[2:]}"
    return value


def _contents(fast: Client, full: Client) -> None:
    for table in ("T:users", "T:events"):
        _same(fast, full, "scan", TableName=table, ConsistentRead=True)


USER = {
    "id": {"S": "u1"},
    "name": {"S": "Ada"},
    "age": {"N": "36"},
    "tags": {"SS": ["a", "b"]},
    "scores": {"NS": ["1", "2.5"]},
    "profile": {"M": {"city": {"S": "London"}, "langs": {"L": [{"S": "en"}, {"N": "1"}]}}},
    "active": {"BOOL": True},
    "nothing": {"NULL": True},
}


def test_item_operations_answer_as_moto_does(clients: tuple[Client, Client]) -> None:
    fast, full = clients
    _same(fast, full, "put_item", TableName="T:users", Item=USER, ReturnConsumedCapacity="TOTAL")
    assert (
        _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": "u1"}})["Item"] == USER
    )
    _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": "absent"}})
    _same(
        fast,
        full,
        "get_item",
        TableName="T:users",
        Key={"id": {"S": "u1"}},
        ProjectionExpression="#n, profile.city",
        ExpressionAttributeNames={"#n": "name"},
    )
    refused = _same(
        fast,
        full,
        "put_item",
        TableName="T:users",
        Item={"id": {"S": "u1"}},
        ConditionExpression="attribute_not_exists(id)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert refused["error"]["Error"]["Code"] == "ConditionalCheckFailedException"
    updated = _same(
        fast,
        full,
        "update_item",
        TableName="T:users",
        Key={"id": {"S": "u1"}},
        UpdateExpression="SET age = age + :one, #n = :name REMOVE nothing ADD tags :t",
        ConditionExpression="attribute_exists(id) AND age < :limit",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":name": {"S": "Ada L."},
            ":t": {"SS": ["c"]},
            ":limit": {"N": "100"},
        },
        ReturnValues="ALL_NEW",
    )
    assert updated["Attributes"]["age"] == {"N": "37"}
    _same(
        fast,
        full,
        "update_item",
        TableName="T:users",
        Key={"id": {"S": "u1"}},
        UpdateExpression="SET age = :v",
        ConditionExpression="age > :v",
        ExpressionAttributeValues={":v": {"N": "99"}},
    )
    # A request DynamoDB refuses (an empty key value) is refused alike.
    _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": ""}})
    _same(fast, full, "get_item", TableName="T:missing", Key={"id": {"S": "u1"}})
    _same(
        fast,
        full,
        "delete_item",
        TableName="T:users",
        Key={"id": {"S": "u1"}},
        ReturnValues="ALL_OLD",
    )
    _contents(fast, full)


def test_queries_scans_and_batches_answer_as_moto_does(clients: tuple[Client, Client]) -> None:
    fast, full = clients
    requests = [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(n)}, "v": {"N": str(n * n)}}}}
        for n in range(12)
    ]
    _same(fast, full, "batch_write_item", RequestItems={"T:events": requests})
    page = _same(
        fast,
        full,
        "query",
        TableName="T:events",
        KeyConditionExpression="pk = :p AND sk >= :from",
        ExpressionAttributeValues={":p": {"S": "p"}, ":from": {"N": "3"}},
        Limit=4,
        ScanIndexForward=False,
    )
    assert page["Count"] == 4 and "LastEvaluatedKey" in page
    _same(
        fast,
        full,
        "query",
        TableName="T:events",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ExclusiveStartKey=_with_prefix(page["LastEvaluatedKey"], "fast"),
    )
    _same(
        fast,
        full,
        "scan",
        TableName="T:events",
        FilterExpression="v > :v",
        ExpressionAttributeValues={":v": {"N": "50"}},
        Select="COUNT",
    )
    _same(
        fast,
        full,
        "batch_get_item",
        RequestItems={"T:events": {"Keys": [{"pk": {"S": "p"}, "sk": {"N": "2"}}]}},
    )
    _contents(fast, full)


def test_a_cancelled_transaction_leaves_every_item_as_it_was(
    clients: tuple[Client, Client],
) -> None:
    fast, full = clients
    _same(fast, full, "put_item", TableName="T:users", Item=USER)
    _same(fast, full, "put_item", TableName="T:users", Item={"id": {"S": "taken"}})
    actions = [
        # Applied first, then undone: an update in place, a new item, a delete.
        {
            "Update": {
                "TableName": "T:users",
                "Key": {"id": {"S": "u1"}},
                "UpdateExpression": "SET age = :a REMOVE profile",
                "ExpressionAttributeValues": {":a": {"N": "1"}},
            }
        },
        {"Put": {"TableName": "T:users", "Item": {"id": {"S": "new"}}}},
        {"Delete": {"TableName": "T:events", "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}}}},
        # Refused: the whole transaction is cancelled.
        {
            "Put": {
                "TableName": "T:users",
                "Item": {"id": {"S": "taken"}},
                "ConditionExpression": "attribute_not_exists(id)",
            }
        },
    ]
    _same(fast, full, "put_item", TableName="T:events", Item={"pk": {"S": "p"}, "sk": {"N": "1"}})
    cancelled = _same(fast, full, "transact_write_items", TransactItems=actions)
    reasons = cancelled["error"]["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == [
        "None",
        "None",
        "None",
        "ConditionalCheckFailed",
    ]
    assert (
        _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": "u1"}})["Item"] == USER
    )
    assert "Item" not in _same(
        fast, full, "get_item", TableName="T:users", Key={"id": {"S": "new"}}
    )
    _contents(fast, full)
    # And a transaction that commits writes every item.
    _same(fast, full, "transact_write_items", TransactItems=actions[:3])
    assert _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": "new"}})["Item"]
    _contents(fast, full)


def test_one_expression_with_other_values_each_time_answers_as_moto_does(
    clients: tuple[Client, Client],
) -> None:
    """The short path keeps moto's parse of an expression per (expression, names, values):
    the same condition text with other values must still be judged on its own values."""
    fast, full = clients
    _same(fast, full, "put_item", TableName="T:users", Item=USER)
    condition = {"ConditionExpression": "#n = :n", "ExpressionAttributeNames": {"#n": "name"}}
    for name, then in (("Ada", "Grace"), ("Ada", "Ada"), ("Grace", "Ada")):
        answer = _same(
            fast,
            full,
            "update_item",
            TableName="T:users",
            Key={"id": {"S": "u1"}},
            UpdateExpression="SET #n = :then",
            ExpressionAttributeValues={":n": {"S": name}, ":then": {"S": then}},
            ReturnValues="ALL_NEW",
            **condition,
        )
        assert ("error" in answer) == (name == "Ada" and then == "Ada")  # "Ada" failed 2nd
    _same(
        fast,
        full,
        "scan",
        TableName="T:users",
        FilterExpression="age > :a",
        ExpressionAttributeValues={":a": {"N": "40"}},
    )
    found = _same(
        fast,
        full,
        "scan",
        TableName="T:users",
        FilterExpression="age > :a",
        ExpressionAttributeValues={":a": {"N": "30"}},
    )
    assert found["Count"] == 1
    # Twice each: the names an expression uses are checked against those declared (an
    # unused one is refused) on every call, from a kept parse too.
    unused = {
        "ConditionExpression": "attribute_not_exists(#i)",
        "ExpressionAttributeNames": {"#i": "id", "#x": "unused"},
    }
    for _ in range(2):
        refused = _same(fast, full, "put_item", TableName="T:users", Item=USER, **unused)
        assert "error" in refused
        cancelled = _same(
            fast,
            full,
            "transact_write_items",
            TransactItems=[{"Put": {"TableName": "T:users", "Item": USER, **unused}}],
        )
        assert "error" in cancelled
    _contents(fast, full)


def test_binary_attributes_take_motos_own_path(clients: tuple[Client, Client]) -> None:
    fast, full = clients
    item = {"id": {"S": "bin"}, "blob": {"B": b"\x00\xffdata"}, "blobs": {"BS": [b"a", b"b"]}}
    _same(fast, full, "put_item", TableName="T:users", Item=item)
    assert (
        _same(fast, full, "get_item", TableName="T:users", Key={"id": {"S": "bin"}})["Item"] == item
    )


def test_concurrent_requests_are_applied_one_at_a_time(clients: tuple[Client, Client]) -> None:
    """The server's threads share moto, whose models are not thread-safe: without the lock,
    concurrent creates failed with "dictionary changed size during iteration" (500s)."""
    fast, _ = clients
    errors: list[BaseException] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up

    def create(worker: int) -> None:
        try:
            for n in range(25):
                user = f"w{worker}-{n}"
                fast.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": "fast-users",
                                "Item": {"id": {"S": user}},
                                "ConditionExpression": "attribute_not_exists(id)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": "fast-events",
                                "Item": {"pk": {"S": user}, "sk": {"N": "0"}},
                            }
                        },
                    ]
                )
                fast.scan(TableName="fast-users")
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
    assert fast.scan(TableName="fast-users", Select="COUNT")["Count"] == 200
    assert fast.scan(TableName="fast-events", Select="COUNT")["Count"] == 200


def test_other_endpoints_and_stopped_servers_are_left_alone() -> None:
    from botocore.awsrequest import AWSPreparedRequest, HTTPHeaders

    request = AWSPreparedRequest("POST", "http://127.0.0.1:8000/", HTTPHeaders(), b"{}", False)
    embedded_dynamodb.start()
    try:
        assert embedded_dynamodb.HOOK(request) is None  # DynamoDB Local: not ours
    finally:
        embedded_dynamodb.stop()
    url = "https://dynamodb.us-east-1.amazonaws.com/"
    aws = AWSPreparedRequest("POST", url, HTTPHeaders(), b"{}", False)
    assert embedded_dynamodb.HOOK(aws) is None  # no embedded server running
