"""DynamoDB answers botocore never gets from moto or DynamoDB Local (neither throttles).

A `before-send.dynamodb.<Operation>` handler that returns an `AWSResponse` replaces the
HTTP call, and the answer then goes through botocore's parsing and retry logic as a real
one would (FIELD-NOTES, "DynamoDB transactions and faults").
"""

from __future__ import annotations

from botocore.awsrequest import AWSResponse

THROTTLING_BODY = b'{"__type":"ProvisionedThroughputExceededException","message":"slow down"}'


class RawBody:
    """The raw urllib3 response AWSResponse reads its body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *args: object, **kwargs: object) -> list[bytes]:
        return [self._body]


def throttling_response(url: str = "https://dynamodb") -> AWSResponse:
    """DynamoDB's answer to a request over the table's throughput: HTTP 400 + error type."""
    return AWSResponse(url, 400, {}, RawBody(THROTTLING_BODY))  # type: ignore[arg-type]
