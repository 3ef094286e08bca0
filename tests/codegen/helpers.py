"""Helpers for the generator's tests: run the CLI, generate into a directory, import the result."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SPECS = Path(__file__).resolve().parent / "specs"
OUR_SPEC = REPO / "openapi.yaml"


def run_codegen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m codegen ARGS` in a fresh process, as a developer or CI runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("CODEGEN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_spec(source: Path, directory: Path, name: str = "openapi.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    shutil.copyfile(source, target)
    return target


def generate(spec: Path) -> None:
    """Generate in-process (fast) beside `spec`."""
    from codegen.openapi.parser import parse_api
    from codegen.render.collect import render_all, write

    api = parse_api(spec)
    write(api.root, render_all(api))


@contextlib.contextmanager
def generated_package(src: Path) -> Iterator[None]:
    """Import `generated.*` from `src` instead of the repository's, then put things back.

    Modules imported inside keep working afterwards: they hold their own globals.
    """
    saved = {name: mod for name, mod in sys.modules.items() if _is_generated(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(src))
    try:
        yield
    finally:
        sys.path.remove(str(src))
        for name in [n for n in sys.modules if _is_generated(n)]:
            del sys.modules[name]
        sys.modules.update(saved)


def load_operations(src: Path, names: list[str]) -> dict[str, ModuleType]:
    with generated_package(src):
        return {name: importlib.import_module(f"generated.operations.{name}") for name in names}


def _is_generated(name: str) -> bool:
    return name == "generated" or name.startswith("generated.")


def event(
    *,
    path: Mapping[str, str] | None = None,
    query: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
    base64: bool = False,
) -> dict[str, Any]:
    """An API Gateway REST proxy event (payload v1) with just what validators read."""
    headers = dict(headers or {})
    return {
        "pathParameters": dict(path) if path else None,
        "queryStringParameters": {k: v[-1] for k, v in query.items() if v} if query else None,
        "multiValueQueryStringParameters": dict(query) if query else None,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "body": body,
        "isBase64Encoded": base64,
    }


def json_event(body: Any, **kwargs: Any) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return event(body=json.dumps(body), headers=headers, **kwargs)


def errors_of(response: Any) -> list[dict[str, str]]:
    """The `errors` of a 400 response (fails the test if it is not one)."""
    assert isinstance(response, dict), f"expected a 400 response, got {response!r}"
    assert response["statusCode"] == 400, response
    body = json.loads(response["body"])
    errors: list[dict[str, str]] = body["errors"]
    named = ", ".join(sorted({e["location"] for e in errors})[:5])
    assert body["message"].startswith(f"Invalid request: {named}"), body["message"]
    return errors


def settings_spec(settings: Any) -> dict[str, Any]:
    """A one-operation spec whose root `x-codegen` is `settings` (tables, secrets, ...)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "x-codegen": settings,
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "x-handler": "things.list_things.handler",
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def write_settings_spec(directory: Path, settings: Any) -> Path:
    """`settings_spec(settings)` as `directory/openapi.yaml`."""
    path = directory / "openapi.yaml"
    path.write_text(yaml.safe_dump(settings_spec(settings), sort_keys=False), encoding="utf-8")
    return path
