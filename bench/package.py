"""Package size: the Lambda code as `sam build` packages it (one function's folder)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench import config
from bench.results import Package

Log = Callable[[str], None]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache")


def folder_size(folder: Path) -> tuple[int, int, list[tuple[str, int]]]:
    """Bytes, files, and bytes per top-level entry (largest first)."""
    total = files = 0
    per_entry: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            files += 1
            top = path.relative_to(folder).parts[0]
            per_entry[top] = per_entry.get(top, 0) + size
    return total, files, sorted(per_entry.items(), key=lambda kv: (-kv[1], kv[0]))


def zipped_size(folder: Path) -> int:
    """Size of the deployment zip (deflate), as `sam deploy` would upload it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getbuffer().nbytes


def run(log: Log) -> Package:
    if not config.SAM.exists():
        return Package(
            skipped=f"{config.SAM.relative_to(config.ROOT)} is missing (run `make install`)"
        )
    if not (config.ROOT / "template.yaml").exists():
        return Package(skipped="template.yaml does not exist yet (run `python -m codegen`)")
    log("package: sam build")
    with tempfile.TemporaryDirectory(prefix="bench-sam-") as tmp:
        work = Path(tmp) / "project"
        work.mkdir()
        for name in ("template.yaml", "openapi.yaml", "requirements.txt"):
            if (config.ROOT / name).exists():
                shutil.copy2(config.ROOT / name, work / name)
        shutil.copytree(config.SRC, work / "src", ignore=IGNORE)
        build = Path(tmp) / "build"
        env = dict(os.environ, SAM_CLI_TELEMETRY="0")
        # sam build (lang python3.11) resolves `python3.11` on PATH: the venv's bin has one.
        env["PATH"] = os.pathsep.join([str(Path(config.python()).parent), env.get("PATH", "")])
        start = time.perf_counter()
        completed = subprocess.run(
            [
                str(config.SAM),
                "build",
                "--build-dir",
                str(build),
                "--template",
                str(work / "template.yaml"),
            ],
            cwd=str(work),
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        seconds = time.perf_counter() - start
        if completed.returncode != 0:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            return Package(skipped="sam build failed: " + " | ".join(tail))
        functions = [p for p in build.iterdir() if p.is_dir()]
        if not functions:
            return Package(skipped="sam build produced no function folder")
        biggest = max(functions, key=lambda p: folder_size(p)[0])
        total, files, largest = folder_size(biggest)
        return Package(
            functions=len(functions),
            unzipped_bytes=total,
            zipped_bytes=zipped_size(biggest),
            files=files,
            largest=largest[:8],
            build_seconds=seconds,
        )
