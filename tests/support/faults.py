"""DynamoDB behaviour the emulators do not have, injected with botocore event hooks.

Neither moto nor DynamoDB Local throttles or reports transaction conflicts on demand, and
moto ignores ClientRequestToken ("DynamoDB local usage notes"; FIELD-NOTES.md). These
hooks act on the very client the handlers use, below the SDK's retry logic, so the code
under test meets the failure exactly as it would on AWS:

- `answered_with(client, operation, faults)`: the next calls are answered with the
  given errors instead of being made (`before-call`);
- `sent_with(client, operation, faults)`: the next attempts' HTTP answers are replaced
  (`before-send`), so botocore's retries see them (on a real endpoint);
- `lost_answers(client, operation, times)`: the call reaches DynamoDB and commits, then
  its answer is "lost", so botocore sends the same request again (`needs-retry`), as it
  would after a read timeout. DynamoDB then answers the repeat from its ClientRequestToken
  record; moto runs it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

_URL = "https://dynamodb.us-east-1.amazonaws.com/"
_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class _Body:
    """What AWSResponse reads its content from (`raw.stream()`)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@dataclass(frozen=True)
class Fault:
    """A DynamoDB JSON-protocol error answer."""

    status: int
    code: str
    message: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def http(self) -> AWSResponse:
        """As it comes over the wire, for `before-send` (parsed by botocore as the real one)."""
        body = {"__type": f"{_PREFIX}{self.code}", "Message": self.message, **self.fields}
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-RequestId"] = "injected"
        return AWSResponse(_URL, self.status, headers, _Body(json.dumps(body).encode()))

    def parsed(self) -> tuple[AWSResponse, dict[str, Any]]:
        """As botocore has parsed it, for `before-call`."""
        metadata = {"HTTPStatusCode": self.status, "RequestId": "injected", "RetryAttempts": 0}
        return self.http(), {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": metadata,
            **self.fields,
        }


def cancelled(*codes: str | None) -> Fault:
    """TransactionCanceledException with one CancellationReason per action, in order."""
    reasons = [{"Code": "None"} if code is None else {"Code": code} for code in codes]
    return Fault(
        400,
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons {codes}",
        {"CancellationReasons": reasons},
    )


def throttled() -> Fault:
    return Fault(400, "ThrottlingException", "Rate of requests exceeds the allowed rate")


@contextmanager
def answered_with(client: Any, operation: str, faults: list[Fault]) -> Iterator[None]:
    """The next calls are answered with `faults` *instead of* being made (`before-call`),
    so nothing reaches the backend; the SDK's retries are skipped, as with botocore's
    Stubber (fine for non-retryable errors such as a cancelled transaction)."""
    pending = list(faults)

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        return pending.pop(0).parsed() if pending else None

    with _registered(client, f"before-call.dynamodb.{operation}", answer):
        yield


@contextmanager
def sent_with(client: Any, operation: str, faults: list[Fault]) -> Iterator[None]:
    """Each attempt's HTTP answer is replaced by the next fault (`before-send`), so the
    SDK's retry logic sees it: throttling is retried, as on AWS. Only for a real endpoint
    (DynamoDB Local): moto's in-process mock also handles `before-send` and would still
    run the request."""
    pending = list(faults)

    def answer(**_: Any) -> AWSResponse | None:
        return pending.pop(0).http() if pending else None

    with _registered(client, f"before-send.dynamodb.{operation}", answer):
        yield


@contextmanager
def _registered(client: Any, event: str, handler: Any) -> Iterator[None]:
    unique_id = f"tests-faults-{id(handler)}"
    client.meta.events.register_first(event, handler, unique_id=unique_id)
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id=unique_id)


@contextmanager
def lost_answers(client: Any, operation: str, times: int = 1) -> Iterator[list[int]]:
    """Yields the HTTP status of every attempt, in order (e.g. [200, 200] on DynamoDB:
    the repeat was answered from the token; [200, 400] on moto: it ran again)."""
    statuses: list[int] = []

    def retry_after_success(response: Any = None, **_: Any) -> int | None:
        if response is None:  # a connection error: botocore's own handler decides
            return None
        statuses.append(response[0].status_code)
        if response[0].status_code == 200 and statuses.count(200) <= times:
            return 0  # retry at once, the same request (same ClientRequestToken)
        return None

    event = f"needs-retry.dynamodb.{operation}"
    with _registered(client, event, retry_after_success):
        yield statuses
