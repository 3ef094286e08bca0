"""`python -m codegen fuzz` against the local server: 0 failures, and nothing left behind.

Bounded (fixed seed, a few examples per operation) so each run takes seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import boto3
import pytest
import requests

from tests.fuzz.throttling_proxy import Throttle, throttling_proxy
from tests.support.credentials import auth_headers
from tests.support.servers import ROOT, codegen_server

pytestmark = pytest.mark.slow

TIMEOUT_SECONDS = 180
BOUNDS = ["--seed", "7", "--max-examples", "5"]
SUMMARY = re.compile(
    r"^fuzz: (\d+) cases, (\d+) failures, (\d+) users created, (\d+) removed \(.*\)$"
)


def fuzz(*args: str, bounds: Sequence[str] = BOUNDS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", "fuzz", *args, *bounds],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def summary(result: subprocess.CompletedProcess[str]) -> tuple[int, int, int, int]:
    last = result.stdout.strip().splitlines()[-1]
    found = SUMMARY.match(last)
    assert found, last
    cases, failures, created, removed = (int(group) for group in found.groups())
    return cases, failures, created, removed


def snapshot(endpoint: str) -> dict[str, list[dict[str, Any]]]:
    """Every user and every email claim, as stored (idempotency records may stay: TTL)."""
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    tables = {}
    for table in ("UsersTable", "EmailsTable"):
        items = dynamodb.scan(TableName=table)["Items"]
        tables[table] = sorted(items, key=repr)
    return tables


def test_fuzz_of_a_running_server_leaves_users_and_claims_as_they_were() -> None:
    with codegen_server() as server:
        endpoint = re.search(r"embedded moto at (http://\S+)", server.process.output())
        assert endpoint, server.process.output()
        headers = auth_headers()
        for n in range(3):  # users the run did not create: never changed, never deleted
            body = {"name": f"Seeded {n}", "email": f"seeded{n}@example.com"}
            answer = requests.post(f"{server.url}/users", json=body, headers=headers, timeout=10)
            assert answer.status_code == 201, answer.text
        before = snapshot(endpoint.group(1))
        assert len(before["UsersTable"]) == 3
        result = fuzz("--url", server.url)
        after = snapshot(endpoint.group(1))
        log = server.process.output()
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    cases, failures, created, removed = summary(result)
    assert failures == 0
    assert cases > 0
    assert created > 0  # the run did write, and its users are gone again
    assert after == before
    # The stateful links that follow ids from listUsers did reach the writes, turned away.
    assert re.search(r"; [1-9]\d* writes kept off ids the run did not create", result.stdout)
    assert removed <= created
    # Not a hollow pass: with the team's token (from the token endpoint) and key every /users
    # operation answered a 2xx, and `ignored_auth`'s probes without them were refused.
    assert re.search(r"INFO POST /oauth2/token 200 ", log)
    for method, path in [
        ("GET", r"/users"),
        ("POST", r"/users"),
        ("GET", r"/users/[0-9a-f-]{36}"),
        ("PATCH", r"/users/[0-9a-f-]{36}"),
        ("DELETE", r"/users/[0-9a-f-]{36}"),
    ]:
        assert re.search(rf"INFO {method} {path}(\?\S*)? 2\d\d ", log), (method, path)
    assert re.search(r"INFO \w+ /users\S* 40[13] ", log)


def test_fuzz_without_options_starts_the_local_server_and_stops_it() -> None:
    result = fuzz()
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    started = re.search(r"fuzz: local server at (http://127\.0\.0\.1:\d+)", result.stdout)
    assert started, result.stdout
    assert summary(result)[1] == 0
    assert (ROOT / "reports" / "fuzz-junit.xml").is_file()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{started.group(1)}/openapi.json", timeout=2)


def test_429s_and_503s_at_a_low_throttle_are_waited_out_and_nothing_is_left_behind() -> None:
    key = auth_headers()["x-api-key"]
    throttle = Throttle(key, rate=12, burst=4, unavailable_every=40)
    with codegen_server() as server, throttling_proxy(server.url, throttle) as stage:
        endpoint = re.search(r"embedded moto at (http://\S+)", server.process.output())
        assert endpoint
        before = snapshot(endpoint.group(1))
        result = fuzz(
            "--url", stage, "--rate-limit", "20/s", bounds=["--seed", "7", "--max-examples", "2"]
        )
        after = snapshot(endpoint.group(1))
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert throttle.answered[429] > 0 and throttle.answered[503] > 0, throttle.answered
    waited = re.search(r"; (\d+) answers 429/503 waited out", result.stdout)
    assert waited and int(waited.group(1)) >= throttle.answered[429] + throttle.answered[503] - 2
    _, failures, created, _ = summary(result)
    assert failures == 0 and created > 0
    assert after == before
