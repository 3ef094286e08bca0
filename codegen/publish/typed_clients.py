"""Typed clients generated from the published document, written beside it by `publish`.

- `python/`: a package from openapi-python-client (pinned, in its own venv
  `.tools/openapi-python-client`, as the SAM CLI is: it pins its own dependencies);
- `typescript/`: `schema.d.ts` from openapi-typescript, and `example.ts`, openapi-fetch in
  use with those types and the API's credentials.

The generators are the checkout's own (installed by `make install`), run by their path and
never found through PATH. openapi-python-client formats its output with `ruff` found on its
PATH, so its PATH starts with its own venv's `bin/` (ruff is one of its dependencies).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
PYTHON_GENERATOR_VENV = CHECKOUT / ".tools" / "openapi-python-client"
OPENAPI_TYPESCRIPT = CHECKOUT / "node_modules" / ".bin" / "openapi-typescript"
TYPESCRIPT_EXAMPLE = Path(__file__).with_name("example.ts")
CLIENTS_SUBDIR = "clients"
GENERATOR_TIMEOUT_SECONDS = 300


class ClientGenerationError(Exception):
    """A generator is missing or failed; the message is one line."""


@dataclass(frozen=True)
class Generator:
    name: str
    executable: Path

    def require(self) -> Path:
        if not (self.executable.is_file() and os.access(self.executable, os.X_OK)):
            raise ClientGenerationError(
                f"{self.name} is not installed at {self.executable}: run `make install` "
                "(or publish with --no-clients)"
            )
        return self.executable


PYTHON_GENERATOR = Generator(
    "openapi-python-client", PYTHON_GENERATOR_VENV / "bin" / "openapi-python-client"
)
TYPESCRIPT_GENERATOR = Generator("openapi-typescript", OPENAPI_TYPESCRIPT)


def write_clients(document_file: Path, out_dir: Path) -> list[Path]:
    """Both clients from the published `document_file`, under `out_dir/clients/`."""
    clients = out_dir / CLIENTS_SUBDIR
    return [
        *write_python_client(document_file, clients / "python"),
        *write_typescript_client(document_file, clients / "typescript"),
    ]


def write_python_client(document_file: Path, target: Path) -> list[Path]:
    executable = PYTHON_GENERATOR.require()
    _replace(target)
    env = {
        **os.environ,
        # Its post-hooks run `ruff`: the one in its own venv, whatever this machine's PATH has.
        "PATH": os.pathsep.join([str(executable.parent), os.environ.get("PATH", "")]),
        "RUFF_NO_CACHE": "true",  # no .ruff_cache inside the package
    }
    _run(
        PYTHON_GENERATOR.name,
        [
            str(executable),
            "generate",
            "--path",
            str(document_file.resolve()),
            "--output-path",
            str(target.resolve()),
            "--meta",
            "setup",  # setup.py: `pip install dist/clients/python` needs nothing else
        ],
        env,
    )
    return sorted(path for path in target.rglob("*") if path.is_file())


def write_typescript_client(document_file: Path, target: Path) -> list[Path]:
    executable = TYPESCRIPT_GENERATOR.require()
    _replace(target)
    schema = target / "schema.d.ts"
    _run(
        TYPESCRIPT_GENERATOR.name,
        [str(executable), str(document_file.resolve()), "--output", str(schema.resolve())],
        dict(os.environ),
    )
    example = target / TYPESCRIPT_EXAMPLE.name
    shutil.copyfile(TYPESCRIPT_EXAMPLE, example)
    return [schema, example]


def _replace(target: Path) -> None:
    """An empty `target`: a client of an older document must not leave files behind."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)


def _run(name: str, argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(
            argv,
            env=env,
            capture_output=True,
            text=True,
            timeout=GENERATOR_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ClientGenerationError(
            f"{name} did not finish in {GENERATOR_TIMEOUT_SECONDS} s"
        ) from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        last = lines[-1].strip() if lines else "no output"
        raise ClientGenerationError(f"{name} failed (exit {done.returncode}): {last}")
