"""The functions' request lines and metrics in `python -m codegen serve`: human-readable,
with the same field names as the deployed JSON lines, and x-amzn-RequestId on every answer."""

from __future__ import annotations

import json
import logging

import pytest
from werkzeug.test import Client

from codegen.serve.terminal_log import HumanFormatter, metrics_text
from tests.serve.test_app import app, client  # the real project on embedded moto, signed in

__all__ = ["app", "client"]
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def test_a_request_line_and_its_metrics_human_readable(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/users/{UNKNOWN_ID}")
    assert response.status_code == 404
    request_id = response.headers["x-amzn-RequestId"]
    (record,) = [r for r in caplog.records if r.name == "generated.observability"]
    line = HumanFormatter("%(levelname)s %(message)s").format(record)
    assert line.startswith("INFO getUser 404 ")
    assert f"lambda={request_id} api={request_id} client=" in line
    assert line.endswith(" error=NotFound")
    # The client is the verified token's app client id (tests.support.credentials): the
    # token itself never appears.
    (client_id,) = [part[len("client=") :] for part in line.split() if part.startswith("client=")]
    assert client_id and len(client_id) < 64
    (metrics,) = [r.getMessage() for r in caplog.records if r.name == "codegen.serve.metrics"]
    assert metrics.startswith("metrics getUser Requests=1 Latency=")
    assert metrics.endswith(" Errors4xx=1 Errors5xx=0")


def test_other_records_are_formatted_as_usual() -> None:
    record = logging.LogRecord("codegen.serve", logging.INFO, __file__, 1, "Stopped.", (), None)
    assert HumanFormatter("%(levelname)s %(message)s").format(record) == "INFO Stopped."


def test_metrics_text_lists_every_declared_metric_and_counter() -> None:
    line = json.dumps(
        {
            "_aws": {
                "Timestamp": 0,
                "CloudWatchMetrics": [
                    {"Namespace": "N", "Dimensions": [["Service", "Operation"]],
                     "Metrics": [{"Name": "Requests", "Unit": "Count"}]},
                    {"Namespace": "N", "Dimensions": [["Service"]],
                     "Metrics": [{"Name": "UsersCreated", "Unit": "Count"}]},
                ],
            },
            "Operation": "createUser",
            "Requests": 1,
            "UsersCreated": 1,
        }
    )  # fmt: skip
    assert metrics_text(line) == "metrics createUser Requests=1 UsersCreated=1"


def test_the_gateways_own_answers_carry_the_request_id_too(client: Client) -> None:
    for response in (client.get("/no/such/path"), client.put("/hello")):
        assert response.status_code in (404, 405)
        assert response.headers["x-amzn-RequestId"]
        exposed = response.headers["Access-Control-Expose-Headers"].split(",")
        assert "x-amzn-RequestId" in exposed
