"""Load the OLD / NEW documents of a diff: a spec file, or a git revision (`HEAD~1:openapi.yaml`).

Either way the result is one self-contained, validated OpenAPI 3.0 document: refs into
other files are inlined (read from the same revision for a git source).
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from codegen.openapi.document import FileReader, bundle_external_refs
from codegen.openapi.errors import SpecError
from codegen.openapi.loader import check_version, read_yaml, validate_openapi

_GIT_TIMEOUT_S = 30


def load_source(source: str, *, cwd: Path | None = None) -> dict[str, Any]:
    """The document named by `source`: an existing file, else `REV:PATH` read with git.

    `PATH` is relative to the repository root, as `git show` reads it (`REV:./PATH` is
    relative to `cwd`). Every failure is a `SpecError`.
    """
    base = cwd or Path.cwd()
    path = Path(source) if Path(source).is_absolute() else base / source
    if path.is_file():
        return _load_file(path)
    revision, sep, rev_path = source.partition(":")
    if sep and revision and rev_path:
        return _load_git(revision, rev_path, base)
    raise SpecError(f"{source}: no such file (a git revision is written REV:PATH)")


def _finish(document: Any, read: FileReader, root_file: str, label: str) -> dict[str, Any]:
    try:
        checked = check_version(document)
        bundled = bundle_external_refs(checked, read, root_file)
        validate_openapi(bundled)
    except SpecError as exc:
        raise SpecError(f"{label}: {exc.message}", exc.pointer) from None
    if not isinstance(bundled, dict):  # pragma: no cover - check_version guarantees a dict
        raise SpecError(f"{label}: the document must be a mapping")
    return bundled


def _load_file(path: Path) -> dict[str, Any]:
    root = path.resolve()

    def read(file: str) -> Any:
        return read_yaml(Path(file))

    return _finish(read_yaml(root), read, root.as_posix(), str(path))


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=_GIT_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise SpecError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SpecError(f"git {' '.join(args)} timed out") from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split()) or "failed"
        raise SpecError(f"git {' '.join(args)}: {detail}")
    return done.stdout


def _load_git(revision: str, rev_path: str, cwd: Path) -> dict[str, Any]:
    if rev_path.startswith("./") or rev_path.startswith("../"):
        prefix = _git(["rev-parse", "--show-prefix"], cwd).decode().strip()
        rev_path = posixpath.normpath(posixpath.join(prefix, rev_path))

    with tempfile.TemporaryDirectory(prefix="codegen-diff-") as tmp:

        def read(file: str) -> Any:
            # Written to a file named like the original, so YAML errors name it.
            blob = _git(["show", f"{revision}:{file}"], cwd)
            target = Path(tmp) / posixpath.basename(file)
            target.write_bytes(blob)
            return read_yaml(target)

        return _finish(read(rev_path), read, rev_path, f"{revision}:{rev_path}")
