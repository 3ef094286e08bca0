"""DynamoDB answered from memory, the same way for every variant, so what is measured is
the handlers' own work and not a database.

The store holds one user (`SEED_ID`) and never changes: a write is checked against it (a
put conditioned on a new id fails only for the seed's id, an update or a delete of
another id fails its condition) and then forgotten, so every request gets the same
answer however often it is repeated. Transactions always commit. Each call is recorded
in `CALLS` (operation and tables), which is how the benchmark checks that every variant
makes the same DynamoDB calls as ours for each request (the same job).

Two ways in, both public APIs:
- warm (in-process): `register(client)` answers every call of a boto3 client from its
  `before-call` event (botocore's documented event system; `botocore.stub.Stubber` works
  the same way). Parameter validation, serialisation and boto3's type conversion still
  run; signing and HTTP do not.
- cold start (fresh processes): `serve()` answers DynamoDB's JSON protocol over HTTP on
  127.0.0.1, and the child is pointed at it with `AWS_ENDPOINT_URL_DYNAMODB`, which
  boto3 honours itself: the whole boto3 stack runs, with one loopback round trip per call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEED_ID = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
SEED: dict[str, Any] = {
    "id": {"S": SEED_ID},
    "name": {"S": "Ada Lovelace"},
    "email": {"S": "ada@example.com"},
    "created_at": {"S": "2026-11-24T10:00:00Z"},
    "updated_at": {"S": "2026-11-24T10:00:00Z"},
}
CALLS: list[str] = []  # "Operation Table[,Table...]", in call order
CONDITION_FAILED = "ConditionalCheckFailedException"
REFUSED = {"__type": CONDITION_FAILED, "message": "The conditional request failed"}


def _seed() -> dict[str, Any]:
    """A fresh copy of the seed: boto3 converts a response's items in place."""
    return {name: dict(value) for name, value in SEED.items()}


def _seeded(key: dict[str, Any]) -> bool:
    return key.get("id") == {"S": SEED_ID}


def respond(operation: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The status and JSON body DynamoDB would answer to `operation` with `request`."""
    tables = [request["TableName"]] if "TableName" in request else []
    if operation == "TransactWriteItems":
        tables = [next(iter(a.values()))["TableName"] for a in request["TransactItems"]]
    CALLS.append(f"{operation} {','.join(tables)}")
    condition = str(request.get("ConditionExpression", ""))
    if operation == "PutItem":
        if _seeded(request["Item"]) and "attribute_not_exists" in condition:
            return 400, dict(REFUSED)
        return 200, {}
    if operation == "GetItem":
        return 200, ({"Item": _seed()} if _seeded(request["Key"]) else {})
    if operation in ("UpdateItem", "DeleteItem"):
        if not _seeded(request["Key"]):
            if condition:
                return 400, dict(REFUSED)
            return 200, {}
        if operation == "DeleteItem":
            return 200, {"Attributes": _seed()} if request.get("ReturnValues") == "ALL_OLD" else {}
        new = _seed()
        names = request.get("ExpressionAttributeNames", {})
        values = request.get("ExpressionAttributeValues", {})
        for assignment in str(request.get("UpdateExpression", "")).removeprefix("SET ").split(","):
            left, _, right = assignment.partition("=")
            if right.strip() in values:
                new[names.get(left.strip(), left.strip())] = values[right.strip()]
        return 200, {"Attributes": new} if request.get("ReturnValues") else {}
    if operation == "TransactWriteItems":
        return 200, {}
    if operation == "Scan":
        items = [_seed()][: int(request.get("Limit", 100))]
        return 200, {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    return 400, {"__type": "ValidationException", "message": f"not answered here: {operation}"}


# -- warm: in-process, through botocore's before-call event ----------------------------


def _before_call(model: Any, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    status, body = respond(model.name, json.loads(params["body"] or b"{}"))
    parsed: dict[str, Any] = dict(body)
    if status >= 300:  # as botocore's JSON parser shapes an error
        parsed = {"Error": {"Code": body["__type"], "Message": body["message"]}}
    parsed["ResponseMetadata"] = {"HTTPStatusCode": status, "RetryAttempts": 0}
    return AWSResponse(params.get("url", ""), status, HTTPHeaders(), None), parsed


def register(client: Any) -> None:
    """Answer every DynamoDB call of this boto3 client (and of the resources and tables
    built on it) from `respond`, before it is signed or sent."""
    client.meta.events.register("before-call.dynamodb", _before_call)


# -- cold start: over HTTP on loopback ------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        operation = str(self.headers.get("X-Amz-Target", "")).rpartition(".")[2]
        status, body = respond(operation, request)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "BENCH" + "0" * 47)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per call would be noise on the benchmark's stderr."""


@contextmanager
def serve() -> Iterator[str]:
    """The fake on a free port of 127.0.0.1, in a thread of this process; its endpoint URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
