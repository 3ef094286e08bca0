"""Root `x-codegen`: its keys, and `secrets` (logical id -> environment, description)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen.openapi.errors import SpecError
from codegen.openapi.model import Secret
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.sam import SECRETS_KEY, build_template
from tests.codegen.helpers import OUR_SPEC, run_codegen, write_settings_spec

TABLES = {"Things": {"partitionKey": {"name": "id", "type": "S"}, "environment": "TABLE_NAME"}}


def test_our_spec_declares_the_cursor_secret() -> None:
    assert parse_api(OUR_SPEC).secrets == (
        Secret(
            "CursorSecret",
            "CURSOR_SECRET",
            "Signs the pagination cursors (next_token) so a tampered one is refused.",
        ),
    )


def test_any_spec_may_declare_secrets_in_order(tmp_path: Path) -> None:
    api = parse_api(
        write_settings_spec(
            tmp_path,
            {
                "tables": TABLES,
                "secrets": {
                    "WebhookKey": {"environment": "WEBHOOK_KEY", "description": "  Signs hooks "},
                    "Pepper": {"environment": "PEPPER"},
                },
            },
        )
    )
    assert api.secrets == (
        Secret("WebhookKey", "WEBHOOK_KEY", "Signs hooks"),
        Secret("Pepper", "PEPPER", ""),
    )
    template = build_template(api)
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    # SERVICE_NAME: the stack's name, the Service dimension of the functions' metrics.
    assert list(variables) == ["TABLE_NAME", "WEBHOOK_KEY", "PEPPER", "SERVICE_NAME"]
    assert variables["PEPPER"] == {"Fn::Sub": "{{resolve:secretsmanager:${Pepper}:SecretString}}"}
    assert "Description" not in template["Resources"]["Pepper"]["Properties"]
    assert template["Resources"][SECRETS_KEY]["Type"] == "AWS::KMS::Key"


def test_no_x_codegen_or_no_secrets_means_no_secrets(tmp_path: Path) -> None:
    assert parse_api(write_settings_spec(tmp_path, {"tables": TABLES})).secrets == ()
    assert parse_api(write_settings_spec(tmp_path, {})).secrets == ()


BAD = [
    ("not-an-object", ["CursorSecret"], "/x-codegen", "x-codegen must be an object"),
    (
        "unknown-root-key",
        {"secret": {}},
        "/x-codegen/secret",
        "unknown key 'secret' under x-codegen",
    ),
    ("secrets-not-an-object", {"secrets": ["A"]}, "/x-codegen/secrets", "must be an object"),
    ("entry-not-an-object", {"secrets": {"A": "X"}}, "/x-codegen/secrets/A", "must be an object"),
    (
        "non-alphanumeric-id",
        {"secrets": {"Cursor-Secret": {"environment": "A"}}},
        "/x-codegen/secrets/Cursor-Secret",
        "must be alphanumeric",
    ),
    (
        "unknown-entry-key",
        {"secrets": {"A": {"environment": "A", "length": 64}}},
        "/x-codegen/secrets/A/length",
        "unknown key 'length'",
    ),
    (
        "missing-environment",
        {"secrets": {"A": {"description": "x"}}},
        "/x-codegen/secrets/A/environment",
        "must name an environment variable",
    ),
    (
        "lower-case-environment",
        {"secrets": {"A": {"environment": "cursor_secret"}}},
        "/x-codegen/secrets/A/environment",
        "must name an environment variable",
    ),
    (
        "description-not-a-string",
        {"secrets": {"A": {"environment": "A", "description": 5}}},
        "/x-codegen/secrets/A/description",
        "must be a string",
    ),
    (
        "description-too-long",
        {"secrets": {"A": {"environment": "A", "description": "x" * 2049}}},
        "/x-codegen/secrets/A/description",
        "at most 2048",
    ),
    (
        "clashes-with-a-table-variable",
        {"tables": TABLES, "secrets": {"A": {"environment": "TABLE_NAME"}}},
        "/x-codegen/secrets/A/environment",
        "TABLE_NAME is already set by /x-codegen/tables/Things/environment",
    ),
    (
        "clashes-with-another-secret",
        {"secrets": {"A": {"environment": "KEY"}, "B": {"environment": "KEY"}}},
        "/x-codegen/secrets/B/environment",
        "KEY is already set by /x-codegen/secrets/A/environment",
    ),
    (
        "two-tables-one-variable",
        {"tables": {**TABLES, "Others": {**TABLES["Things"]}}},
        "/x-codegen/tables/Others/environment",
        "TABLE_NAME is already set by /x-codegen/tables/Things/environment",
    ),
    (
        "id-of-a-table",
        {"tables": TABLES, "secrets": {"Things": {"environment": "THINGS_KEY"}}},
        "/x-codegen/secrets/Things",
        "also a table's id",
    ),
]


@pytest.mark.parametrize(
    ("settings", "pointer", "message"), [pytest.param(*case[1:], id=case[0]) for case in BAD]
)
def test_bad_settings_are_a_spec_error_at_the_node(
    tmp_path: Path, settings: Any, pointer: str, message: str
) -> None:
    with pytest.raises(SpecError) as raised:
        parse_api(write_settings_spec(tmp_path, settings))
    assert raised.value.pointer == pointer
    assert message in raised.value.message
    assert "\n" not in str(raised.value)


def test_the_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    write_settings_spec(
        tmp_path, {"tables": TABLES, "secrets": {"A": {"environment": "TABLE_NAME"}}}
    )
    result = run_codegen("--spec", "openapi.yaml", cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("codegen: error: ")
    assert "/x-codegen/secrets/A/environment" in line and "TABLE_NAME" in line
    assert not (tmp_path / "template.yaml").exists()
