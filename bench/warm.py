"""Warm per-request overhead: every variant in one process, DynamoDB stubbed identically,
each with the request lines on (as deployed) and off, alternating.

Parent side `run()` starts `python -m bench.warm SETTINGS_JSON` (a fresh process
with the same environment as the cold starts) and reads its JSON answer.

In the child, every variant's table is the same in-memory `MemTable` (ours through
`utils.dynamodb`'s per-process table cache), so what is timed is validation,
coercion, routing, our helpers and response building. botocore's HTTP layer is
patched too (`bench.fake_dynamodb`): if a variant still reached boto3, its calls
would show up there and the run reports it as an error.

Lines on: Lambda's JSON log handler on the root logger at INFO (bench.lambda_logging),
so every variant's request record is built, rendered and written (to /dev/null). Lines
off: the root logger as Python starts it, so the record is dropped before it is made;
the EMF line is still built and written. The difference is what the log record costs
each variant; `bench.line_cost`'s pieces, timed in the same rounds, show it alone.
"""

from __future__ import annotations

import copy
import gc
import importlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import config, lambda_logging, line_cost
from bench.alternatives.request_line import with_request_line
from bench.events import LambdaContext, cases
from bench.results import LineCost, ProfileRow, Warm

Handler = Callable[[Any, Any], Any]
Log = Callable[[str], None]


@dataclass
class WarmRun:
    warm: list[Warm]
    skipped: dict[str, str]  # what could not be measured, and why
    line_costs: list[LineCost]
    line_profile: list[ProfileRow]


def _stub_dynamodb() -> Any:
    import botocore.httpsession

    from bench import fake_dynamodb
    from bench.alternatives import bare, storage
    from bench.alternatives.memtable import MemTable

    fake_dynamodb.install(botocore.httpsession)
    table = MemTable(os.environ.get("TABLE_NAME", "UsersTable"))
    bare.TABLE = table
    storage.set_table(table)
    return table


def _stub_ours(table: Any, modules: list[Any]) -> str | None:
    """Hand our handlers the same MemTable; None, or why it could not be done."""
    try:
        helper = importlib.import_module("utils.dynamodb")
    except ImportError as error:
        return f"utils.dynamodb: {error}"
    cache = getattr(helper, "_tables", None)
    if isinstance(cache, dict):
        cache[os.environ.get("TABLE_NAME", "UsersTable")] = table
        return None
    for module in modules:  # fallback: each handler module's own `get_table` name
        if hasattr(module, "get_table"):
            module.get_table = lambda *_a, **_k: table
    return None


def load_handlers() -> tuple[dict[tuple[str, str], Handler], dict[str, str]]:
    handlers: dict[tuple[str, str], Handler] = {}
    errors: dict[str, str] = {}
    table = _stub_dynamodb()
    our_modules = []
    for op, ref in config.our_handlers().items():
        if isinstance(ref, str):
            errors[f"ours/{op}"] = ref
            continue
        try:
            module = importlib.import_module(ref[0])
        except Exception as error:
            errors[f"ours/{op}"] = f"import {ref[0]}: {type(error).__name__}: {error}"
            continue
        our_modules.append(module)
        handlers[(config.OURS, op)] = getattr(module, ref[1])
    problem = _stub_ours(table, our_modules)
    if problem:
        errors["ours"] = problem
    for name, _, module_name, attr in config.ALTERNATIVES:
        if name not in config.WARM_VARIANTS:
            continue
        module = importlib.import_module(module_name)
        # Issue 15's request line, by hand (ours write theirs in `guarded`).
        wrapped = with_request_line(getattr(module, attr))
        for op in ("hello", "listUsers", "createUser", "getUser", "updateUser", "deleteUser"):
            handlers[(name, op)] = wrapped
    return handlers, errors


