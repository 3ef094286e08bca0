"""`python -m codegen publish`: the bundled document, its checks and the written files."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

from codegen.openapi.document import PRIVATE_EXTENSION_PREFIXES, external_refs
from codegen.openapi.errors import SpecError
from codegen.openapi.loader import read_yaml
from codegen.openapi.published import DEPLOYED_SERVER, published_document
from codegen.publish import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


def keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from keys(item)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["--spec", str(SPEC), "--out", str(out), "--no-clients"]) == 0
    return out


@pytest.fixture()
def spec_copy(tmp_path: Path) -> Path:
    shutil.copyfile(SPEC, tmp_path / "openapi.yaml")
    return tmp_path / "openapi.yaml"


def test_writes_json_yaml_and_page(dist: Path) -> None:
    document = json.loads((dist / "openapi.json").read_text(encoding="utf-8"))
    assert yaml.safe_load((dist / "openapi.yaml").read_text(encoding="utf-8")) == document
    assert list(OpenAPIV30SpecValidator(document).iter_errors()) == []
    assert (dist / "index.html").is_file()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert (dist / "assets" / name).stat().st_size > 1000


def test_document_is_self_contained_and_public(dist: Path) -> None:
    document = json.loads((dist / "openapi.json").read_text(encoding="utf-8"))
    assert external_refs(document) == []
    private = [k for k in keys(document) if k.startswith(PRIVATE_EXTENSION_PREFIXES)]
    assert private == []
    # Everything else survives: operations, components, descriptions.
    source = read_yaml(SPEC)
    assert document["components"]["schemas"] == source["components"]["schemas"]
    assert set(document["paths"]) == set(source["paths"])


def test_servers_are_the_deployed_pattern_then_the_local_one(dist: Path) -> None:
    servers = json.loads((dist / "openapi.json").read_text(encoding="utf-8"))["servers"]
    assert servers[0]["url"] == "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}"
    assert set(servers[0]["variables"]) == {"restApiId", "region", "stage"}
    assert all("default" in v for v in servers[0]["variables"].values())
    assert servers[1:] == read_yaml(SPEC)["servers"]
    assert servers[0] == DEPLOYED_SERVER


def test_page_loads_nothing_from_elsewhere(dist: Path) -> None:
    page = (dist / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(not re.match(r"^[a-z]+:|^//", url) for url in urls), urls
    for url in urls:
        assert (dist / url).is_file(), url


def test_output_is_deterministic(dist: Path, tmp_path: Path) -> None:
    assert main(["--spec", str(SPEC), "--out", str(tmp_path), "--no-clients"]) == 0
    files = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for name in files:
        assert (dist / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_write_published_records_the_document(spec_copy: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "--spec",
                str(spec_copy),
                "--out",
                str(tmp_path / "dist"),
                "--write-published",
                "--no-clients",
            ]
        )
        == 0
    )
    published = tmp_path / "api" / "openapi.published.yaml"
    assert published.read_bytes() == (tmp_path / "dist" / "openapi.yaml").read_bytes()


def test_the_repository_published_spec_is_a_published_document() -> None:
    published = read_yaml(ROOT / "api" / "openapi.published.yaml")
    assert list(OpenAPIV30SpecValidator(published).iter_errors()) == []
    assert [k for k in keys(published) if k.startswith(PRIVATE_EXTENSION_PREFIXES)] == []


# -- examples -----------------------------------------------------------------------------

USER_EXAMPLE = "/paths/~1users~1{id}/get/responses/200/content/application~1json/example"


def _set(document: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    node = document
    for part in parents:
        node = node[part]
    node[last] = value


@pytest.mark.parametrize(
    ("pointer", "value", "detail"),
    [
        # request body example (write view)
        (
            "/paths/~1users/post/requestBody/content/application~1json/example",
            {"name": "Ada", "email": 42},
            "42 is not of type 'string'",
        ),
        # response example (read view), a format
        (USER_EXAMPLE + "/id", "not-a-uuid", "is not a 'uuid'"),
        # response example missing a required field
        (USER_EXAMPLE, {"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"}, "is a required property"),
        # a shared response's example
        (
            "/components/responses/NotFound/content/application~1json/example",
            {"msg": "x"},
            "message",
        ),
        # a schema's own example
        ("/components/schemas/Name/example", "", "should be non-empty"),
    ],
)
def test_bad_example_is_an_error_naming_its_pointer(pointer: str, value: Any, detail: str) -> None:
    document = copy.deepcopy(read_yaml(SPEC))
    _set(document, pointer, value)
    with pytest.raises(SpecError) as caught:
        published_document(document, SPEC)
    assert caught.value.pointer == pointer.removesuffix("/id")
    assert detail in caught.value.message


def test_request_examples_may_omit_read_only_fields() -> None:
    """createUser's example has no `id` (readOnly, required): the write view accepts it."""
    document = published_document(read_yaml(SPEC), SPEC)
    example = document["paths"]["/users"]["post"]["requestBody"]["content"]["application/json"]
    assert "id" not in example["example"]


def test_bad_example_exit_2_one_line(spec_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = spec_copy.read_text(encoding="utf-8")
    bad = text.replace(
        "example: {name: Ada Lovelace, email: ada@example.com}",
        "example: {name: Ada Lovelace, email: 42}",
    )
    assert bad != text
    spec_copy.write_text(bad, encoding="utf-8")
    assert main(["--spec", str(spec_copy), "--out", str(spec_copy.parent / "dist")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "/paths/~1users/post/requestBody/content/application~1json/example" in err
    assert not (spec_copy.parent / "dist").exists()


def test_missing_spec_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--spec", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "d")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_refs_into_other_files_are_inlined(tmp_path: Path) -> None:
    document = copy.deepcopy(read_yaml(SPEC))
    document["components"]["schemas"]["Name"] = {"$ref": "common.yaml#/Name"}
    (tmp_path / "common.yaml").write_text(
        "Name: {type: string, minLength: 1, maxLength: 100, example: Ada}\n", encoding="utf-8"
    )
    result = published_document(document, tmp_path / "openapi.yaml")
    assert result["components"]["schemas"]["Name"]["maxLength"] == 100
    assert external_refs(result) == []
