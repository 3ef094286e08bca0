"""Warm per-request time: every variant in one process, on the same requests, alternating.

Parent side `run()` starts `python -m bench.warm SETTINGS_JSON` (a fresh process with the
same environment as the cold starts) and reads its JSON answer.

In the child every variant reaches DynamoDB the same way ours does, through
`users.store`'s tables, and every DynamoDB call of that one boto3 client is answered in
memory (`bench.fake_dynamodb.register`): what is timed is routing, validation, the domain
code, boto3's own work on each call, the request's log line and metrics line (Lambda's
JSON log output, to /dev/null: bench.lambda_logging) and the response; no network.

Before timing, each variant answers each request once while it is watched: it must
answer a status the request allows, make the same DynamoDB calls as ours, and write the
same request line and metrics line (operation, caller, counters, ids), or the row is an
error and its budgets are not evaluated. Then a cProfile of ours and of the bare handler
on each request, for the report's "where the time goes".
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import io
import json
import logging
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import config, fake_dynamodb, lambda_logging
from bench.events import Case, LambdaContext, cases
from bench.results import ProfileRow, Warm

Handler = Callable[[Any, Any], Any]
Log = Callable[[str], None]
PROFILED_CALLS = 500
PROFILE_ROWS = 12
REQUEST_LOGGER = "generated.observability"


@dataclass
class WarmRun:
    warm: list[Warm]
    skipped: dict[str, str]  # what could not be measured, and why
    profiles: dict[str, list[ProfileRow]]  # "variant|operation|kind" -> top functions


def load_handlers() -> tuple[dict[tuple[str, str], Handler], dict[str, str]]:
    handlers: dict[tuple[str, str], Handler] = {}
    errors: dict[str, str] = {}
    for op, ref in config.our_handlers().items():
        if isinstance(ref, str):
            errors[f"ours/{op}"] = ref
            continue
        try:
            module = importlib.import_module(ref[0])
        except Exception as error:
            errors[f"ours/{op}"] = f"import {ref[0]}: {type(error).__name__}: {error}"
            continue
        handlers[(config.OURS, op)] = getattr(module, ref[1])
    for name, _, module_name in config.ALTERNATIVES:
        handler = importlib.import_module(module_name).handler
        for case in cases():
            handlers[(name, case.operation_id)] = handler
    # One boto3 client for every variant (the tables of users.store), answered in memory.
    from users import store

    fake_dynamodb.register(store.current().users.meta.client)
    return handlers, errors


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def job_of(handler: Handler, case: Case, context: Any) -> tuple[int, dict[str, Any]]:
    """One call, watched: its status, and what it did that every variant must do alike:
    its DynamoDB calls, its request line's fields and its metrics line's operation and
    counters (with the status, errorCode and error metrics for the valid requests: on an
    invalid one, the answer is each variant's own, Powertools' 422 for one)."""
    watcher = _Records()
    root = logging.getLogger()
    root.addHandler(watcher)
    calls = len(fake_dynamodb.CALLS)
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout):
            response = handler(copy.deepcopy(case.event), context)
    finally:
        root.removeHandler(watcher)
    valid = case.kind != "invalid"
    lines: list[dict[str, Any]] = []
    for record in watcher.records:
        if record.name != REQUEST_LOGGER:
            lines.append({"unexpected record": record.name})
            continue
        fields = dict(record.__dict__)
        line = {
            "operationId": fields.get("operationId"),
            "clientId": fields.get("clientId"),
            "userId": "userId" in fields,
        }
        if valid:
            line.update(status=fields.get("status"), errorCode=fields.get("errorCode"))
        lines.append(line)
    metrics = []
    for text in stdout.getvalue().splitlines():
        document = json.loads(text)
        kept = {
            key: value
            for key, value in document.items()
            if key not in ("_aws", "Timestamp", "Latency", "lambdaRequestId", "apiRequestId")
            and (valid or key not in ("Errors4xx", "Errors5xx"))
        }
        metrics.append(kept)
    job = {"calls": fake_dynamodb.CALLS[calls:], "lines": lines, "metrics": metrics}
    return int(response["statusCode"]), job


def _time_batch(handler: Handler, event: Any, context: Any, calls: int) -> float:
    """Mean CPU seconds per call over `calls` back-to-back calls. CPU time (this process's,
    one thread) rather than wall time: nothing here waits, and on a machine shared with
    other work the wall time also counts the time spent waiting for a core."""
    start = time.process_time()
    for _ in range(calls):
        handler(event, context)
    return (time.process_time() - start) / calls


def profile(handler: Handler, event: Any, context: Any) -> list[tuple[str, float, float]]:
    """(function, calls per request, share of the profiled time) of the functions with the
    most own time over PROFILED_CALLS requests (cProfile)."""
    import cProfile
    import pstats
    from pathlib import Path

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED_CALLS):
        handler(event, context)
    profiler.disable()
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values()) or 1.0
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_ROWS]
    out = []
    for (filename, _line, function), (_cc, calls, own, _cum, _callers) in rows:
        where = "" if filename == "~" else f"{Path(filename).parent.name}/{Path(filename).name}:"
        out.append((where + function, calls / PROFILED_CALLS, own / total))
    return out


def child(settings: dict[str, Any]) -> dict[str, Any]:
    handlers, errors = load_handlers()
    context = LambdaContext()
    rng = random.Random(int(settings["seed"]))
    batch_seconds = float(settings["warm_batch_seconds"])
    rows: dict[str, dict[str, Any]] = {}
    groups: dict[tuple[str, str], list[tuple[str, Handler, Any]]] = {}
    profiles: dict[str, list[tuple[str, float, float]]] = {}
    for case in cases():
        ours_job: dict[str, Any] | None = None
        for variant in config.VARIANTS:
            key = f"{variant}|{case.operation_id}|{case.kind}"
            handler = handlers.get((variant, case.operation_id))
            row: dict[str, Any] = {"us": [], "calls": 0, "status": 0, "error": None, "job": {}}
            rows[key] = row
            if handler is None:
                row["error"] = errors.get(f"{variant}/{case.operation_id}", "no handler")
                continue
            try:
                row["status"], row["job"] = job_of(handler, case, context)
            except Exception as error:
                row["error"] = f"{type(error).__name__}: {error}"
                continue
            if row["status"] not in case.expected:
                row["error"] = f"answered {row['status']} (expected {case.expected})"
                continue
            if variant == config.OURS:
                ours_job = row["job"]
            elif ours_job is not None and row["job"] != ours_job:
                row["error"] = f"not ours' job: {row['job']} instead of {ours_job}"
                continue
            # Calibrate: enough calls for a batch of about warm_batch_seconds.
            per_call = _time_batch(handler, case.event, context, 3)
            row["calls"] = max(3, int(batch_seconds / max(per_call, 1e-7)))
            groups.setdefault((case.operation_id, case.kind), []).append((key, handler, case.event))
            if variant in (config.OURS, config.BARE) and settings.get("profile", True):
                profiles[key] = profile(handler, case.event, context)
    for _ in range(int(settings["warm_rounds"])):
        order = list(groups)
        rng.shuffle(order)
        for group_key in order:
            members = list(groups[group_key])
            rng.shuffle(members)
            for key, handler, event in members:
                target = rows[key]
                gc.collect()
                target["us"].append(_time_batch(handler, event, context, target["calls"]) * 1e6)
    return {"rows": rows, "errors": errors, "profiles": profiles}


def run(settings: config.Settings, log: Log) -> WarmRun:
    log(
        f"warm: {len(config.VARIANTS)} variants x {len(cases())} requests, "
        f"{settings.warm_rounds} rounds"
    )
    payload = json.dumps(
        {
            "seed": settings.seed,
            "warm_rounds": settings.warm_rounds,
            "warm_batch_seconds": settings.warm_batch_seconds,
        }
    )
    answer = json.loads(config.run_child("bench.warm", payload))
    out: list[Warm] = []
    for key, row in answer["rows"].items():
        variant, operation, kind = key.split("|")
        out.append(
            Warm(
                variant=variant,
                operation=operation,
                kind=kind,
                us=[float(x) for x in row["us"]],
                calls_per_batch=int(row["calls"]),
                status=int(row["status"]),
                error=row["error"],
                dynamodb_calls=[str(call) for call in row["job"].get("calls", [])],
            )
        )
    return WarmRun(
        warm=out,
        skipped={str(k): str(v) for k, v in answer["errors"].items()},
        profiles={
            key: [ProfileRow(str(f), float(c), float(s)) for f, c, s in rows]
            for key, rows in answer["profiles"].items()
        },
    )


if __name__ == "__main__":
    # Lambda's log output (bench/lambda_logging.py): every variant's request line costs
    # what it costs deployed, and nothing the handlers print reaches this protocol.
    undo = lambda_logging.install()
    try:
        answer = child(json.loads(sys.argv[1]))
    finally:
        undo()
    sys.stdout.write(json.dumps(answer) + "\n")
