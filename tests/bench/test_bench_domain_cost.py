"""bench.domain_cost: each operation's domain call, ours and the alternatives', measured in
the benchmark's child environment (a short run: numbers are not judged, only produced)."""

from __future__ import annotations

import math

from bench import domain_cost


def test_every_write_and_read_is_measured_for_both_sides() -> None:
    rows = domain_cost.main_rows(rounds=1, calls=5)
    assert set(rows) == {
        f"{op}|{side}"
        for op in ("createUser", "getUser", "updateUser", "deleteUser")
        for side in ("ours", "alternatives")
    }
    assert all(len(us) == 1 and us[0] > 0 and math.isfinite(us[0]) for us in rows.values())
    lines = domain_cost.table(rows)
    assert len(lines) == 2 + 4 and lines[2].startswith("| createUser | ")
