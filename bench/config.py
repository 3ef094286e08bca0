"""Paths, the variants compared, and the settings of a quick or a full run."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
SPEC = ROOT / "openapi.yaml"
BENCH_DIR = ROOT / "bench"
OUT_DIR = BENCH_DIR / "out"  # scratch (git-ignored): results.json, server logs
SAM = ROOT / ".tools" / "sam" / "bin" / "sam"

OURS = "ours"
INTERPRETER = "interpreter"
# (name, label, module, attribute); ours is resolved per operation from the spec.
ALTERNATIVES: tuple[tuple[str, str, str, str], ...] = (
    ("bare", "bare handler", "bench.alternatives.bare", "handler"),
    ("bare_boto3", "bare + boto3 Table", "bench.alternatives.bare_boto3", "handler"),
    ("openapi_core", "openapi-core", "bench.alternatives.openapi_core_app", "handler"),
    ("powertools", "Powertools + pydantic", "bench.alternatives.powertools_app", "handler"),
    ("chalice", "Chalice", "bench.alternatives.chalice_app", "app"),
)
LABELS = {
    OURS: "ours (generated validators)",
    INTERPRETER: "python, nothing imported",
    **{name: label for name, label, _, _ in ALTERNATIVES},
}
HEAVY = ("openapi_core", "powertools", "chalice")
# The variant a budget compares our cold start with: hello never touches DynamoDB.
COLD_BASELINE = {"hello": "bare"}
COLD_USERS_BASELINE = "bare_boto3"
# bare_boto3 with its table stubbed is the bare handler: left out of the warm runs.
WARM_VARIANTS = (OURS, "bare", "openapi_core", "powertools", "chalice")


@dataclass(frozen=True)
class Settings:
    quick: bool
    cold_rounds: int
    cold_heavy_operations: tuple[str, ...]  # operations the framework variants cold-start on
    warm_rounds: int
    warm_batch_seconds: float
    server_rounds: int
    server_seconds: float
    server_max_requests: int
    concurrencies: tuple[int, ...]
    server_modes: tuple[str, ...]  # "keep-alive" (the budgets), "new connection"
    generator_rounds: int
    generator_sizes: tuple[int, ...]
    seed: int = 5

    def as_dict(self) -> dict[str, Any]:
        """JSON-shaped: tuples become lists."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def settings(quick: bool, seed: int = 5) -> Settings:
    if quick:
        return Settings(
            quick=True,
            cold_rounds=3,
            cold_heavy_operations=("hello", "createUser"),
            warm_rounds=5,
            warm_batch_seconds=0.004,
            server_rounds=1,
            server_seconds=0.8,
            server_max_requests=5_000,
            concurrencies=(1, 8, 32),
            server_modes=("keep-alive",),
            generator_rounds=1,
            generator_sizes=(50, 200, 500),
            seed=seed,
        )
    return Settings(
        quick=False,
        cold_rounds=11,
        cold_heavy_operations=(
            "hello",
            "listUsers",
            "createUser",
            "getUser",
            "updateUser",
            "deleteUser",
        ),
        warm_rounds=15,
        warm_batch_seconds=0.02,
        server_rounds=3,
        server_seconds=1.5,
        server_max_requests=50_000,
        concurrencies=(1, 8, 32),
        server_modes=("keep-alive", "new connection"),
        generator_rounds=3,
        generator_sizes=(50, 200, 500),
        seed=seed,
    )


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured child: same for all variants.

    Children run with `python -S` (the site hooks of this machine are no part of any
    variant), so site-packages comes through PYTHONPATH. AWS settings are dummies: no
    request leaves the process.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    paths = [str(SRC), str(ROOT), *site.getsitepackages()]
    user_site = site.getusersitepackages()
    if os.path.isdir(user_site):
        paths.append(user_site)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(paths),
            "PYTHONDONTWRITEBYTECODE": "",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "TABLE_NAME": "UsersTable",
            "POWERTOOLS_SERVICE_NAME": "bench",
        }
    )
    env.pop("PYTHONDONTWRITEBYTECODE")
    if extra:
        env.update(extra)
    return env


def python() -> str:
    return sys.executable


def run_child(module: str, payload: str, timeout: int = 1800) -> str:
    """`python -m module payload` from the root, in `child_env()`; the last line of its
    stdout (the child's JSON answer). RuntimeError with the tail of stderr if it failed."""
    completed = subprocess.run(
        [python(), "-m", module, payload],
        cwd=str(ROOT),
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-5:]
        raise RuntimeError(f"{module} child failed: " + " | ".join(tail))
    return completed.stdout.strip().splitlines()[-1]


def our_handlers(spec: Path = SPEC, src: Path = SRC) -> dict[str, tuple[str, str] | str]:
    """operationId -> (module, function) from each operation's `x-handler`, or why not.

    A handler whose module is not in src/ yet maps to the reason (a string).
    """
    import yaml

    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str] | str] = {}
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                continue
            dotted = str(operation.get("x-handler", ""))
            module, _, function = dotted.rpartition(".")
            path = src.joinpath(*module.split(".")).with_suffix(".py")
            if not module:
                out[operation["operationId"]] = "no x-handler"
            elif not path.exists():
                out[operation["operationId"]] = f"src/{path.relative_to(src)} does not exist yet"
            else:
                out[operation["operationId"]] = (module, function)
    return out
