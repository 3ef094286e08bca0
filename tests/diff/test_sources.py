"""Loading OLD/NEW: spec files (with refs into other files) and git revisions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from codegen.diff import diff_documents, load_source
from codegen.openapi.errors import SpecError
from tests.diff.base_spec import base

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_file_source(tmp_path: Path) -> None:
    spec = write(tmp_path / "openapi.yaml", base())
    assert load_source(str(spec)) == base()
    assert load_source("openapi.yaml", cwd=tmp_path) == base()


def test_refs_into_other_files_are_inlined(tmp_path: Path) -> None:
    doc = base()
    doc["components"]["schemas"]["Item"] = {"$ref": "schemas/item.yaml#/Item"}
    write(tmp_path / "openapi.yaml", doc)
    item = base()["components"]["schemas"]["Item"]
    item["properties"]["owner"] = {"$ref": "#/Owner"}  # internal to item.yaml
    write(tmp_path / "schemas" / "item.yaml", {"Item": item, "Owner": {"type": "string"}})
    loaded = load_source(str(tmp_path / "openapi.yaml"))
    assert loaded["components"]["schemas"]["Item"]["properties"]["owner"] == {"type": "string"}
    changes = diff_documents(base(), loaded)
    assert [c.rule for c in changes if c.rule == "response-field-added"]
    assert not [c for c in changes if c.breaking]


def test_circular_refs_between_files_are_an_error(tmp_path: Path) -> None:
    doc = base()
    doc["components"]["schemas"]["Item"] = {"$ref": "a.yaml#/A"}
    write(tmp_path / "openapi.yaml", doc)
    write(tmp_path / "a.yaml", {"A": {"$ref": "b.yaml#/B"}})
    write(tmp_path / "b.yaml", {"B": {"$ref": "a.yaml#/A"}})
    with pytest.raises(SpecError, match="circular"):
        load_source(str(tmp_path / "openapi.yaml"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("openapi: 3.0.3\ninfo: [unclosed", "not valid YAML"),
        ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "3.1.0 is not supported"),
        ("openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n", "invalid OpenAPI"),
        ("- a list\n", "must be a mapping"),
    ],
)
def test_bad_input_is_a_spec_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_source(str(tmp_path / "bad.yaml"))


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        load_source(str(tmp_path / "nope.yaml"))


@needs_git
def test_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    doc = base()
    doc["components"]["schemas"]["Item"] = {"$ref": "schemas/item.yaml#/Item"}
    write(repo / "api" / "openapi.yaml", doc)
    write(repo / "api" / "schemas" / "item.yaml", {"Item": base()["components"]["schemas"]["Item"]})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1")
    # v2 changes only the referenced file: the git loader must read it at each revision.
    item = base()["components"]["schemas"]["Item"]
    del item["properties"]["note"]
    write(repo / "api" / "schemas" / "item.yaml", {"Item": item})
    git(repo, "commit", "-q", "-am", "v2")

    old = load_source("HEAD~1:api/openapi.yaml", cwd=repo)
    new = load_source("HEAD:api/openapi.yaml", cwd=repo)
    assert old["components"]["schemas"]["Item"] == base()["components"]["schemas"]["Item"]
    assert [c.rule for c in diff_documents(old, new) if c.breaking] == [
        "response-field-removed"
    ] * 3
    # REV:./PATH is relative to the working directory, as in git itself.
    assert load_source("HEAD~1:./openapi.yaml", cwd=repo / "api") == old
    # The working tree is a file source.
    assert load_source("api/openapi.yaml", cwd=repo) == new


@needs_git
def test_bad_git_revision_is_a_spec_error(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(SpecError, match="git show"):
        load_source("HEAD:openapi.yaml", cwd=tmp_path)
