"""codegen.serve.dynamodb_tables: tables declared in a SAM template, created on any endpoint."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from codegen.serve.dynamodb_tables import (
    TemplateError,
    ensure_tables,
    read_tables,
)
from tests.support.dynamo import TEMPLATE_PATH, dynamodb

__all__ = ["dynamodb"]  # the moto fixture, imported so pytest finds it here

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

SAM_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    Environment:
      Variables:
        TABLE_NAME: !Ref UsersTable
        USERS_ARN: !GetAtt UsersTable.Arn
Resources:
  UsersTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: alias/aws/dynamodb}
  AuditTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: audit-log
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: at, AttributeType: N}
        - {AttributeName: who, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: at, KeyType: RANGE}
      ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 3}
      GlobalSecondaryIndexes:
        - IndexName: by-who
          KeySchema: [{AttributeName: who, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: token, Type: String}
  AuditFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: audit.handler
      CodeUri: src/
      Environment:
        Variables:
          AUDIT_TABLE: !Ref AuditTable
          SESSIONS: !Ref Sessions
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_reads_tables_and_the_variables_that_name_them(tmp_path: Path) -> None:
    tables = {t.logical_id: t for t in read_tables(_write(tmp_path, SAM_TEMPLATE))}
    assert set(tables) == {"UsersTable", "AuditTable", "Sessions"}
    users = tables["UsersTable"]
    assert users.environment == ("TABLE_NAME",)  # not USERS_ARN: a GetAtt is not the name
    assert users.table_name is None
    assert users.create_arguments == {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert tables["AuditTable"].table_name == "audit-log"
    assert tables["Sessions"].environment == ("SESSIONS",)


def test_creates_every_table_as_declared(tmp_path: Path, dynamodb: DynamoDBServiceResource) -> None:
    names = ensure_tables(_write(tmp_path, SAM_TEMPLATE), dynamodb, environ={})
    # TABLE_NAME gets the logical id, as any other variable: no name outside the template.
    names_seen = {"TABLE_NAME": "UsersTable", "AUDIT_TABLE": "audit-log", "SESSIONS": "Sessions"}
    assert names == names_seen
    client = dynamodb.meta.client
    assert sorted(client.list_tables()["TableNames"]) == ["Sessions", "UsersTable", "audit-log"]

    users = client.describe_table(TableName="UsersTable")["Table"]
    assert users["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert users["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert users["TableStatus"] == "ACTIVE"

    audit = client.describe_table(TableName="audit-log")["Table"]
    assert audit["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "at", "KeyType": "RANGE"},
    ]
    assert audit["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
    assert [i["IndexName"] for i in audit["GlobalSecondaryIndexes"]] == ["by-who"]

    sessions = client.describe_table(TableName="Sessions")["Table"]
    assert sessions["KeySchema"] == [{"AttributeName": "token", "KeyType": "HASH"}]


def test_is_idempotent_and_keeps_the_data(
    tmp_path: Path, dynamodb: DynamoDBServiceResource
) -> None:
    template = _write(tmp_path, SAM_TEMPLATE)
    first = ensure_tables(template, dynamodb, environ={})
    dynamodb.Table("UsersTable").put_item(Item={"id": "kept"})
    assert ensure_tables(template, dynamodb, environ={}) == first
    assert dynamodb.Table("UsersTable").get_item(Key={"id": "kept"}).get("Item") == {"id": "kept"}


def test_the_environment_names_the_table(tmp_path: Path, dynamodb: DynamoDBServiceResource) -> None:
    names = ensure_tables(
        _write(tmp_path, SAM_TEMPLATE), dynamodb, environ={"TABLE_NAME": "dev-users"}
    )
    assert names["TABLE_NAME"] == "dev-users"
    assert "dev-users" in dynamodb.meta.client.list_tables()["TableNames"]


def test_environ_defaults_to_os_environ(
    tmp_path: Path, dynamodb: DynamoDBServiceResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_TABLE", "audit-from-env")
    assert ensure_tables(_write(tmp_path, SAM_TEMPLATE), dynamodb)["AUDIT_TABLE"] == (
        "audit-from-env"
    )


def test_an_existing_table_with_another_key_is_an_error(
    tmp_path: Path, dynamodb: DynamoDBServiceResource
) -> None:
    dynamodb.create_table(
        TableName="UsersTable",
        KeySchema=[{"AttributeName": "email", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "email", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(TemplateError, match="UsersTable"):
        ensure_tables(_write(tmp_path, SAM_TEMPLATE), dynamodb, environ={})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: [", "template.yaml"),
        ("Parameters: {}\n", "no Resources"),
        (
            """\
            Resources:
              T:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: !Ref Mode
                  AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
            """,
            r"Resources\.T\.Properties\.BillingMode uses an intrinsic function",
        ),
        (
            """\
            Resources:
              T:
                Type: AWS::DynamoDB::Table
                Properties:
                  AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
            """,
            r"Resources\.T\.Properties\.ProvisionedThroughput is missing",
        ),
    ],
)
def test_unusable_templates_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        read_tables(_write(tmp_path, text))


def test_missing_template_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nope\.yaml"):
        read_tables(tmp_path / "nope.yaml")


def test_the_real_template_gives_the_functions_their_table(
    dynamodb: DynamoDBServiceResource,
) -> None:
    names = ensure_tables(TEMPLATE_PATH, dynamodb, environ={})
    # Unset variables fall back to the logical ids: the template is the only source of
    # table names (no handler's own default, such as "users", is known here).
    assert names == {
        "TABLE_NAME": "UsersTable",
        "EMAILS_TABLE_NAME": "EmailsTable",
        "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
    }
    table = dynamodb.meta.client.describe_table(TableName="UsersTable")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
