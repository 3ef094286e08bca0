"""bench.fake_dynamodb: the same answers however often asked, through both ways in."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from bench import fake_dynamodb
from bench.fake_dynamodb import SEED_ID


def _client(endpoint: str | None = None) -> object:
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def test_writes_are_checked_against_the_seed_and_forgotten() -> None:
    key = {"id": {"S": SEED_ID}}
    other = {"id": {"S": "00000000-0000-4000-8000-000000000000"}}
    condition = "attribute_not_exists(#id)"
    new_item = {"TableName": "UsersTable", "Item": other, "ConditionExpression": condition}
    assert fake_dynamodb.respond("PutItem", new_item) == (200, {})
    assert fake_dynamodb.respond("GetItem", {"TableName": "UsersTable", "Key": other}) == (200, {})
    taken = {**new_item, "Item": key}
    assert fake_dynamodb.respond("PutItem", taken)[0] == 400
    gone = {"TableName": "UsersTable", "Key": other, "ConditionExpression": "#email = :email"}
    assert fake_dynamodb.respond("DeleteItem", gone)[0] == 400
    for _ in range(2):  # a delete of the seed is forgotten: it is there again
        request = {"TableName": "UsersTable", "Key": key}
        assert fake_dynamodb.respond("DeleteItem", request) == (200, {})
        status, body = fake_dynamodb.respond("GetItem", request)
        assert status == 200 and body["Item"]["name"] == {"S": "Ada Lovelace"}


def test_a_registered_client_is_answered_without_a_request() -> None:
    client = _client("http://127.0.0.1:9")  # nothing listens there
    fake_dynamodb.register(client)
    item = client.get_item(TableName="UsersTable", Key={"id": {"S": SEED_ID}})  # type: ignore[attr-defined]
    assert item["Item"]["email"] == {"S": "ada@example.com"}
    with pytest.raises(ClientError) as refused:
        client.put_item(  # type: ignore[attr-defined]
            TableName="UsersTable",
            Item={"id": {"S": SEED_ID}},
            ConditionExpression="attribute_not_exists(id)",
        )
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert fake_dynamodb.CALLS[-2:] == ["GetItem UsersTable", "PutItem UsersTable"]


def test_the_http_server_answers_boto3_on_loopback() -> None:
    with fake_dynamodb.serve() as endpoint:
        assert endpoint.startswith("http://127.0.0.1:")
        client = _client(endpoint)
        page = client.scan(TableName="UsersTable", Limit=10)  # type: ignore[attr-defined]
        assert [item["id"]["S"] for item in page["Items"]] == [SEED_ID]
        done = client.transact_write_items(  # type: ignore[attr-defined]
            TransactItems=[{"Put": {"TableName": "EmailsTable", "Item": {"email": {"S": "a@b.c"}}}}]
        )
        assert done["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fake_dynamodb.CALLS[-2:] == ["Scan UsersTable", "TransactWriteItems EmailsTable"]
