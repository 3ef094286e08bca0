"""bench.coldstart: one real cold start of our hello function, against the loopback fake."""

from __future__ import annotations

import json
from pathlib import Path

from bench import coldstart, config, fake_dynamodb
from bench.events import cases


def test_a_cold_start_reports_its_wall_and_cpu_time_to_the_first_response(
    tmp_path: Path,
) -> None:
    (hello,) = [c for c in cases() if (c.operation_id, c.kind) == ("hello", "valid")]
    plan, _ = coldstart.targets()
    (target,) = [t for t in plan if (t.variant, t.operation) == (config.OURS, "hello")]
    with fake_dynamodb.serve() as endpoint:
        event = json.dumps(hello.event)
        wall, cpu, details = coldstart.run_once(target, event, str(tmp_path), endpoint)
    assert details["status"] == 200 and details["boto3_imported"] is False
    assert cpu > 0 and wall > 0
    assert cpu == details["cpu_ms"]  # the child's own figure, taken at its first response
