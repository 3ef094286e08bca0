"""What a function's log stream holds: its log records as Lambda's JSON format renders
them, and the Embedded Metric Format lines it writes.

Records are rendered by `tests.support.lambda_format.LambdaJsonFormatter`, the Python
runtime's formatter for `LogFormat: JSON` (the benchmark renders its handlers' records
through the same one).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.lambda_format import LambdaJsonFormatter


@dataclass
class LogStream:
    """Every line one test's functions wrote: JSON log lines and EMF lines."""

    log_lines: list[str] = field(default_factory=list)
    emf_lines: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_lines]

    @property
    def request_records(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["logger"] == "generated.observability"]

    @property
    def metrics(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.emf_lines]

    @property
    def text(self) -> str:
        return "\n".join([*self.log_lines, *self.emf_lines])

    def clear(self) -> None:
        self.log_lines.clear()
        self.emf_lines.clear()


class _Collect(logging.Handler):
    def __init__(self, stream: LogStream) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(LambdaJsonFormatter())
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.log_lines.append(self.format(record))


@pytest.fixture
def log_stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[LogStream]:
    """The functions' log lines (root logger at INFO, as ApplicationLogLevel INFO sets it)
    and EMF lines (what `generated.observability` would print on stdout)."""
    from generated import observability

    stream = LogStream()
    handler = _Collect(stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    monkeypatch.setattr(observability, "metrics_sink", stream.emf_lines.append)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
