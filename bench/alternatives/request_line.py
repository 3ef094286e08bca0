"""Issue 15's per-request output, written by hand for the alternatives.

Every function we deploy writes one log record (stdlib `logging`, rendered by Lambda's
JSON format) and one CloudWatch Embedded Metric Format line per request; ours get them
from the generated `guarded`. So that the budgets keep comparing handlers doing the same
job, every alternative is wrapped with the same two lines, as a hand-written handler would
write them: the same fields (the caller's client id from the Cognito authorizer's claims
included), the same metrics. What the lines cost is shown apart: the warm section runs
every variant with the log records on and off (bench/lambda_logging.py, `set_records`).

Only modules Lambda's runtime has loaded (json, logging, time): a cold start pays nothing
extra to import it.
"""

from __future__ import annotations

import json
import logging
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_LOG = logging.getLogger("bench.request")
_METRICS = [
    {"Name": "Requests", "Unit": "Count"},
    {"Name": "Latency", "Unit": "Milliseconds"},
    {"Name": "Errors4xx", "Unit": "Count"},
    {"Name": "Errors5xx", "Unit": "Count"},
]


def client_id(event: Any) -> Any:
    """`requestContext.authorizer.claims.client_id`, as the Cognito authorizer passes it."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("claims") or {}).get("client_id")


def emf_line(operation: str, status: int, latency_ms: float) -> str:
    """The request's metrics as one EMF document, encoded the usual way (json.dumps)."""
    document = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": "Bench", "Dimensions": [["Operation"]], "Metrics": _METRICS}
            ],
        },
        "Operation": operation,
        "Requests": 1,
        "Latency": latency_ms,
        "Errors4xx": 1 if 400 <= status < 500 else 0,
        "Errors5xx": 1 if status >= 500 else 0,
    }
    return json.dumps(document, separators=(",", ":"))


def with_request_line(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def wrapper(event: Any, context: Any) -> Any:
        started = time.perf_counter()
        response = handler(event, context)
        latency_ms = round((time.perf_counter() - started) * 1000.0, 3)
        status = int(response.get("statusCode", 502)) if isinstance(response, dict) else 502
        operation = f"{event.get('httpMethod')} {event.get('resource')}"
        request = event.get("requestContext") or {}
        fields = {
            "operationId": operation,
            "status": status,
            "latencyMs": latency_ms,
            "lambdaRequestId": getattr(context, "aws_request_id", None),
            "apiRequestId": request.get("requestId"),
            "clientId": client_id(event),
        }
        if status >= 400:
            fields["errorCode"] = f"Http{status}"
        _LOG.info("%s %d %.1fms", operation, status, latency_ms, extra=fields)
        sys.stdout.write(emf_line(operation, status, latency_ms) + "\n")
        return response

    return wrapper
