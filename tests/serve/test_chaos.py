"""`python -m codegen serve --chaos SPEC`: the SPEC, the draw, and the server under it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
import requests

from codegen.serve import chaos
from tests.support.credentials import auth_headers
from tests.support.servers import ROOT, codegen_server


def test_a_spec_names_faults_and_their_probabilities() -> None:
    spec = chaos.parse("throttle=0.05, timeout=0.01")
    assert spec.rates == (("throttle", 0.05), ("timeout", 0.01))
    assert "throttle 5.00%" in chaos.banner(spec)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("throttle", "is not name=probability"),
        ("slow=0.1", "unknown fault 'slow'"),
        ("throttle=abc", "is not a probability"),
        ("throttle=0", "is not a probability"),
        ("throttle=1.5", "is not a probability"),
        ("throttle=0.6,reset=0.6", "add up to more than 1"),
        ("throttle=0.1,throttle=0.2", "given twice"),
    ],
)
def test_a_bad_spec_is_one_line_and_exit_2(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        chaos.parse(text)
    run = subprocess.run(
        [sys.executable, "-m", "codegen", "serve", "--port", "0", "--chaos", text],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and problem in run.stderr, run.stderr
    assert run.stdout == ""


def test_each_attempt_meets_at_most_one_fault_by_its_probability() -> None:
    draws = iter([0.01, 0.06, 0.5])
    out = io.StringIO()
    draw = chaos.Chaos(chaos.parse("throttle=0.05,reset=0.02"), out, lambda: next(draws))
    assert draw.pick("GetItem") == "throttle"  # 0.01 < 0.05
    assert draw.pick("PutItem") == "reset"  # 0.06 - 0.05 < 0.02
    assert draw.pick("Scan") is None  # sent as is
    assert out.getvalue().splitlines() == [
        "CHAOS: injected throttle into GetItem",
        "CHAOS: injected reset into PutItem",
    ]
    assert draw.injected == {"throttle": 1, "reset": 1}


def test_off_by_default() -> None:
    from codegen.serve.cli import build_parser

    assert build_parser().parse_args([]).chaos is None


@pytest.mark.slow
def test_the_server_answers_every_fault_with_503_and_says_so() -> None:
    """Every attempt throttled (embedded moto): 503 + Retry-After + CORS, the banner at
    start, and a marker per injected fault."""
    headers = auth_headers()
    with codegen_server(["--chaos", "throttle=1"]) as server:
        created = requests.post(
            f"{server.url}/users",
            json={"name": "Ada", "email": "ada@example.com"},
            headers=headers,
            timeout=30,
        )
        assert created.status_code == 503
        assert created.headers["Retry-After"] == "1"
        assert created.headers["Access-Control-Allow-Origin"] == "*"
        assert created.json() == {"message": "Service temporarily unavailable, retry later"}
        output = server.process.output()
    assert "CHAOS MODE ON" in output
    assert output.count("CHAOS: injected throttle into") >= 2  # botocore retried (deadline)


@pytest.mark.slow
def test_with_a_small_rate_the_server_mostly_answers() -> None:
    headers = auth_headers()
    with codegen_server(["--chaos", "unavailable=0.2"]) as server:
        statuses = [
            requests.get(f"{server.url}/users", headers=headers, timeout=30).status_code
            for _ in range(60)
        ]
        output = server.process.output()
    # A 20% fault per attempt, three attempts per call: botocore's retries hide nearly all
    # (a call fails with 0.2**3 = 0.8%). 60 calls, so that no fault at all (0.8**60, about
    # 1.5e-6) cannot pass for a chaos that injects nothing; 20 calls failed CI once (1.2%).
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 50, statuses
    assert "CHAOS: injected unavailable into Scan" in output
