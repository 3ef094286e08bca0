"""`python -m codegen diff OLD NEW`: output and exit codes (0 ok, 1 breaking, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codegen.diff import main
from tests.diff.base_spec import base


def write(path: Path, data: object) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def test_no_changes_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "a.yaml", base())
    assert main([spec, spec]) == 0
    assert capsys.readouterr().out == "no changes\n"


def test_compatible_changes_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = base()
    new["paths"]["/items"]["get"]["summary"] = "Lists items"
    assert main([write(tmp_path / "a.yaml", base()), write(tmp_path / "b.yaml", new)]) == 0
    out = capsys.readouterr().out
    assert "ok        /paths/~1items/get/summary  [documentation-changed]" in out
    assert out.endswith("1 change, 0 breaking\n")


def test_breaking_change_exit_1_with_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = base()
    del new["paths"]["/items/{id}"]["delete"]
    assert main([write(tmp_path / "a.yaml", base()), write(tmp_path / "b.yaml", new)]) == 1
    out = capsys.readouterr().out
    assert (
        "BREAKING  /paths/~1items~1{id}/delete  [method-removed] DELETE /items/{id} removed" in out
    )


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = base()
    new["components"]["schemas"]["NewItem"]["properties"]["size"]["maximum"] = 5
    assert (
        main(["--json", write(tmp_path / "a.yaml", base()), write(tmp_path / "b.yaml", new)]) == 1
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["breaking"] == 1
    assert payload["changes"] == [
        {
            "pointer": "/paths/~1items/post/requestBody/content/application~1json/schema"
            "/properties/size/maximum",
            "rule": "request-maximum-lowered",
            "breaking": True,
            "message": "maximum lowered from 10 to 5",
        }
    ]


@pytest.mark.parametrize(
    "argv",
    [[], ["only-one.yaml"], ["a.yaml", "b.yaml", "--against-published"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "give OLD and NEW" in capsys.readouterr().err


def test_bad_input_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("openapi: 3.0.3\npaths: {\n", encoding="utf-8")
    assert main([str(tmp_path / "bad.yaml"), write(tmp_path / "b.yaml", base())]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "Traceback" not in err
