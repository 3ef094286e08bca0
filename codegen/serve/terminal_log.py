"""The functions' request lines and metrics, human-readable in a terminal.

Deployed, every function writes one JSON log line per request (Lambda's JSON
`LoggingConfig` renders the record's extra fields at the top level) and one CloudWatch
Embedded Metric Format line on stdout (`generated.observability`). The local server runs
the same functions in its own process, so it gets the same records and lines, and shows
them to a person instead:

    12:00:01 INFO getUser 404 1.2ms lambda=3f2b... api=3f2b... error=NotFound
    12:00:01 DEBUG metrics getUser Requests=1 Latency=1.2 Errors4xx=1 Errors5xx=0

The request line keeps the fields' names as the JSON line spells them, so what a person
reads locally is what they will query in CloudWatch Logs Insights.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from codegen.serve import rendered

# The extra fields of the functions' request record, in the order they are shown.
REQUEST_FIELDS = (
    ("lambdaRequestId", "lambda"),
    ("apiRequestId", "api"),
    ("clientId", "client"),
    ("userId", "user"),
    ("errorCode", "error"),
    ("errorAt", "at"),
)
metrics_log = logging.getLogger("codegen.serve.metrics")


class HumanFormatter(logging.Formatter):
    """The usual `time LEVEL message`, plus `name=value` for a request record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if not hasattr(record, "operationId"):
            return line
        extras = [
            f"{label}={getattr(record, name)}"
            for name, label in REQUEST_FIELDS
            if getattr(record, name, None) is not None
        ]
        return " ".join([line, *extras])


def metrics_text(line: str) -> str:
    """An EMF line as `metrics <Operation> Name=value ...` (every metric it declares)."""
    document = json.loads(line)
    names = [
        metric["Name"]
        for directive in document["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]
    ]
    values = " ".join(f"{name}={document[name]}" for name in names)
    return f"metrics {document.get('Operation', '-')} {values}"


def log_metrics(line: str) -> None:
    """The local sink of the functions' EMF lines: a DEBUG record, not stdout."""
    if metrics_log.isEnabledFor(logging.DEBUG):
        metrics_log.debug("%s", metrics_text(line))


def install() -> bool:
    """Send the functions' metrics lines to `log_metrics` (src/ must be on sys.path).

    False when the project has no `generated.observability` (generated before it existed).
    """
    try:
        module: Any = rendered.load(rendered.OBSERVABILITY)
    except ModuleNotFoundError:
        return False
    module.metrics_sink = log_metrics
    return True
