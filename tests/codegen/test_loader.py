"""openapi/loader.py and openapi/refs.py: reading the YAML, and the checks made before parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.errors import SpecError
from codegen.openapi.loader import check_refs, check_version, load_document, read_yaml
from codegen.openapi.refs import follow_refs, resolve_pointer


def test_read_yaml_refuses_duplicate_keys(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: a}\ninfo: {title: b}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        read_yaml(spec)
    assert "info" in str(caught.value)


def test_read_yaml_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError):
        read_yaml(tmp_path / "absent.yaml")


@pytest.mark.parametrize("version", ["2.0", "3.1.0", None])
def test_only_openapi_3_0_is_accepted(version: Any) -> None:
    with pytest.raises(SpecError):
        check_version({"openapi": version, "info": {}, "paths": {}})
    assert check_version({"openapi": "3.0.3", "info": {}, "paths": {}})["openapi"] == "3.0.3"


def test_a_dangling_ref_is_reported_where_it_is() -> None:
    document = {"paths": {"/a": {"$ref": "#/components/pathItems/nowhere"}}}
    with pytest.raises(SpecError) as caught:
        check_refs(document)
    assert caught.value.pointer == "/paths/~1a/$ref"


def test_pointers_unescape_their_tokens() -> None:
    document = {"paths": {"/a/{id}": {"get": ["x", "y"]}}}
    assert resolve_pointer(document, "/paths/~1a~1{id}/get/1") == "y"
    assert resolve_pointer(document, "") is document
    with pytest.raises(KeyError):
        resolve_pointer(document, "/paths/~1b")


def test_ref_chains_are_followed_and_cycles_refused() -> None:
    document: dict[str, Any] = {
        "components": {
            "parameters": {
                "A": {"$ref": "#/components/parameters/B"},
                "B": {"name": "b", "in": "query"},
                "C": {"$ref": "#/components/parameters/D"},
                "D": {"$ref": "#/components/parameters/C"},
            }
        }
    }
    node, pointer = follow_refs(document, {"$ref": "#/components/parameters/A"}, "/here")
    assert node == {"name": "b", "in": "query"}
    assert pointer == "/components/parameters/B"
    with pytest.raises(SpecError, match="cycle"):
        follow_refs(document, {"$ref": "#/components/parameters/C"}, "/here")


def test_load_document_checks_the_whole_spec(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        load_document(spec)
    assert caught.value.pointer.startswith("/paths/~1a/get")
