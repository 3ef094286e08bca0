"""The API reference page at `/docs` and its assets at `/docs/<asset>` (a local extra).

The page comes from the publishing work, `codegen.publish.docs_page`: `docs_html()` (the HTML,
which loads its assets from `/docs/` and the spec from `/openapi.json`) and `assets_dir()`
(Swagger UI's files). serve does not import publish (the stages import one way,
tests/codegen/test_layers.py): the command line, which imports every stage, hands that
module to `load_docs_site`. Without it, or without its assets (the `swagger-ui-bundle`
package), `load_docs_site()` returns None and the router answers `/docs` like any unknown
path.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

DOCS_PREFIX = "/docs"

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


class DocsPage(Protocol):
    """What the docs site needs of `codegen.publish.docs_page`."""

    def docs_html(self) -> str: ...

    def assets_dir(self) -> Path: ...


def load_docs_site(page: DocsPage | None) -> DocsSite | None:
    """The docs site from `page` (`codegen.publish.docs_page`, given by the command line),
    or None (route disabled) without it or without Swagger UI's files."""
    if page is None:
        return None
    try:
        directory = Path(page.assets_dir())
    except Exception as error:  # e.g. swagger-ui-bundle not installed
        log.warning("/docs disabled: %s", getattr(error, "message", error))
        return None
    return DocsSite(page_html=page.docs_html, assets_dir=directory)
