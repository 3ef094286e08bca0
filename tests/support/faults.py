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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSResponse

# The faults themselves are the ones the local server's chaos mode answers.
from codegen.serve.faults import Fault, cancelled, throttled
from tests.support.botocore_faults import (
    Injection,
    answering,
    apply,
    parsed,
    register,
    unregister,
)

__all__ = ["Fault", "answered_with", "cancelled", "lost_answers", "sent_with", "throttled"]


@contextmanager
def answered_with(client: Any, operation: str, faults: list[Fault]) -> Iterator[None]:
    """The next calls are answered with `faults` *instead of* being made (`before-call`),
    so nothing reaches the backend; the SDK's retries are skipped, as with botocore's
    Stubber (fine for non-retryable errors such as a cancelled transaction)."""
    pending = list(faults)

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        return parsed(pending.pop(0)) if pending else None

    with _registered(client, f"before-call.dynamodb.{operation}", answer):
        yield


@contextmanager
def sent_with(client: Any, operation: str, faults: Sequence[Fault | Injection]) -> Iterator[None]:
    """Each attempt's HTTP answer is replaced by the next fault (`before-send`), so the
    SDK's retry logic sees it: throttling is retried, as on AWS. Only for a real endpoint
    (DynamoDB Local): moto's in-process mock also handles `before-send` and would still
    run the request."""
    pending = list(faults)

    def answer(request: Any = None, **_: Any) -> AWSResponse | None:
        if not pending:
            return None
        fault = pending.pop(0)
        return apply(answering(fault) if isinstance(fault, Fault) else fault, request)

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
def every_attempt(client: Any, injection: Injection) -> Iterator[list[str]]:
    """Every attempt of every call on `client` meets `injection` (`before-send`, so the
    SDK's retries run); yields the operation names of the attempts, in order."""
    attempts: list[str] = []

    def inject(request: Any = None, event_name: str = "", **_: Any) -> AWSResponse:
        attempts.append(event_name.rsplit(".", 1)[-1])
        return apply(injection, request)

    unique_id = register(client, inject)
    try:
        yield attempts
    finally:
        unregister(client, unique_id)


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
