"""Generator time: `python -m codegen` on our spec and on synthetic specs of N operations.

Every run renders into a fresh temporary folder (the generator writes beside the
spec), so the checkout is never touched. Synthetic specs repeat the users
resource under new names: each resource has the same 5 operations, schemas and
DynamoDB access as /users, so N operations is N/5 resources.

Each run's wall time (what the budget judges) and CPU time (the child's user + system
time: on a machine shared with other work, the wall time grows while the CPU time does
not). With a baseline commit (`python -m bench --generator-baseline COMMIT`), that
commit's generator (`git archive`: nothing is checked out) renders its own spec's
500-operation version in the same rounds, alternating with ours: if both are slower than
they used to be, the machine is.
"""

from __future__ import annotations

import copy
import io
import os
import random
import resource
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import config
from bench.budgets import GENERATOR_500_MAX_S
from bench.results import GeneratorRun, ProfileRow
from bench.stats import median

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


def _time_generate(spec: Path, codegen_home: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of `python -m codegen generate --spec SPEC`; `codegen_home`: a
    folder whose `codegen` package is run instead of this checkout's."""
    env = config.child_env()
    if codegen_home is not None:
        env["PYTHONPATH"] = f"{codegen_home}{os.pathsep}{env['PYTHONPATH']}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"exit {completed.returncode}: " + " | ".join(tail))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def extract(commit: str, folder: Path) -> Path:
    """`codegen/` and `openapi.yaml` of `commit` into `folder` (git archive); the folder."""
    archive = subprocess.run(
        ["git", "-C", str(config.ROOT), "archive", commit, "codegen", "openapi.yaml"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # The archive is this repository's own, made just now. extractall's `filter` came
        # in 3.11.4; Debian's 3.11.2 (CI's interpreter) lacks it.
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)
    return folder


def run(settings: config.Settings, log: Log) -> tuple[list[GeneratorRun], dict[str, str]]:
    import yaml

    document = yaml.safe_load(config.SPEC.read_text(encoding="utf-8"))
    # label -> (operations, spec text, codegen home or None for this checkout)
    specs: dict[str, tuple[int, str, Path | None]] = {
        "openapi.yaml": (count_operations(document), config.SPEC.read_text(encoding="utf-8"), None)
    }
    for size in settings.generator_sizes:
        text = yaml.safe_dump(synthetic_spec(document, size), sort_keys=False)
        specs[f"synthetic-{size}"] = (size, text, None)
    runs = {label: GeneratorRun(label, ops) for label, (ops, _, _) in specs.items()}
    rng = random.Random(settings.seed)
    with tempfile.TemporaryDirectory(prefix="bench-gen-") as tmp:
        baseline = settings.generator_baseline
        if baseline:
            home = extract(baseline, Path(tmp) / "baseline")
            old = yaml.safe_load((home / "openapi.yaml").read_text(encoding="utf-8"))
            label = f"synthetic-500 at {baseline}"
            text = yaml.safe_dump(synthetic_spec(old, 500), sort_keys=False)
            specs[label] = (500, text, home)
            runs[label] = GeneratorRun("synthetic-500", 500, commit=baseline)
        log(f"generator: {len(specs)} specs x {settings.generator_rounds} rounds")
        for round_no in range(settings.generator_rounds):
            order = list(specs)
            rng.shuffle(order)
            for label in order:
                row = runs[label]
                if row.error:
                    continue
                folder = Path(tmp) / f"run-{round_no}"
                folder.mkdir()
                spec = folder / "openapi.yaml"
                spec.write_text(specs[label][1], encoding="utf-8")
                try:
                    wall, cpu = _time_generate(spec, specs[label][2])
                    row.seconds.append(wall)
                    row.cpu_seconds.append(cpu)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    row.error = str(error)
                shutil.rmtree(folder, ignore_errors=True)
            log(f"  round {round_no + 1}/{settings.generator_rounds} done")
        largest = runs.get("synthetic-500")
        if largest and largest.seconds and median(largest.seconds) >= GENERATOR_500_MAX_S:
            log("  synthetic-500 missed its budget: one more run under cProfile")
            largest.profile = profile(Path(tmp) / "profiled", specs["synthetic-500"][1])
    return list(runs.values()), {}


PROFILE_ROWS = 12
PROFILED = ("codegen/", "yaml/", "jsonschema/", "openapi_spec_validator/", "jinja2/")


def profile(folder: Path, spec_text: str) -> list[ProfileRow]:
    """The functions with the most cumulative time in one `generate` run (cProfile), below
    the entry points (those holding nearly all of the run) and in the generator or the
    libraries it spends its time in."""
    import pstats

    folder.mkdir()
    (folder / "openapi.yaml").write_text(spec_text, encoding="utf-8")
    output = folder / "generate.prof"
    subprocess.run(
        [config.python(), "-m", "cProfile", "-o", str(output), "-m", "codegen", "generate",
         "--spec", str(folder / "openapi.yaml")],
        cwd=str(folder), env=config.child_env(), capture_output=True, timeout=900, check=True,
    )  # fmt: skip
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = pstats.Stats(str(output)).stats  # type: ignore[attr-defined]
    total = max((entry[3] for entry in raw.values()), default=0.0) or 1.0
    rows = []
    for (filename, _line, function), (_cc, calls, _own, cumulative, _callers) in raw.items():
        where = next((filename[filename.rindex(p) :] for p in PROFILED if p in filename), None)
        if where is None or cumulative >= 0.9 * total:
            continue
        rows.append(ProfileRow(f"{where}:{function}", float(calls), cumulative / total))
    return sorted(rows, key=lambda row: row.share, reverse=True)[:PROFILE_ROWS]
