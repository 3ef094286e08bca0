"""Render the run-time modules of `src/generated/` that every spec shares.

They are plain Python in `lambda_runtime/`, copied verbatim after the generated header
(`runtime_source`); what the spec decides for them (the CORS headers) is rendered into the
package's `__init__.py`, which any import of `generated.*` loads anyway.
"""

from __future__ import annotations

from pathlib import Path

from codegen.openapi.model import Api
from codegen.render.cors import cors_headers
from codegen.render.templating import header, render

GENERATED = Path("src/generated")
LAMBDA_RUNTIME = Path(__file__).parent / "lambda_runtime"


def runtime_source(name: str, head: str) -> str:
    """`lambda_runtime/<name>`, verbatim, after the generated header."""
    return head + "\n" + (LAMBDA_RUNTIME / name).read_text(encoding="utf-8")


def render_runtime(api: Api) -> dict[Path, str]:
    head = header(api.spec_path.name)
    return {
        GENERATED / "__init__.py": render(
            "generated_package.py.j2", header=head, cors=cors_headers(api)
        ),
        GENERATED / "runtime.py": runtime_source("runtime.py", head),
        GENERATED / "validation.py": runtime_source("validation.py", head),
    }
