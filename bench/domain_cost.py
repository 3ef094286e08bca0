"""What each variant's domain call costs alone, on the warm benchmark's in-memory table:
`python -m bench.domain_cost`.

The warm benchmark times whole handlers. This times only the call a handler makes once
the request is valid: ours `users.service` (a create is one transaction of the user and
its email claim; an update or a delete first reads the user, then writes it and moves or
frees the claim in one transaction), the alternatives' `bench.alternatives.manual`
(one plain write). Both on the same `MemTable` as the warm benchmark, in the same
environment (`config.child_env`), alternating over rounds; medians in microseconds.
It says how much of a write's time is issue 12's integrity work rather than the
framework around it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench import config
from bench.stats import median

ROUNDS = 15
CALLS = 2000
BODY = {"name": "Ada Lovelace", "email": "ada@example.com"}
CHANGES = {"email": "ada@lovelace.example.com"}  # the warm benchmark's valid update


def pieces() -> dict[tuple[str, str], Callable[[], object]]:
    """(operation, "ours" | "alternatives") -> one domain call, on the warm benchmark's
    stubbed table (bench.warm.load_handlers installs it)."""
    from bench import warm
    from bench.alternatives import manual, storage
    from bench.alternatives.memtable import SEED_ID

    # The warm benchmark's table for both sides (no alternative framework is imported:
    # this runs without the bench extra).
    table = warm._stub_dynamodb()
    problem = warm._stub_ours(table, [])
    if problem:
        raise RuntimeError(problem)
    from users import service, store

    return {
        ("createUser", "ours"): lambda: service.create_user(store.current(), BODY, "/users"),
        ("createUser", "alternatives"): lambda: manual.op_create(storage.table(), dict(BODY)),
        ("getUser", "ours"): lambda: service.get_user(store.current().users, SEED_ID),
        ("getUser", "alternatives"): lambda: manual.op_get(storage.table(), SEED_ID),
        ("updateUser", "ours"): lambda: service.update_user(store.current(), SEED_ID, CHANGES),
        ("updateUser", "alternatives"): lambda: manual.op_update(
            storage.table(), SEED_ID, dict(CHANGES)
        ),
        ("deleteUser", "ours"): lambda: service.delete_user(store.current(), SEED_ID),
        ("deleteUser", "alternatives"): lambda: manual.op_delete(storage.table(), SEED_ID),
    }


def child(rounds: int, calls: int, seed: int) -> dict[str, list[float]]:
    """Per piece, the mean µs per call of each round (pieces alternate in random order)."""
    timed = pieces()
    for call in timed.values():
        call()
    out: dict[str, list[float]] = {f"{op}|{who}": [] for op, who in timed}
    rng = random.Random(seed)
    order = list(timed)
    for _ in range(rounds):
        rng.shuffle(order)
        for key in order:
            call = timed[key]
            start = time.perf_counter()
            for _ in range(calls):
                call()
            out[f"{key[0]}|{key[1]}"].append((time.perf_counter() - start) / calls * 1e6)
    return out


def table(rows: dict[str, list[float]]) -> list[str]:
    lines = [
        "| operation | ours' domain call | the alternatives' | difference |",
        "| --- | --- | --- | --- |",
    ]
    for op in ("createUser", "getUser", "updateUser", "deleteUser"):
        ours, theirs = median(rows[f"{op}|ours"]), median(rows[f"{op}|alternatives"])
        lines.append(f"| {op} | {ours:.1f} µs | {theirs:.1f} µs | {ours - theirs:+.1f} µs |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.domain_cost", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    print("\n".join(table(main_rows(args.rounds, args.calls, args.seed))))
    return 0


def main_rows(rounds: int, calls: int, seed: int = 5) -> dict[str, list[float]]:
    """The child's measurements (a fresh process in the benchmark's environment)."""
    payload = json.dumps({"rounds": rounds, "calls": calls, "seed": seed})
    rows: dict[str, list[float]] = json.loads(config.run_child("bench.domain_cost", payload))
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].startswith("{"):  # the measuring child
        from bench import lambda_logging

        settings: dict[str, Any] = json.loads(sys.argv[1])
        undo = lambda_logging.install()  # as in bench.warm: nothing else reaches stdout
        try:
            answer = child(int(settings["rounds"]), int(settings["calls"]), int(settings["seed"]))
        finally:
            undo()
        sys.stdout.write(json.dumps(answer) + "\n")
    else:
        raise SystemExit(main())
