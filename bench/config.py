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

OURS = "ours"
INTERPRETER = "interpreter"
# (name, label, module): each module's `handler` serves every operation; ours is resolved
# per operation from the spec (one function per operation, as deployed).
ALTERNATIVES: tuple[tuple[str, str, str], ...] = (
    ("bare", "bare handler", "bench.alternatives.bare"),
    ("chalice", "Chalice", "bench.alternatives.chalice_app"),
    ("powertools", "Powertools + pydantic", "bench.alternatives.powertools_app"),
    ("openapi_core", "openapi-core", "bench.alternatives.openapi_core_app"),
)
BARE = "bare"
# The frameworks: ours must be no slower (cold) and faster (warm) than each.
FRAMEWORKS = ("chalice", "powertools", "openapi_core")
VARIANTS = (OURS, BARE, *FRAMEWORKS)
LABELS = {
    OURS: "ours (generated)",
    INTERPRETER: "python, nothing imported",
    **{name: label for name, label, _ in ALTERNATIVES},
}


@dataclass(frozen=True)
class Settings:
    quick: bool
    cold_rounds: int
    warm_rounds: int
    warm_batch_seconds: float
    generator_rounds: int
    generator_sizes: tuple[int, ...]
    seed: int = 5
    generator_baseline: str | None = None  # a commit whose generator is timed alongside

    def as_dict(self) -> dict[str, Any]:
        """JSON-shaped: tuples become lists."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def settings(quick: bool, seed: int = 5, generator_baseline: str | None = None) -> Settings:
    if quick:
        return Settings(
            quick=True,
            cold_rounds=3,
            warm_rounds=5,
            warm_batch_seconds=0.004,
            generator_rounds=1,
            generator_sizes=(50, 500),
            seed=seed,
            generator_baseline=generator_baseline,
        )
    return Settings(
        quick=False,
        cold_rounds=11,
        warm_rounds=15,
        warm_batch_seconds=0.02,
        generator_rounds=3,
        generator_sizes=(50, 200, 500),
        seed=seed,
        generator_baseline=generator_baseline,
    )


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured child: same for all variants.

    Children run with `python -S` (the site hooks of this machine are no part of any
    variant), so site-packages comes through PYTHONPATH. AWS settings are dummies: no
    request leaves the process.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.pop("SERVICE_NAME", None)  # the metrics' Service dimension: the default for all
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
            "EMAILS_TABLE_NAME": "EmailsTable",
            "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
            "CURSOR_SECRET": "bench-cursor-secret",
            "POWERTOOLS_SERVICE_NAME": "bench",
        }
    )
    env.pop("PYTHONDONTWRITEBYTECODE")
    if extra:
        env.update(extra)
    return env


def python() -> str:
    return sys.executable


def run_child(
    module: str, payload: str, timeout: int = 1800, env: dict[str, str] | None = None
) -> str:
    """`python -m module payload` from the root, in `child_env(env)`; the last line of its
    stdout (the child's JSON answer). RuntimeError with the tail of stderr if it failed."""
    completed = subprocess.run(
        [python(), "-m", module, payload],
        cwd=str(ROOT),
        env=child_env(env),
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
