"""A create's added cost (issue 12): the transaction against a plain put.

Unique emails and Idempotency-Key make a create one TransactWriteItems (the user and
its email claim; with a key, also the record's completion) instead of one conditional
PutItem, plus, with a key, the conditional put that takes the key's lock first.

Two costs, reported side by side:
- write capacity, from DynamoDB's pricing rules: a standard write of an item up to 1 KB
  is 1 WCU, a transactional one 2 WCUs per item ("Capacity management for transactions",
  DynamoDB Developer Guide). This is what the change costs on the bill;
- time per call through boto3 on moto in-process, every variant alternating in rounds
  (medians): the client-side work (serialising, the transaction's actions, the extra
  call) and moto's, not DynamoDB's latency; a relative figure only. moto runs as the
  local server runs it (codegen/serve/embedded_dynamodb.py): moto's own path deep-copies
  every table a transaction touches, a cost that grows with the table and would be
  measured instead of the create's.

The parent runs `python -m bench.transaction SETTINGS_JSON` (a fresh process, as the
warm child) and reads its JSON answer.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench import config
from bench.results import TransactionCost

Log = Callable[[str], None]

# (operation, write capacity units for a user of under 1 KB, what it writes)
VARIANTS = (
    ("plain put (before)", 1.0, "PutItem of the user, attribute_not_exists(id)"),
    ("create (user + email claim)", 4.0, "TransactWriteItems: 2 items x 2 WCU"),
    (
        "create with Idempotency-Key",
        7.0,
        "PutItem of the key record (1 WCU), then TransactWriteItems: 3 items x 2 WCU",
    ),
)


def run(settings: config.Settings, log: Log) -> list[TransactionCost]:
    log("transaction: a create's added cost against a plain put (moto in-process)")
    payload = json.dumps({"seed": settings.seed, "rounds": settings.warm_rounds})
    rows = json.loads(config.run_child("bench.transaction", payload, timeout=900))
    return [TransactionCost(**row) for row in rows]


def child(settings: dict[str, Any], calls_per_batch: int = 50) -> list[dict[str, Any]]:
    sys.path.insert(0, str(config.SRC))
    sys.path.insert(0, str(config.ROOT))
    import boto3
    from moto import mock_aws

    from codegen.serve.dynamodb_tables import ensure_tables
    from users import service, store
    from utils import dynamodb

    for variable in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        os.environ.pop(variable, None)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        dynamodb.clear_cache()
        template = config.ROOT / "template.yaml"
        os.environ.update(ensure_tables(template, boto3.resource("dynamodb")))
        tables = store.current()

        def body() -> dict[str, str]:
            return {"name": "Ada Lovelace", "email": f"{uuid.uuid4()}@example.com"}

        def plain_put() -> None:
            user = {**body(), "id": str(uuid.uuid4()), "created_at": "x", "updated_at": "x"}
            tables.users.put_item(
                Item=user,
                ConditionExpression="attribute_not_exists(#k0)",
                ExpressionAttributeNames={"#k0": service.KEY_NAMES[0]},
            )

        def create() -> None:
            service.create_user(tables, body(), "/users")

        def keyed_create() -> None:
            service.create_user(tables, body(), "/users", idempotency_key=str(uuid.uuid4()))

        functions = (plain_put, create, keyed_create)
        for function in functions:  # warm up: clients, models, caches
            function()
        rng = random.Random(int(settings["seed"]))
        samples: list[list[float]] = [[] for _ in functions]
        for _ in range(int(settings["rounds"])):
            order = list(range(len(functions)))
            rng.shuffle(order)
            for index in order:
                start = time.perf_counter()
                for _ in range(calls_per_batch):
                    functions[index]()
                samples[index].append((time.perf_counter() - start) / calls_per_batch * 1e6)
        dynamodb.clear_cache()
    return [
        {"operation": name, "wcu": wcu, "writes": writes, "us": us}
        for (name, wcu, writes), us in zip(VARIANTS, samples, strict=True)
    ]


if __name__ == "__main__":
    sys.stdout.write(json.dumps(child(json.loads(sys.argv[1]))) + "\n")
