"""The /docs hook: the page and its assets when codegen.publish.docs_page is usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import Client

from codegen.serve.docs_hook import DocsSite, load_docs_site
from codegen.serve.handlers import HandlerResolver
from codegen.serve.local_gateway import LocalGateway
from codegen.serve.routing import RouteMatcher
from tests.serve.fake_routes import DEFINITION, ROUTES


@pytest.fixture
def client(tmp_path: Path) -> Client:
    (tmp_path / "app.css").write_text("body{}")
    site = DocsSite(page_html=lambda: "<html>docs</html>", assets_dir=tmp_path)
    return Client(LocalGateway(RouteMatcher(ROUTES), HandlerResolver(), DEFINITION, docs=site))


def test_page_and_assets(client: Client) -> None:
    page = client.get("/docs")
    assert (page.status_code, page.get_data(as_text=True)) == (200, "<html>docs</html>")
    assert page.headers["Content-Type"].startswith("text/html")
    asset = client.get("/docs/app.css")
    assert (asset.status_code, asset.get_data()) == (200, b"body{}")
    assert asset.headers["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("path", ["/docs/missing.js", "/docs/../secret", "/docs/%2e%2e/x"])
def test_missing_or_escaping_assets_are_not_found(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_real_docs_page_module_is_wired() -> None:
    # swagger-ui-bundle is a pinned dev dependency: its absence is a broken install, not a skip.
    site = load_docs_site()
    assert site is not None, "codegen.publish.docs_page or swagger-ui-bundle is not installed"
    assert "swagger-ui-bundle.js" in site.page_html()
    assert (site.assets_dir / "swagger-ui-bundle.js").is_file()
