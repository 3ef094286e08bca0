"""Render the static run-time modules of `src/generated/` (the same for every spec)."""

from __future__ import annotations

from pathlib import Path

from codegen.openapi.model import Api
from codegen.render.cors import cors_headers
from codegen.render.templating import header, render

GENERATED = Path("src/generated")


def render_runtime(api: Api) -> dict[Path, str]:
    head = header(api.spec_path.name)
    return {
        GENERATED / "__init__.py": render(
            "package_init.py.j2",
            header=head,
            doc="Code rendered from the spec by `python -m codegen`; imported by the handlers.",
        ),
        GENERATED / "runtime.py": render("runtime.py.j2", header=head, cors=cors_headers(api)),
        GENERATED / "validation.py": render("validation.py.j2", header=head),
    }