def _time_batch(handler: Handler, event: Any, context: Any, calls: int) -> float:
    """Mean seconds per call over `calls` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        handler(event, context)
    return (time.perf_counter() - start) / calls


LINES = ("on", "off")  # the request log records, as deployed / dropped


def child(settings: dict[str, Any]) -> dict[str, Any]:
    from bench import fake_dynamodb

    handlers, errors = load_handlers()
    context = LambdaContext()
    rng = random.Random(int(settings["seed"]))
    batch_seconds = float(settings["warm_batch_seconds"])
    rows: dict[str, dict[str, Any]] = {}
    # (key, lines on?, handler, event); a group's members alternate within each round.
    Entry = tuple[str, bool, Handler, Any]
    groups: dict[tuple[str, str], list[Entry]] = {}
    for case in cases():
        for variant in config.WARM_VARIANTS:
            for lines in LINES:
                key = f"{variant}|{case.operation_id}|{case.kind}|{lines}"
                handler = handlers.get((variant, case.operation_id))
                row: dict[str, Any] = {"us": [], "calls": 0, "status": 0, "error": None}
                rows[key] = row
                if handler is None:
                    row["error"] = errors.get(f"{variant}/{case.operation_id}", "no handler")
                    continue
                lambda_logging.set_records(lines == "on")
                event = copy.deepcopy(case.event)
                try:
                    response = handler(copy.deepcopy(event), context)
                    row["status"] = int(response["statusCode"])
                except Exception as error:
                    row["error"] = f"{type(error).__name__}: {error}"
                    continue
                if row["status"] not in case.expected:
                    body = str(response.get("body", ""))[:200]
                    row["error"] = f"answered {row['status']} (expected {case.expected}): {body}"
                    continue
                # Calibrate: enough calls for a batch of about warm_batch_seconds.
                per_call = _time_batch(handler, event, context, 3)
                row["calls"] = max(3, int(batch_seconds / max(per_call, 1e-7)))
                group = groups.setdefault((case.operation_id, case.kind), [])
                group.append((key, lines == "on", handler, event))
    if fake_dynamodb.CALLS:
        errors["stub"] = (
            f"DynamoDB was called through boto3 despite the stub: {fake_dynamodb.CALLS[:5]}"
        )
    costs: dict[str, dict[str, Any]] = {}
    for name, call in line_cost.pieces().items():
        records = line_cost.PIECES[name]
        lambda_logging.set_records(records)

        def piece(_event: Any, _context: Any, call: Callable[[], object] = call) -> object:
            return call()

        per_call = _time_batch(piece, None, None, 10)
        costs[name] = {"us": [], "calls": max(10, int(batch_seconds / max(per_call, 1e-7)))}
        groups.setdefault(("lines", "alone"), []).append((f"cost|{name}", records, piece, None))
    for _ in range(int(settings["warm_rounds"])):
        order = list(groups)
        rng.shuffle(order)
        for group_key in order:
            members = list(groups[group_key])
            rng.shuffle(members)
            for key, records, handler, event in members:
                lambda_logging.set_records(records)
                target = costs[key[5:]] if key.startswith("cost|") else rows[key]
                gc.collect()
                target["us"].append(_time_batch(handler, event, context, target["calls"]) * 1e6)
    lambda_logging.set_records(True)
    profile = line_cost.profile_record()
    if fake_dynamodb.CALLS and "stub" not in errors:
        errors["stub"] = (
            f"DynamoDB was called through boto3 despite the stub: {fake_dynamodb.CALLS[:5]}"
        )
    return {
        "rows": rows,
        "errors": errors,
        "costs": {name: cost["us"] for name, cost in costs.items()},
        "profile": profile,
    }


def run(settings: config.Settings, log: Log) -> WarmRun:
    log(
        f"warm: {len(config.WARM_VARIANTS)} variants x {len(cases())} requests x lines "
        f"on/off, {settings.warm_rounds} rounds"
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
        variant, operation, kind, lines = key.split("|")
        out.append(
            Warm(
                variant=variant,
                operation=operation,
                kind=kind,
                us=[float(x) for x in row["us"]],
                calls_per_batch=int(row["calls"]),
                status=int(row["status"]),
                error=row["error"],
                lines=lines,
            )
        )
    return WarmRun(
        warm=out,
        skipped={str(k): str(v) for k, v in answer["errors"].items()},
        line_costs=[
            LineCost(str(name), [float(x) for x in us]) for name, us in answer["costs"].items()
        ],
        line_profile=[
            ProfileRow(str(function), float(calls), float(share))
            for function, calls, share in answer["profile"]
        ],
    )


if __name__ == "__main__":
    # Every variant runs with Lambda's log output (bench/lambda_logging.py): a request line
    # costs what it costs deployed, and nothing the handlers print reaches this protocol.
    undo = lambda_logging.install()
    try:
        answer = child(json.loads(sys.argv[1]))
    finally:
        undo()
    sys.stdout.write(json.dumps(answer) + "\n")
