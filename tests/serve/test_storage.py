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
    assert os.environ["AWS_ACCESS_KEY_ID"] == "embeddeddynamodb"
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


def test_chaos_faults_the_handlers_attempts_but_not_the_servers_own_calls(
    template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --chaos the handlers' endpoint is the faulty front; creating and emptying the
    tables goes to moto directly, so start-up and reset work even when every attempt fails."""
    import io

    from botocore.config import Config
    from botocore.exceptions import ClientError

    from codegen.serve.chaos import Chaos, parse

    monkeypatch.delenv("THINGS_TABLE", raising=False)
    out = io.StringIO()
    store = Storage(template, chaos=Chaos(parse("unavailable=1"), out))
    store.start()
    try:
        endpoint = os.environ[ENDPOINT_VARIABLE]
        assert endpoint == store.handlers_endpoint
        assert store.tables == {"THINGS_TABLE": "ThingsTable"}  # created past the chaos
        no_retries = Config(retries={"mode": "standard", "max_attempts": 1})
        with pytest.raises(ClientError, match="ServiceUnavailable"):
            boto3.client("dynamodb", config=no_retries).list_tables()
        assert "CHAOS: injected unavailable into ListTables" in out.getvalue()
        store.reset()  # the server's own calls are never faulted
        assert store.resource().meta.client.list_tables()["TableNames"] == ["ThingsTable"]
    finally:
        store.stop()
    assert store.handlers_endpoint is None
