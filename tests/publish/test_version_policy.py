"""The version policy: unit tests on pairs, and the check CI runs on the real repository."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.diff import check_version_policy, load_source
from codegen.diff.cli import main as diff_main
from codegen.diff.report import format_text
from codegen.openapi.published import PUBLISHED_SPEC, load_spec, published_document
from codegen.publish import main as publish_main
from tests.diff.base_spec import base

ROOT = Path(__file__).resolve().parents[2]


def with_version(doc: dict[str, Any], version: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["info"]["version"] = version
    return doc


def breaking_change(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    del doc["paths"]["/items/{id}"]["delete"]
    return doc


def compatible_change(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["paths"]["/items"]["get"]["summary"] = "Lists the items"
    return doc


def renamed_component(doc: dict[str, Any]) -> dict[str, Any]:
    """Same API, another component name: no diff, but the document (and clients) change."""
    doc = copy.deepcopy(doc)
    schemas = doc["components"]["schemas"]
    schemas["ItemPage"] = schemas.pop("ItemList")
    media = doc["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"]
    media["schema"]["$ref"] = "#/components/schemas/ItemPage"
    return doc


@pytest.mark.parametrize(
    ("new", "ok", "problem"),
    [
        (base(), True, None),
        (with_version(base(), "1.0.1"), True, None),
        (compatible_change(base()), False, "bump it"),
        (with_version(compatible_change(base()), "1.0.1"), True, None),
        (with_version(compatible_change(base()), "1.1.0"), True, None),
        (renamed_component(base()), False, "the document changed"),
        (with_version(renamed_component(base()), "1.0.1"), True, None),
        (breaking_change(base()), False, "need a major version bump (to 2.0.0)"),
        (with_version(breaking_change(base()), "1.1.0"), False, "need a major version bump"),
        (with_version(breaking_change(base()), "2.0.0"), True, None),
        (with_version(base(), "0.9.0"), False, "went down"),
        (with_version(compatible_change(base()), "v1.0.1"), False, "not MAJOR.MINOR.PATCH"),
    ],
    ids=[
        "unchanged",
        "only-version-bumped",
        "changed-no-bump",
        "changed-patch-bump",
        "changed-minor-bump",
        "component-renamed-no-bump",
        "component-renamed-bump",
        "breaking-no-bump",
        "breaking-minor-bump",
        "breaking-major-bump",
        "version-down",
        "not-semver",
    ],
)
def test_policy(new: dict[str, Any], ok: bool, problem: str | None) -> None:
    verdict = check_version_policy(base(), new)
    assert verdict.ok is ok, verdict.problems
    if problem is not None:
        assert any(problem in p for p in verdict.problems), verdict.problems


def test_repository_spec_respects_the_version_policy() -> None:
    """CI: openapi.yaml against api/openapi.published.yaml (the last published spec).

    Fails when openapi.yaml changed without an info.version bump, or broke clients without a
    major bump. Fix: bump info.version in openapi.yaml; when releasing, run
    `python -m codegen publish --write-published` to record the new published spec.
    """
    document, spec_path = load_spec(ROOT / "openapi.yaml")
    current = published_document(document, spec_path)
    published = load_source(str(ROOT / PUBLISHED_SPEC))
    verdict = check_version_policy(published, current)
    assert verdict.ok, "\n".join(verdict.problems) + "\n" + format_text(verdict.changes)


def test_against_published_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "openapi.yaml"
    shutil.copyfile(ROOT / "openapi.yaml", spec)
    assert (
        publish_main(
            [
                "--spec",
                str(spec),
                "--out",
                str(tmp_path / "dist"),
                "--write-published",
                "--no-clients",
            ]
        )
        == 0
    )
    assert diff_main(["--against-published", "--spec", str(spec)]) == 0
    assert "version policy: ok" in capsys.readouterr().err

    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("summary: Delete a user", "summary: Delete one user"), encoding="utf-8"
    )
    assert diff_main(["--against-published", "--spec", str(spec)]) == 1
    captured = capsys.readouterr()
    assert "/paths/~1users~1{id}/delete/summary" in captured.out
    assert "bump it" in captured.err

    current = yaml.safe_load(text)["info"]["version"]  # whatever the spec is at now
    major, minor, patch = (int(part) for part in current.split("."))
    bumped = spec.read_text(encoding="utf-8").replace(
        f"version: {current}", f"version: {major}.{minor}.{patch + 1}", 1
    )
    spec.write_text(bumped, encoding="utf-8")
    assert diff_main(["--against-published", "--spec", str(spec)]) == 0


def test_against_published_without_published_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "openapi.yaml"
    shutil.copyfile(ROOT / "openapi.yaml", spec)
    assert diff_main(["--against-published", "--spec", str(spec)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
