"""`python -m bench.load.speed --baseline DIR`: the local server's requests/s, side by side
in one run: this checkout's `codegen serve`, the same server at another commit (a
`git worktree add DIR 8427257` of your own, outside the repository: the server as it was
when issue 14 asked for 3x its requests/s), and `chalice local`, all on embedded moto
with response validation on (each server's default), on loopback. Each sends what its API
needs: the baseline predates authentication and ignores the credentials headers.

Rounds alternate the servers in random order per (endpoint, concurrency), so a busy
machine slows all of them alike. Writes bench/speed-results.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from statistics import median

from bench import config
from bench.loadgen import run_load
from bench.server import (
    HOST,
    OK,
    chalice_project,
    credentials,
    factory,
    free_port,
    seed_user,
    started,
)
from bench.stats import percentile

ENDPOINTS = ("GET /users/{id}", "POST /users")
RESULTS_MD = config.BENCH_DIR / "speed-results.md"


def server_at(stack: ExitStack, root: Path, name: str) -> int:
    """`python -m codegen serve` of the checkout at `root` (its own codegen and src/)."""
    port = free_port()
    env = config.child_env()
    ours = (str(config.SRC), str(config.ROOT))
    others = [p for p in env["PYTHONPATH"].split(os.pathsep) if p not in ours]
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), str(root), *others])
    command = [config.python(), "-m", "codegen", "serve", "--host", HOST, "--port", str(port)]
    return stack.enter_context(started(name, command, root, port, env))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.speed", description=__doc__)
    parser.add_argument("--baseline", type=Path, required=True, help="checkout of the baseline")
    parser.add_argument("--label", default="8427257", help="the baseline's name")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    names = ("this branch", args.label, "chalice local")
    rows: dict[tuple[str, str, int], list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp, ExitStack() as stack:
        ports = {
            names[0]: server_at(stack, config.ROOT, "branch"),
            names[1]: server_at(stack, args.baseline.resolve(), "baseline"),
        }
        port = free_port()
        chalice = [str(Path(config.python()).with_name("chalice")), "local", "--no-autoreload"]
        chalice += ["--host", HOST, "--port", str(port)]
        project = chalice_project(Path(tmp))
        ports[names[2]] = stack.enter_context(started("chalice", chalice, project, port))
        users = {name: seed_user(p) for name, p in ports.items()}
        for round_no in range(args.rounds + 1):  # round 0 warms up, not recorded
            levels = [(e, c) for e in ENDPOINTS for c in args.concurrency]
            rng.shuffle(levels)
            for endpoint, concurrency in levels:
                order = list(names)
                rng.shuffle(order)
                for name in order:
                    result = run_load(
                        HOST,
                        ports[name],
                        factory(endpoint, users[name], f"{round_no}c{concurrency}"),
                        concurrency=concurrency,
                        seconds=args.seconds if round_no else 0.5,
                        max_requests=100_000,
                        ok_statuses=OK[endpoint],
                        extra_headers=credentials(),
                    )
                    if round_no and result.latencies_s:
                        rows.setdefault((name, endpoint, concurrency), []).append(
                            (
                                result.rps,
                                percentile(result.latencies_s, 50) * 1000,
                                percentile(result.latencies_s, 99) * 1000,
                            )
                        )
            print(f"round {round_no}/{args.rounds} done", file=sys.stderr, flush=True)
    lines = [
        "# Local server speed, side by side (`python -m bench.load.speed`)",
        "",
        f"Embedded moto, response validation on, keep-alive clients, {args.rounds} rounds of "
        f"{args.seconds:.0f} s per cell, medians; servers alternated in random order.",
        "",
        "| endpoint | clients | server | req/s | p50 ms | p99 ms | vs baseline |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for endpoint in ENDPOINTS:
        for concurrency in args.concurrency:
            base = rows.get((names[1], endpoint, concurrency))
            base_rps = median(r[0] for r in base) if base else 0.0
            for name in names:
                samples = rows.get((name, endpoint, concurrency))
                if not samples:
                    continue
                rps = median(r[0] for r in samples)
                ratio = f"{rps / base_rps:.2f}x" if base_rps else "-"
                lines.append(
                    f"| {endpoint} | {concurrency} | {name} | {rps:.0f} | "
                    f"{median(r[1] for r in samples):.1f} | {median(r[2] for r in samples):.1f} | "
                    f"{ratio} |"
                )
    text = "\n".join(lines) + "\n"
    RESULTS_MD.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
