"""Synthetic results for the harness tests: no measuring, no clock."""

from __future__ import annotations

from bench import config, line_cost
from bench.events import OPERATIONS, USERS_OPERATIONS, cases
from bench.results import ColdStart, GeneratorRun, LineCost, ProfileRow, Results, ServerRun, Warm

LINE_US = 40.0  # one request log record, in the synthetic results


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
    # Each variant's own work (log records off); with them on, every variant pays one
    # record (LINE_US) more.
    speeds = {
        config.OURS: 10.0,
        "bare": 8.0,
        "openapi_core": 1000.0,
        "powertools": 80.0,
        "chalice": 100.0,
    }
    for case in cases():
        for variant, us in speeds.items():
            for lines, extra in (("off", 0.0), ("on", LINE_US)):
                results.warm.append(
                    Warm(
                        variant,
                        case.operation_id,
                        case.kind,
                        [us + extra] * rounds,
                        100,
                        200,
                        lines=lines,
                    )
                )
    results.line_costs = [
        LineCost(line_cost.RECORD, [LINE_US] * rounds),
        LineCost(line_cost.RECORD_DROPPED, [0.3] * rounds),
        LineCost(line_cost.OURS_EMF, [1.0] * rounds),
        LineCost(line_cost.ALTERNATIVES_EMF, [6.0] * rounds),
    ]
    results.line_profile = [
        ProfileRow("__init__.py:__init__", 1.0, 0.25),
        ProfileRow("encoder.py:iterencode", 1.0, 0.125),
    ]
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
