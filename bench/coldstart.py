"""Cold starts: each variant in a fresh process, alternating, several rounds.

Each start gives two figures, both from spawn to the first response: the wall time (what a
caller waits on an idle machine) and the child's CPU time, user + system (its
`time.process_time()`, which counts the whole process, the interpreter's start included).
The budgets judge the CPU time: on a machine shared with other work the wall time also
counts the time the child waited for a core, which moved single starts of the same variant
by 3x in one run; the CPU time is the work the start needs. Not to the child's exit: the
interpreter's teardown is about 65 ms of CPU (a fifth of a users start) that a Lambda
cold start never pays.

DynamoDB is `bench.fake_dynamodb` served over HTTP on loopback from this process: every
variant runs the whole boto3 stack against it, as deployed, and makes its calls there.
"""

from __future__ import annotations

import compileall
import json
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench import config, fake_dynamodb
from bench.events import OPERATIONS, cases
from bench.results import ColdStart

Log = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    variant: str
    operation: str
    module: str
    attr: str


def targets() -> tuple[list[Target], dict[str, str]]:
    """What to cold-start, and (variant/operation -> reason) for what cannot be."""
    skipped: dict[str, str] = {}
    out: list[Target] = [Target(config.INTERPRETER, "-", "-", "-")]
    for op, handler in config.our_handlers().items():
        if isinstance(handler, str):
            skipped[f"ours/{op}"] = handler
        else:
            out.append(Target(config.OURS, op, *handler))
    for name, _, module in config.ALTERNATIVES:
        out.extend(Target(name, op, module, "handler") for op in OPERATIONS)
    return out, skipped


def precompile() -> None:
    """Make sure every .pyc exists before the first timed run (quietly)."""
    for folder in (config.SRC, config.BENCH_DIR):
        compileall.compile_dir(str(folder), quiet=2, workers=1)


def run_once(
    target: Target, event_json: str, cwd: str, endpoint: str
) -> tuple[float, float, dict[str, object]]:
    """(wall ms and the child's CPU ms to the first response, the child's details)."""
    command = [config.python(), "-S", "-m", "bench.coldchild", target.module, target.attr]
    env = config.child_env({"AWS_ENDPOINT_URL_DYNAMODB": endpoint})
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        # Unbuffered: readline() takes exactly the first line, the rest stays in the pipe.
        process = subprocess.Popen(
            [*command, event_json], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr,
            bufsize=0,
        )  # fmt: skip
        assert process.stdout is not None
        first = process.stdout.readline().decode("utf-8", "replace")
        elapsed_ms = (time.perf_counter() - start) * 1000
        rest = process.stdout.read().decode("utf-8", "replace")
        process.stdout.close()
        process.wait(timeout=120)
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    if first.strip() != "ready" or process.returncode != 0:
        tail = (err or first).strip().splitlines()[-3:]
        raise RuntimeError(" | ".join(tail) or f"exit {process.returncode}")
    lines = rest.strip().splitlines()
    if not lines:
        raise RuntimeError(
            "no details from the child: " + " | ".join(err.strip().splitlines()[-3:])
        )
    details: dict[str, object] = json.loads(lines[-1])
    return elapsed_ms, float(str(details["cpu_ms"])), details


def run(settings: config.Settings, log: Log) -> tuple[list[ColdStart], dict[str, str]]:
    plan, skipped = targets()
    events = {c.operation_id: json.dumps(c.event) for c in cases() if c.kind == "valid"}
    events["-"] = "{}"
    results = {(t.variant, t.operation): ColdStart(t.variant, t.operation) for t in plan}
    precompile()
    rng = random.Random(settings.seed)
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as cwd, fake_dynamodb.serve() as url:
        log(
            f"cold start: {len(plan)} variant/operation pairs, "
            f"1 warm-up + {settings.cold_rounds} rounds"
        )
        alive = []
        for target in plan:  # warm-up: .pyc, page cache; checks the answer and the calls
            result = results[(target.variant, target.operation)]
            calls = len(fake_dynamodb.CALLS)
            try:
                _, _, details = run_once(target, events[target.operation], cwd, url)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                result.error = str(error)
                log(f"  {target.variant}/{target.operation}: {error}")
                continue
            result.status = int(str(details["status"]))
            result.dynamodb_calls = fake_dynamodb.CALLS[calls:]
            alive.append(target)
        groups: dict[str, list[Target]] = {}
        for target in alive:
            groups.setdefault(target.operation, []).append(target)
        for round_no in range(settings.cold_rounds):
            order = list(groups)
            rng.shuffle(order)
            for op in order:
                members = list(groups[op])
                rng.shuffle(members)  # back to back, in a new order each round
                for target in members:
                    result = results[(target.variant, target.operation)]
                    if result.error:
                        continue
                    try:
                        elapsed, cpu, details = run_once(target, events[target.operation], cwd, url)
                    except (RuntimeError, subprocess.TimeoutExpired) as error:
                        result.error = f"round {round_no + 1}: {error}"
                        continue
                    result.process_ms.append(elapsed)
                    result.cpu_ms.append(cpu)
                    result.init_ms.append(float(str(details["init_ms"])))
                    result.import_ms.append(float(str(details["import_ms"])))
                    result.modules = int(str(details["modules"]))
                    result.peak_rss_kb.append(int(str(details["peak_rss_kb"])))
                    result.boto3_imported = bool(details["boto3_imported"])
            log(f"  round {round_no + 1}/{settings.cold_rounds} done")
    return list(results.values()), skipped
