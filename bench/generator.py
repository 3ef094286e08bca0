"""Generator time: `python -m codegen` on our spec and on synthetic specs of N operations.

Every run renders into a fresh temporary folder (the generator writes beside the
spec), so the checkout is never touched. Synthetic specs repeat the users
resource under new names: each resource has the same 5 operations, schemas and
DynamoDB access as /users, so N operations is N/5 resources.
"""

from __future__ import annotations

import copy
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import config
from bench.results import GeneratorRun

Log = Callable[[str], None]
RESOURCE_OPERATIONS = 5


def synthetic_spec(document: dict[str, Any], operations: int) -> dict[str, Any]:
    """`document` with its paths replaced by `operations` operations (a multiple of 5)."""
    if operations <= 0 or operations % RESOURCE_OPERATIONS:
        raise ValueError(f"operations must be a positive multiple of {RESOURCE_OPERATIONS}")
    out = copy.deepcopy(document)
    collection = document["paths"]["/users"]
    item = document["paths"]["/users/{id}"]
    paths: dict[str, Any] = {}
    for n in range(operations // RESOURCE_OPERATIONS):
        prefix = f"/things{n}"
        paths[prefix] = _renamed(collection, n)
        paths[prefix + "/{id}"] = _renamed(item, n)
    out["paths"] = paths
    out["tags"] = [{"name": "users", "description": "Synthetic resources."}]
    return out


def _renamed(path_item: dict[str, Any], n: int) -> dict[str, Any]:
    renamed = copy.deepcopy(path_item)
    for method, operation in renamed.items():
        if not isinstance(operation, dict) or "operationId" not in operation:
            continue
        operation["operationId"] = f"{operation['operationId']}{n}"
        module = str(operation["x-handler"]).split(".")[1]  # users.<module>.handler
        operation["x-handler"] = f"things{n}.{module}.handler"
        for response in operation.get("responses", {}).values():
            for link in response.get("links", {}).values():  # links name operationIds
                link["operationId"] = f"{link['operationId']}{n}"
        del method
    return renamed


def count_operations(document: dict[str, Any]) -> int:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sum(1 for item in document["paths"].values() for key in item if key in methods)


def _time_generate(spec: Path) -> float:
    env = config.child_env()
    start = time.perf_counter()
    completed = subprocess.run(
        [config.python(), "-m", "codegen", "generate", "--spec", str(spec)],
        cwd=str(spec.parent),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"exit {completed.returncode}: " + " | ".join(tail))
    return elapsed


def run(settings: config.Settings, log: Log) -> tuple[list[GeneratorRun], dict[str, str]]:
    if not (config.ROOT / "codegen" / "cli.py").exists():
        return [], {"generator": "codegen/cli.py does not exist yet"}
    import yaml

    document = yaml.safe_load(config.SPEC.read_text(encoding="utf-8"))
    specs: dict[str, tuple[int, str]] = {
        "openapi.yaml": (count_operations(document), config.SPEC.read_text(encoding="utf-8"))
    }
    for size in settings.generator_sizes:
        text = yaml.safe_dump(synthetic_spec(document, size), sort_keys=False)
        specs[f"synthetic-{size}"] = (size, text)
    runs = {label: GeneratorRun(label, ops) for label, (ops, _) in specs.items()}
    rng = random.Random(settings.seed)
    log(f"generator: {len(specs)} specs x {settings.generator_rounds} rounds")
    with tempfile.TemporaryDirectory(prefix="bench-gen-") as tmp:
        for round_no in range(settings.generator_rounds):
            order = list(specs)
            rng.shuffle(order)
            for label in order:
                row = runs[label]
                if row.error:
                    continue
                folder = Path(tmp) / f"{label}-{round_no}"
                folder.mkdir()
                spec = folder / "openapi.yaml"
                spec.write_text(specs[label][1], encoding="utf-8")
                try:
                    row.seconds.append(_time_generate(spec))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    row.error = str(error)
                shutil.rmtree(folder, ignore_errors=True)
            log(f"  round {round_no + 1}/{settings.generator_rounds} done")
    return list(runs.values()), {}
