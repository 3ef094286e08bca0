"""pytest fixtures: moto's in-process DynamoDB with the tables of the real template.yaml.

Import them into a conftest (`from tests.support.dynamo import dynamodb, users_table`).
The table gets a distinctive name through TABLE_NAME, as a deployed function would, so a
test can assert that this name never appears in a response.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
from moto import mock_aws

from codegen.serve.dynamodb_tables import ensure_tables
from users.store import Store
from users.store import current as current_store
from utils import dynamodb as dynamodb_helpers

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource, Table

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"
TABLE_NAME = "users-under-test"
# Every table the template declares, under distinctive names (none may reach a response).
TABLE_NAMES = {
    "TABLE_NAME": TABLE_NAME,
    "EMAILS_TABLE_NAME": "emails-under-test",
    "IDEMPOTENCY_TABLE_NAME": "idempotency-under-test",
}


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBServiceResource]:
    """A moto DynamoDB (no tables), and a fresh helper cache on both sides of the test."""
    # moto only intercepts AWS endpoints: a leftover local endpoint would be called for real.
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        dynamodb_helpers.clear_cache()
        yield boto3.resource("dynamodb", region_name="us-east-1")
    dynamodb_helpers.clear_cache()


@pytest.fixture
def users_table(dynamodb: DynamoDBServiceResource, monkeypatch: pytest.MonkeyPatch) -> Table:
    """The users table as template.yaml declares it; TABLE_NAME set as the functions get it."""
    assert TEMPLATE_PATH.is_file(), "template.yaml is missing: run `python -m codegen`"
    for variable, name in TABLE_NAMES.items():
        monkeypatch.setenv(variable, name)
    names = ensure_tables(TEMPLATE_PATH, dynamodb)
    assert names == TABLE_NAMES
    return dynamodb_helpers.get_table()


@pytest.fixture
def store(users_table: Table) -> Store:
    """Every table of the users functions (users, email claims, idempotency records)."""
    return current_store()
