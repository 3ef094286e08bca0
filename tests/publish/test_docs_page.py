"""The offline reference page: assets from the installed package, no network, safe embedding."""

from __future__ import annotations

import base64
import hashlib
import re

from codegen.publish.docs_page import (
    ASSET_FILES,
    CONTENT_SECURITY_POLICY,
    asset_files,
    assets_dir,
    docs_html,
    render_docs_html,
)


def test_assets_come_from_the_installed_package() -> None:
    folder = assets_dir()
    assert folder.is_dir()
    files = asset_files()
    for name in ASSET_FILES:
        assert files[name].is_file()
    assert "SwaggerUIBundle" in files["swagger-ui-bundle.js"].read_text(encoding="utf-8")


def test_page_points_at_its_assets_and_spec() -> None:
    page = render_docs_html("openapi.json", assets_url="assets", title="Users & co")
    assert '<script src="assets/swagger-ui-bundle.js"></script>' in page
    assert '<link rel="stylesheet" href="assets/swagger-ui.css">' in page
    assert '{"url":"openapi.json"}' in page
    assert "<title>Users &amp; co</title>" in page


def test_server_page_uses_absolute_urls() -> None:
    page = docs_html()
    assert 'src="/docs/swagger-ui-bundle.js"' in page
    assert '{"url":"/openapi.json"}' in page


def test_inline_script_is_allowed_by_hash_and_nothing_external() -> None:
    page = render_docs_html("openapi.json")
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY
    assert "validatorUrl: null" in scripts[0]


def test_embedded_spec_cannot_close_the_script() -> None:
    spec = {"info": {"title": "t", "description": "</script><script>alert(1)</script> <!--"}}
    page = render_docs_html("openapi.json", spec=spec)
    assert page.count("</script>") == 3  # config block, bundle, init
    assert "\\u003c/script\\u003e" in page
