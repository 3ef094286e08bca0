"""The offline API reference page: Swagger UI from the PyPI package `swagger-ui-bundle`.

Nothing is fetched from a CDN: the page loads Swagger UI's JavaScript and CSS from
`assets_url` (the files of `assets_dir()`, copied beside the page by `publish`, served
under `/docs/` by the local server) and the spec from `spec_url` or embedded in the page.
A Content-Security-Policy allows only same-origin scripts, styles, images and fetches,
so the page cannot reach the network even if a future Swagger UI tried (its validator
badge, for one, is switched off).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codegen.openapi.errors import SpecError

# The files the page needs (Swagger UI's vendor folder has more: maps, ES builds).
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")
# Where the local server serves the page and its assets (`/docs`, `/docs/<asset>`), and
# the spec (`/openapi.json`).
SERVER_DOCS_PATH = "/docs"
SERVER_SPEC_URL = "/openapi.json"

# Reads its options from the JSON block `docs-config`, so the script is constant and the
# policy below can allow exactly it by hash.
_INIT_SCRIPT = """
(function () {
  var config = JSON.parse(document.getElementById("docs-config").textContent);
  var options = {
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  };
  if (config.spec) { options.spec = config.spec; } else { options.url = config.url; }
  window.ui = SwaggerUIBundle(options);
})();
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_INIT_SCRIPT.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' 'sha256-{_SCRIPT_HASH}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


def assets_dir() -> Path:
    """Swagger UI's files, as the installed `swagger-ui-bundle` package ships them
    (`swagger_ui_bundle/vendor/swagger-ui-<version>/`)."""
    spec = importlib.util.find_spec("swagger_ui_bundle")
    locations = list(spec.submodule_search_locations or []) if spec else []
    folders = sorted(
        (folder for base in locations for folder in Path(base).glob("vendor/swagger-ui-*")),
        key=lambda folder: _version_key(folder.name),
    )
    if not folders:
        raise SpecError(
            "the docs page needs the Python package swagger-ui-bundle (pip install -e '.[dev]')"
        )
    return folders[-1]


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def asset_files() -> dict[str, Path]:
    """Name -> file of every asset the page loads, plus Swagger UI's licence when found."""
    folder = assets_dir()
    files = {name: folder / name for name in ASSET_FILES}
    missing = [name for name, path in files.items() if not path.is_file()]
    if missing:
        raise SpecError(
            f"swagger-ui-bundle is incomplete: {', '.join(missing)} missing in {folder}"
        )
    licence = _licence_file()
    if licence is not None:
        files["LICENSE-swagger-ui.txt"] = licence
    return files


def _licence_file() -> Path | None:
    from importlib import metadata

    try:
        dist = metadata.distribution("swagger-ui-bundle")
    except metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if entry.name == "LICENSE":
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    return None


def render_docs_html(
    spec_url: str,
    *,
    assets_url: str = "assets",
    title: str = "API reference",
    spec: Mapping[str, Any] | None = None,
) -> str:
    """The page: Swagger UI rendering `spec` (embedded) if given, else the one at `spec_url`.

    `assets_url` is where the page finds `ASSET_FILES`, relative to the page or absolute.
    Embedding makes the page work when opened straight from disk (`file://`), where a
    browser refuses to fetch a neighbouring file.
    """
    config: dict[str, Any] = {"url": spec_url}
    if spec is not None:
        config["spec"] = spec
    base = assets_url.rstrip("/")
    return _PAGE.format(
        title=html.escape(title),
        csp=html.escape(CONTENT_SECURITY_POLICY),
        css=html.escape(f"{base}/swagger-ui.css"),
        icon32=html.escape(f"{base}/favicon-32x32.png"),
        icon16=html.escape(f"{base}/favicon-16x16.png"),
        bundle=html.escape(f"{base}/swagger-ui-bundle.js"),
        config=_script_json(config),
        init=_INIT_SCRIPT,
    )


def docs_html() -> str:
    """The page as the local server serves it: `/docs`, assets under `/docs/`, the spec at
    `/openapi.json`."""
    return render_docs_html(SERVER_SPEC_URL, assets_url=SERVER_DOCS_PATH)


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no `</script>`, no `<!--`)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" type="image/png" href="{icon32}" sizes="32x32">
<link rel="icon" type="image/png" href="{icon16}" sizes="16x16">
<style>body {{ margin: 0; background: #fafafa; }}</style>
</head>
<body>
<div id="swagger-ui"></div>
<script id="docs-config" type="application/json">{config}</script>
<script src="{bundle}"></script>
<script>{init}</script>
</body>
</html>
"""
