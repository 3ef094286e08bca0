"""The API reference page at `/docs` and its assets at `/docs/<asset>` (a local extra).

The page comes from the publishing work: `codegen.publish.docs_page.docs_html()` (the HTML, which
loads its assets from `/docs/` and the spec from `/openapi.json`) and
`codegen.publish.docs_page.assets_dir()` (Swagger UI's files). Without that module, or without
its assets (the `swagger-ui-bundle` package), `load_docs_site()` returns None and the
router answers `/docs` like any unknown path.
"""

from __future__ import annotations

import importlib
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

DOCS_PREFIX = "/docs"
DOCS_PAGE_MODULE = "codegen.publish.docs_page"

log = logging.getLogger("codegen.serve")


@dataclass(frozen=True)
class DocsSite:
    page_html: Callable[[], str]  # the /docs HTML page
    assets_dir: Path  # served under /docs/<asset>

    def response(self, path: str) -> Response | None:
        """The page or an asset for a GET under /docs, or None when there is none."""
        if path in (DOCS_PREFIX, DOCS_PREFIX + "/"):
            return Response(self.page_html(), content_type="text/html; charset=utf-8")
        if not path.startswith(DOCS_PREFIX + "/"):
            return None
        # safe_join refuses `..` and absolute parts: nothing outside assets_dir is served.
        asset = safe_join(str(self.assets_dir), unquote(path[len(DOCS_PREFIX) + 1 :]))
        if asset is None or not Path(asset).is_file():
            return None
        kind = mimetypes.guess_type(asset)[0] or "application/octet-stream"
        return Response(Path(asset).read_bytes(), content_type=kind)


def load_docs_site() -> DocsSite | None:
    """The docs site when `codegen.publish.docs_page` is installed, else None (route disabled)."""
    try:
        module = importlib.import_module(DOCS_PAGE_MODULE)
    except ImportError:
        return None
    page = getattr(module, "docs_html", None)
    assets = getattr(module, "assets_dir", None)
    if not callable(page) or not callable(assets):
        log.warning("%s lacks docs_html()/assets_dir(): /docs disabled", DOCS_PAGE_MODULE)
        return None
    try:
        directory = Path(assets())
    except Exception as error:  # e.g. swagger-ui-bundle not installed
        log.warning("/docs disabled: %s", getattr(error, "message", error))
        return None
    return DocsSite(page_html=page, assets_dir=directory)
