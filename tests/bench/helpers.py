"""Synthetic results for the harness tests: no measuring, no clock."""

from __future__ import annotations

from bench import config
from bench.events import OPERATIONS, USERS_OPERATIONS, cases
from bench.results import ColdStart, GeneratorRun, Results, ServerRun, Warm


def good_results(rounds: int = 3) -> Results:
    """Results in which every budget is met with room to spare."""
    results = Results(quick=True, settings=config.settings(True).as_dict())
    results.machine = {"cpu": "test", "versions": {"boto3": "1"}}
    results.cold.append(
        ColdStart(config.INTERPRETER, "-", [10.0] * rounds, [0.0] * rounds, [9000] * rounds)
    )
    for op in OPERATIONS:
        results.cold.append(
            ColdStart("bare", op, [20.0] * rounds, [9.0] * rounds, [12000] * rounds, 200)
        )
        ours_ms = 22.0 if op == "hello" else 300.0
        results.cold.append(
            ColdStart(config.OURS, op, [ours_ms] * rounds, [1.0] * rounds, [40000] * rounds, 200)
        )
    for op in USERS_OPERATIONS:
        results.cold.append(
            ColdStart("bare_boto3", op, [290.0] * rounds, [1.0] * rounds, [40000] * rounds, 200)
        )
    speeds = {
        config.OURS: 10.0,
        "bare": 8.0,
        "openapi_core": 1000.0,
        "powertools": 80.0,
        "chalice": 30.0,
    }
    for case in cases():
        for variant, us in speeds.items():
            results.warm.append(
                Warm(variant, case.operation_id, case.kind, [us] * rounds, 100, 200)
            )
    for endpoint in ("GET /hello", "GET /users/{id}", "POST /users"):
        for c in (1, 8, 32):
            results.server.append(
                ServerRun(
                    "ours", endpoint, c, [500.0] * rounds, [2.0] * rounds, [9.0] * rounds, 1000
                )
            )
            results.server.append(
                ServerRun(
                    "chalice", endpoint, c, [50.0] * rounds, [40.0] * rounds, [90.0] * rounds, 100
                )
            )
    results.generator = [
        GeneratorRun("openapi.yaml", 6, [0.6]),
        GeneratorRun("synthetic-50", 50, [1.0]),
        GeneratorRun("synthetic-200", 200, [2.5]),
        GeneratorRun("synthetic-500", 500, [5.5]),
    ]
    return results
