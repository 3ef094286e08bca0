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
    from codegen.publish import docs_page

    site = load_docs_site(docs_page)
    assert site is not None, "codegen.publish.docs_page or swagger-ui-bundle is not installed"
    assert "swagger-ui-bundle.js" in site.page_html()
    assert (site.assets_dir / "swagger-ui-bundle.js").is_file()


def test_without_the_docs_page_there_is_no_docs_site() -> None:
    assert load_docs_site(None) is None


def test_the_command_line_hands_serve_the_docs_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve imports no publish module: `python -m codegen serve` gets it from codegen.cli."""
    import codegen.serve
    from codegen import cli
    from codegen.publish import docs_page

    seen: list[object] = []

    def fake_main(argv: list[str], docs_page: object = None) -> int:
        seen.append(docs_page)
        return 0

    monkeypatch.setattr(codegen.serve, "main", fake_main)
    assert cli.main(["serve", "--port", "0"]) == 0
    assert seen == [docs_page]
