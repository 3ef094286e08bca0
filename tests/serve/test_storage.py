"""Storage: embedded moto with the template's tables, names exported, reset, clean stop."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from codegen.serve.storage import ENDPOINT_VARIABLE, Storage

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ThingsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  ThingFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: things.handler
      Runtime: python3.11
      CodeUri: src/
      Environment:
        Variables:
          THINGS_TABLE: !Ref ThingsTable
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return path


@pytest.fixture
def storage(template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Storage]:
    monkeypatch.delenv("THINGS_TABLE", raising=False)
    monkeypatch.setenv(ENDPOINT_VARIABLE, "http://127.0.0.1:9")  # must be ignored when embedded
    store = Storage(template)
    store.start()
    yield store
    store.stop()


def test_embedded_tables_are_created_and_exported(storage: Storage) -> None:
    assert storage.tables == {"THINGS_TABLE": "ThingsTable"}
    assert os.environ["THINGS_TABLE"] == "ThingsTable"
    # The leftover endpoint is replaced by the embedded server's, on loopback.
    endpoint = os.environ[ENDPOINT_VARIABLE]
    assert endpoint.startswith("http://127.0.0.1:") and endpoint != "http://127.0.0.1:9"
    assert storage.description == f"embedded moto at {endpoint} (us-east-1)"
    # Dummy credentials, never a developer's own, sign the handlers' calls.
    assert os.environ["AWS_ACCESS_KEY_ID"] == "embedded-dynamodb"
    # The handlers' own boto3 calls (no endpoint argument) reach the embedded moto.
    client = boto3.client("dynamodb")
    assert client.list_tables()["TableNames"] == ["ThingsTable"]


def test_reset_empties_every_table(storage: Storage) -> None:
    table = storage.resource().Table("ThingsTable")
    for number in range(30):
        table.put_item(Item={"id": str(number), "n": number})
    storage.reset()
    assert table.scan(Select="COUNT")["Count"] == 0


def test_stop_restores_the_environment(template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENDPOINT_VARIABLE, "http://127.0.0.1:9")
    monkeypatch.delenv("THINGS_TABLE", raising=False)
    store = Storage(template)
    store.start()
    endpoint = os.environ[ENDPOINT_VARIABLE]
    store.stop()
    assert os.environ[ENDPOINT_VARIABLE] == "http://127.0.0.1:9"
    assert "THINGS_TABLE" not in os.environ
    # The embedded server is gone with it: its port refuses connections.
    with pytest.raises(OSError):
        host, port = endpoint.removeprefix("http://").split(":")
        socket.create_connection((host, int(port)), timeout=2)
