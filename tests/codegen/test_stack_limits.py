"""`generate` warns when the template cannot deploy as one stack: more than 500 resources
once SAM expands the functions, or more than 1 MB. The expansion it counts is checked
against aws-sam-translator's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.render.cloudformation.stack_limits import MAX_RESOURCES, deployed_resource_count
from tests.codegen.helpers import SPECS, copy_spec, generate, run_codegen
from tests.support.aws_checks import translate

REPO = Path(__file__).resolve().parents[2]


def _spec(operations: int) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "many", "version": "1"},
        "paths": {
            f"/things{number}": {
                "get": {
                    "operationId": f"getThing{number}",
                    "responses": {"200": {"description": "ok"}},
                }
            }
            for number in range(operations)
        },
    }


@pytest.mark.parametrize(
    "source", [REPO / "openapi.yaml", SPECS / "authorizers.yaml"], ids=["users", "authorizers"]
)
def test_the_count_is_what_sam_translates_to(source: Path, tmp_path: Path) -> None:
    generate(copy_spec(source, tmp_path))
    template = (tmp_path / "template.yaml").read_text(encoding="utf-8")
    assert deployed_resource_count(template) == len(translate(template)["Resources"])


@pytest.mark.slow
def test_too_many_operations_for_one_stack_is_one_warning_line(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(_spec(45)), encoding="utf-8")
    result = run_codegen("--spec", "openapi.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, result.stderr
    assert f"CloudFormation allows {MAX_RESOURCES}" in warnings[0]
    assert (tmp_path / "template.yaml").is_file()


def test_a_small_spec_gets_no_warning(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(_spec(3)), encoding="utf-8")
    result = run_codegen("--spec", "openapi.yaml", cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
