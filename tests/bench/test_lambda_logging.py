"""The benchmark's stand-in for Lambda's log output, and the alternatives' request line."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from bench import lambda_logging
from bench.alternatives.request_line import with_request_line
from bench.lambda_logging import LambdaJsonFormatter


def test_extra_fields_land_at_the_top_level_as_lambda_renders_them() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %d", ("op", 200), None)
    record.__dict__.update({"operationId": "op", "status": 200, "gone": None})
    line = json.loads(LambdaJsonFormatter().format(record))
    assert line["message"] == "op 200" and line["level"] == "INFO" and line["logger"] == "x"
    assert line["operationId"] == "op" and line["status"] == 200
    assert "gone" not in line and "lineno" not in line and "args" not in line


@pytest.mark.parametrize(("mode", "level"), [("on", logging.INFO), ("off", logging.WARNING)])
def test_install_and_undo(mode: str, level: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lambda_logging.OBSERVABILITY_VARIABLE, mode)
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.WARNING)
    stdout, handlers = sys.stdout, list(root.handlers)
    undo = lambda_logging.install()
    try:
        assert sys.stdout is not stdout  # what handlers print goes to /dev/null
        assert root.level == level
    finally:
        undo()
    assert sys.stdout is stdout and root.handlers == handlers and root.level == logging.WARNING


def test_set_records_switches_the_request_records_within_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(lambda_logging.OBSERVABILITY_VARIABLE, "on")
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.WARNING)
    logger = logging.getLogger("bench.test")
    undo = lambda_logging.install()
    try:
        (handler,) = [h for h in root.handlers if isinstance(h.formatter, LambdaJsonFormatter)]
        lambda_logging.set_records(False)
        assert handler not in root.handlers and not logger.isEnabledFor(logging.INFO)
        lambda_logging.set_records(True)
        lambda_logging.set_records(True)  # idempotent: still one handler
        assert root.handlers.count(handler) == 1 and logger.isEnabledFor(logging.INFO)
    finally:
        undo()
    assert handler not in root.handlers and not logger.isEnabledFor(logging.INFO)


def test_the_alternatives_request_line(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = io.StringIO()
    monkeypatch.setattr(sys, "stdout", printed)
    records: list[logging.LogRecord] = []
    logger = logging.getLogger("bench.request")
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    logger.addHandler(handler)
    monkeypatch.setattr(logger, "level", logging.INFO)
    try:
        wrapped = with_request_line(lambda event, context: {"statusCode": 404})
        event = {
            "httpMethod": "GET",
            "resource": "/users/{id}",
            "requestContext": {"requestId": "r", "authorizer": {"claims": {"client_id": "c"}}},
        }
        assert wrapped(event, None) == {"statusCode": 404}
    finally:
        logger.removeHandler(handler)
    (record,) = records
    assert record.__dict__["status"] == 404 and record.__dict__["errorCode"] == "Http404"
    assert record.__dict__["clientId"] == "c"
    metrics = json.loads(printed.getvalue())
    assert metrics["Errors4xx"] == 1 and metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"]
