"""Warm per-request overhead: every variant in one process, DynamoDB stubbed identically.

Parent side `run()` starts `python -m bench.warm SETTINGS_JSON` (a fresh process
with the same environment as the cold starts) and reads its JSON answer.

In the child, every variant's table is the same in-memory `MemTable` (ours through
`utils.dynamodb`'s per-process table cache), so what is timed is validation,
coercion, routing, our helpers and response building. botocore's HTTP layer is
patched too (`bench.fake_dynamodb`): if a variant still reached boto3, its calls
would show up there and the run reports it as an error.
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
from typing import Any

from bench import config, lambda_logging
from bench.alternatives.request_line import with_request_line
from bench.events import Case, LambdaContext, cases
from bench.results import Warm

Handler = Callable[[Any, Any], Any]
Log = Callable[[str], None]


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


def child(settings: dict[str, Any]) -> dict[str, Any]:
    from bench import fake_dynamodb

    handlers, errors = load_handlers()
    context = LambdaContext()
    rng = random.Random(int(settings["seed"]))
    rows: dict[str, dict[str, Any]] = {}
    plan: list[tuple[str, Case, Handler, Any]] = []
    for case in cases():
        for variant in config.WARM_VARIANTS:
            key = f"{variant}|{case.operation_id}|{case.kind}"
            handler = handlers.get((variant, case.operation_id))
            row: dict[str, Any] = {"us": [], "calls": 0, "status": 0, "error": None}
            rows[key] = row
            if handler is None:
                row["error"] = errors.get(f"{variant}/{case.operation_id}", "no handler")
                continue
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
            row["calls"] = max(3, int(float(settings["warm_batch_seconds"]) / max(per_call, 1e-7)))
            plan.append((key, case, handler, event))
    if fake_dynamodb.CALLS:
        errors["stub"] = (
            f"DynamoDB was called through boto3 despite the stub: {fake_dynamodb.CALLS[:5]}"
        )
    groups: dict[tuple[str, str], list[tuple[str, Case, Handler, Any]]] = {}
    for entry in plan:
        groups.setdefault((entry[1].operation_id, entry[1].kind), []).append(entry)
    for _ in range(int(settings["warm_rounds"])):
        order = list(groups)
        rng.shuffle(order)
        for group in order:
            members = list(groups[group])
            rng.shuffle(members)
            for key, _case, handler, event in members:
                gc.collect()
                rows[key]["us"].append(
                    _time_batch(handler, event, context, rows[key]["calls"]) * 1e6
                )
    if fake_dynamodb.CALLS and "stub" not in errors:
        errors["stub"] = (
            f"DynamoDB was called through boto3 despite the stub: {fake_dynamodb.CALLS[:5]}"
        )
    return {"rows": rows, "errors": errors}


def run(settings: config.Settings, log: Log) -> tuple[list[Warm], dict[str, str]]:
    log(
        f"warm: {len(config.WARM_VARIANTS)} variants x {len(cases())} requests, "
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
            )
        )
    return out, {str(k): str(v) for k, v in answer["errors"].items()}


if __name__ == "__main__":
    # Every variant runs with Lambda's log output (bench/lambda_logging.py): a request line
    # costs what it costs deployed, and nothing the handlers print reaches this protocol.
    undo = lambda_logging.install()
    try:
        answer = child(json.loads(sys.argv[1]))
    finally:
        undo()
    sys.stdout.write(json.dumps(answer) + "\n")
