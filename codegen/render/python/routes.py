"""Render `src/generated/routes.py`: the route table, in spec order."""

from __future__ import annotations

from pathlib import Path

from codegen.openapi.model import Api
from codegen.render.templating import header, render

ROUTES_FILE = Path("src/generated/routes.py")


def render_routes(api: Api) -> dict[Path, str]:
    return {
        ROUTES_FILE: render(
            "routes.py.j2",
            header=header(api.spec_path.name),
            api=api,
            spec_file=api.spec_path.name,
        )
    }
