"""The DynamoDB the local server's handlers talk to: embedded moto, or a real endpoint.

- Embedded (default): moto's server, in this process on a loopback port for the server's
  lifetime (codegen/serve/embedded_dynamodb.py), in us-east-1, with dummy credentials; no
  AWS account, Java or second process.
- Endpoint (`--dynamodb-endpoint URL` / `AWS_ENDPOINT_URL_DYNAMODB`): any DynamoDB-compatible
  endpoint such as Amazon's DynamoDB Local.

Either way the handlers' boto3 clients pick the endpoint up from `AWS_ENDPOINT_URL_DYNAMODB`
(botocore's service-specific endpoint variable): the server never touches their clients.
With `--chaos`, that variable names a front on a loopback port that injects the faults
(codegen/serve/chaos.py) before the request reaches either backend; the server's own
calls (creating and emptying tables) go to the backend directly, never faulted.

Either way the tables declared in template.yaml are created when missing
(`codegen.serve.dynamodb_tables.ensure_tables`) and each function's environment variable
(`TABLE_NAME`, ...) is set for the in-process handlers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from codegen.openapi.aws_names import TIMEOUT_SECONDS
from codegen.serve.chaos import Chaos, ChaosEndpoint, Forwarder
from codegen.serve.embedded_dynamodb import EmbeddedDynamoDB, LoopbackServer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

REGION = "us-east-1"
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"
# For the server's own calls (creating and emptying tables): an unreachable endpoint should
# fail start-up in seconds, not after the SDK's default retries and 60 s timeouts.
ADMIN_CONFIG = Config(
    connect_timeout=2, read_timeout=20, retries={"mode": "standard", "max_attempts": 2}
)
# The embedded server checks no signature, but botocore signs every request: these keep a
# developer's real credentials out of it, and out of any call that might go astray.
EMBEDDED_CREDENTIALS = {
    # Letters only: DynamoDB Local refuses an access key id with anything else
    # ("UnrecognizedClientException"), and a client made now may meet it later in the process.
    "AWS_ACCESS_KEY_ID": "embeddeddynamodb",
    "AWS_SECRET_ACCESS_KEY": "embeddeddynamodb",
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
}


class Storage:
    """Starts the backend, creates the tables, exports their names; `reset()` empties them."""

    def __init__(
        self,
        template: Path | Mapping[str, Any],
        endpoint_url: str | None = None,
        chaos: Chaos | None = None,
    ) -> None:
        self._template = template  # template.yaml, or the template as the render layer builds it
        self._endpoint_url = endpoint_url
        self._chaos = chaos
        self._embedded: EmbeddedDynamoDB | None = None
        self._chaos_front: LoopbackServer | None = None
        self._saved_env: dict[str, str | None] = {}
        self.tables: dict[str, str] = {}  # environment variable -> table name

    @property
    def embedded(self) -> bool:
        """moto in this process (no endpoint given)."""
        return self._endpoint_url is None

    @property
    def description(self) -> str:
        if self._embedded is not None:
            return f"embedded moto at {self._embedded.endpoint_url} ({REGION})"
        if self._endpoint_url is None:
            return f"embedded moto ({REGION})"
        return f"endpoint {self._endpoint_url}"

    def _set_env(self, name: str, value: str | None) -> None:
        self._saved_env.setdefault(name, os.environ.get(name))
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def start(self) -> None:
        if self._endpoint_url is None:
            self._embedded = EmbeddedDynamoDB()
            # Replaces a leftover endpoint variable, which would send the handlers past moto.
            self._set_env(ENDPOINT_VARIABLE, self._handlers_endpoint(self._embedded.start()))
            self._set_env("AWS_DEFAULT_REGION", REGION)
            for name, value in EMBEDDED_CREDENTIALS.items():
                self._set_env(name, value)
        else:
            self._set_env(ENDPOINT_VARIABLE, self._handlers_endpoint(self._endpoint_url))
            if not (os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")):
                self._set_env("AWS_DEFAULT_REGION", REGION)
        from codegen.serve.dynamodb_tables import ensure_tables

        self.tables = dict(ensure_tables(self._template, self.resource()))
        for variable, table_name in self.tables.items():
            self._set_env(variable, table_name)

    def _handlers_endpoint(self, backend_url: str) -> str:
        """The backend's URL, or with `--chaos` the URL of the faulty front before it: the
        embedded moto's own application (its lock and data shared), or a forwarder to the
        endpoint. No attempt waits longer than a function's timeout."""
        if self._chaos is None:
            return backend_url
        backend = (
            self._embedded.application
            if self._embedded is not None
            else Forwarder(backend_url, timeout_seconds=TIMEOUT_SECONDS, connections=64)
        )
        self._chaos_front = LoopbackServer(
            ChaosEndpoint(backend, self._chaos, stall_limit_seconds=TIMEOUT_SECONDS),
            "chaos-dynamodb",
        )
        return self._chaos_front.start()

    @property
    def handlers_endpoint(self) -> str | None:
        """Where the handlers send their DynamoDB calls (the chaos front, if any)."""
        if self._chaos_front is not None:
            return self._chaos_front.endpoint_url
        return self._embedded.endpoint_url if self._embedded else self._endpoint_url

    def resource(self) -> DynamoDBServiceResource:
        region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or REGION
        endpoint = self._embedded.endpoint_url if self._embedded else self._endpoint_url
        return boto3.resource(
            "dynamodb", region_name=region, endpoint_url=endpoint, config=ADMIN_CONFIG
        )

    def reset(self) -> None:
        """Delete every item of every table (a fresh store for each test scenario)."""
        dynamodb = self.resource()
        for table_name in self.tables.values():
            table = dynamodb.Table(table_name)
            key_names = [element["AttributeName"] for element in table.key_schema]
            scan_kwargs: dict[str, Any] = {
                "ProjectionExpression": ", ".join(f"#k{i}" for i in range(len(key_names))),
                "ExpressionAttributeNames": {f"#k{i}": n for i, n in enumerate(key_names)},
            }
            with table.batch_writer() as batch:
                while True:
                    page = table.scan(**scan_kwargs)
                    for item in page.get("Items", []):
                        batch.delete_item(Key={name: item[name] for name in key_names})
                    if "LastEvaluatedKey" not in page:
                        break
                    scan_kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def stop(self) -> None:
        if self._chaos_front is not None:
            self._chaos_front.stop()
            self._chaos_front = None
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
