"""DynamoDB capacity units per request: what each request type costs at scale.

Parent side `run()` starts Amazon DynamoDB Local (bench/dynamodb_local.py) and runs
`python -m bench.capacity` against it, which creates the template's tables, calls our
handlers in-process on each request type, and sums the capacity DynamoDB reports for
every call the request made: each call asks for it (`ReturnConsumedCapacity: TOTAL`,
added through botocore's `before-parameter-build` event on the handlers' own client, whose
`after-call` event hands back the answer), so the handlers are run unchanged.

Every variant of the benchmark makes the same calls (bench/warm.py checks it), so these
are the figures of every variant. DynamoDB Local computes the units by DynamoDB's rules
(reads per 4 KB, half for eventually consistent ones; writes per 1 KB; twice for
transactions, though its sum per table can be lower than DynamoDB's 2 units per item of a
transaction: the report then shows both); a request whose call DynamoDB refuses (a failed
condition, a cancelled transaction) still consumes capacity on DynamoDB, which DynamoDB
Local does not report.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable
from typing import Any

from bench import config
from bench.dynamodb_local import dynamodb_local
from bench.events import LambdaContext, make_event
from bench.results import Capacity

Log = Callable[[str], None]
POPULATION = 120  # users in the table before the measured requests: a 100-user page exists
READS = ("GetItem", "Scan", "Query", "BatchGetItem", "TransactGetItems")


class _Meter:
    """Every DynamoDB call's consumed capacity, through the client's public events."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []  # (operation, tables, units)
        self.items = 0  # actions of the transaction being sent

    def ask(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params["ReturnConsumedCapacity"] = "TOTAL"
        self.items = len(params.get("TransactItems", []))

    def record(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        tables = " + ".join(
            f"{entry.get('TableName', '?')} {float(entry.get('CapacityUnits', 0.0)):g}"
            for entry in entries
        )
        units = sum(float(entry.get("CapacityUnits", 0.0)) for entry in entries)
        if model.name == "TransactWriteItems" and entries and units != 2 * self.items:
            # DynamoDB charges 2 write units per item of a transaction (up to 1 KB each);
            # DynamoDB Local's sum per table can be lower (one put and one delete of the
            # email claims table counted 2): show the rule's figure beside it.
            tables += f" ({self.items} items: {2 * self.items} by DynamoDB's rules)"
        self.calls.append((model.name, tables or "(not reported)", units))


def _user_body() -> dict[str, str]:
    return {"name": "Ada Lovelace", "email": f"{uuid.uuid4().hex[:12]}@example.com"}


def child() -> list[dict[str, Any]]:
    import boto3

    from codegen.serve.dynamodb_tables import ensure_tables

    os.environ.update(ensure_tables(config.ROOT / "template.yaml", boto3.resource("dynamodb")))
    from users import service, store

    meter = _Meter()
    events = store.current().users.meta.client.meta.events
    events.register("before-parameter-build.dynamodb", meter.ask)
    events.register("after-call.dynamodb", meter.record)
    for _ in range(POPULATION):
        service.create_user(store.current(), _user_body(), "/users")
    handlers: dict[str, Any] = {}
    for op, ref in config.our_handlers().items():
        if isinstance(ref, str):
            raise RuntimeError(f"{op}: {ref}")
        module = __import__(ref[0], fromlist=[ref[1]])
        handlers[op] = getattr(module, ref[1])
    context = LambdaContext()
    out: list[dict[str, Any]] = []

    def measure(label: str, op: str, event: dict[str, Any]) -> dict[str, Any]:
        meter.calls.clear()
        response: dict[str, Any] = handlers[op](event, context)
        reads = sum(units for name, _, units in meter.calls if name in READS)
        writes = sum(units for name, _, units in meter.calls if name not in READS)
        calls = [f"{name}: {tables}" for name, tables, _ in meter.calls]
        row = {"request": label, "status": int(response["statusCode"]), "calls": calls}
        out.append({**row, "read_units": reads, "write_units": writes})
        return response

    scopes = {"read": "users/read", "write": "users/write"}

    def create(label: str, body: dict[str, str], key: str | None = None) -> str:
        headers = {"Idempotency-Key": key} if key else None
        event = make_event(
            "POST", "/users", "/users", body=body, scope=scopes["write"], extra_headers=headers
        )
        return str(json.loads(measure(label, "createUser", event)["body"]).get("id", ""))

    def item(method: str, op: str, user_id: str, label: str, body: Any = None) -> None:
        scope = scopes["read" if method == "GET" else "write"]
        path = f"/users/{user_id}"
        event = make_event(
            method, "/users/{id}", path, path_params={"id": user_id}, body=body, scope=scope
        )
        measure(label, op, event)

    measure("hello", "hello", make_event("GET", "/hello", "/hello"))
    body = _user_body()
    user_id = create("createUser", body)
    key, keyed_body = str(uuid.uuid4()), _user_body()
    create("createUser with Idempotency-Key", keyed_body, key)
    create("createUser with Idempotency-Key, replayed", keyed_body, key)
    create("createUser, email taken (409)", {"name": "Other", "email": body["email"]})
    for limit in (10, 100):
        event = make_event(
            "GET", "/users", "/users", query={"limit": str(limit)}, scope=scopes["read"]
        )
        measure(f"listUsers, limit={limit}", "listUsers", event)
    item("GET", "getUser", user_id, "getUser")
    missing = str(uuid.uuid4())
    item("GET", "getUser", missing, "getUser, no such user (404)")
    item("PATCH", "updateUser", user_id, "updateUser, name only", {"name": "Ada King"})
    item("PATCH", "updateUser", user_id, "updateUser, new email", _user_body())
    item("DELETE", "deleteUser", user_id, "deleteUser")
    item("DELETE", "deleteUser", missing, "deleteUser, no such user (404)")
    invalid = make_event("GET", "/users", "/users", query={"limit": "0"}, scope=scopes["read"])
    measure("any invalid request (400)", "listUsers", invalid)
    return out


def run(log: Log) -> list[Capacity]:
    log("capacity: DynamoDB Local, ReturnConsumedCapacity on every call of each request type")
    with dynamodb_local() as endpoint:
        env = {"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "DYNAMODB_READ_TIMEOUT_SECONDS": "10"}
        rows = json.loads(config.run_child("bench.capacity", "{}", timeout=600, env=env))
    return [Capacity(**row) for row in rows]


if __name__ == "__main__":
    from bench import lambda_logging

    undo = lambda_logging.install()  # the handlers' lines to /dev/null, as in bench.warm
    try:
        answer = child()
    finally:
        undo()
    sys.stdout.write(json.dumps(answer) + "\n")
