"""Synthetic results for the harness tests: no measuring, no clock."""

from __future__ import annotations

from bench import config
from bench.events import OPERATIONS, cases
from bench.results import Capacity, ColdStart, GeneratorRun, ProfileRow, Results, Warm

# Cold start (CPU ms) and warm (µs) of each variant, in the synthetic results: every budget met.
COLD_MS = {
    config.OURS: 300.0,
    config.BARE: 290.0,
    "chalice": 310.0,
    "powertools": 450.0,
    "openapi_core": 900.0,
}
WARM_US = {
    config.OURS: 60.0,
    config.BARE: 50.0,
    "chalice": 120.0,
    "powertools": 300.0,
    "openapi_core": 3000.0,
}


def good_results(rounds: int = 3) -> Results:
    """Results in which every budget is met with room to spare."""
    results = Results(quick=True, settings=config.settings(True).as_dict())
    results.machine = {"cpu": "test", "versions": {"boto3": "1"}}
    results.cold.append(
        ColdStart(config.INTERPRETER, "-", process_ms=[10.0] * rounds, cpu_ms=[9.0] * rounds)
    )
    for variant, ms in COLD_MS.items():
        for op in OPERATIONS:
            results.cold.append(
                ColdStart(
                    variant,
                    op,
                    process_ms=[ms + 20] * rounds,  # wall: waited for a core now and then
                    cpu_ms=[ms] * rounds,
                    init_ms=[ms - 10] * rounds,
                    peak_rss_kb=[40000] * rounds,
                    status=200,
                )
            )
    for case in cases():
        for variant, us in WARM_US.items():
            results.warm.append(
                Warm(variant, case.operation_id, case.kind, [us] * rounds, 100, 200)
            )
    results.profiles = {
        f"{variant}|createUser|valid": [
            ProfileRow("users/service.py:create_user", 1.0, 0.25),
            ProfileRow("json/encoder.py:iterencode", 2.0, 0.125),
        ]
        for variant in (config.OURS, config.BARE)
    }
    results.generator = [
        GeneratorRun("openapi.yaml", 6, [0.6], [0.5]),
        GeneratorRun("synthetic-50", 50, [1.0], [0.9]),
        GeneratorRun("synthetic-500", 500, [5.5], [5.0]),
    ]
    results.capacity = [
        Capacity("createUser", 201, 0.0, 4.0, ["TransactWriteItems: EmailsTable 2 + UsersTable 2"])
    ]
    return results
