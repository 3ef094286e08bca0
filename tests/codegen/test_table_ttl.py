"""`x-codegen.tables.<T>.timeToLive`: parsed, rendered as TimeToLiveSpecification, enabled
on the tables created locally (codegen.serve.dynamodb_tables)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from codegen.openapi.errors import SpecError
from codegen.openapi.parser import parse_api
from codegen.render.cloudformation.sam import build_template, render_template
from codegen.serve.dynamodb_tables import ensure_tables, read_tables
from tests.support.dynamo import dynamodb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

from tests.codegen.helpers import write_settings_spec

__all__ = ["dynamodb"]

KEY = {"name": "key", "type": "S"}


def _write(tmp_path: Path, table: dict[str, Any]) -> Path:
    """A spec with a plain table and `Records`, whose settings add `table`."""
    tables = {
        "Things": {"partitionKey": {"name": "id", "type": "S"}, "environment": "T1"},
        "Records": {"partitionKey": KEY, "environment": "T2", **table},
    }
    return write_settings_spec(tmp_path, {"tables": tables})


def test_ttl_attribute_is_rendered_only_where_declared(tmp_path: Path) -> None:
    api = parse_api(_write(tmp_path, {"timeToLive": "expires_at"}))
    assert [table.ttl_attribute for table in api.tables] == [None, "expires_at"]
    resources = build_template(api)["Resources"]
    assert "TimeToLiveSpecification" not in resources["Things"]["Properties"]
    assert resources["Records"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }


@pytest.mark.parametrize("value", ["", 5, ["expires_at"]])
def test_ttl_must_name_an_attribute(tmp_path: Path, value: Any) -> None:
    with pytest.raises(SpecError, match="timeToLive must name") as caught:
        parse_api(_write(tmp_path, {"timeToLive": value}))
    assert caught.value.pointer == "/x-codegen/tables/Records/timeToLive"


def test_local_tables_get_their_ttl_enabled_once(
    tmp_path: Path, dynamodb: DynamoDBServiceResource
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        render_template(parse_api(_write(tmp_path, {"timeToLive": "expires_at"}))),
        encoding="utf-8",
    )
    assert [t.ttl_attribute for t in read_tables(template)] == [None, "expires_at"]
    environ = {"T1": "things", "T2": "records"}
    assert ensure_tables(template, dynamodb, environ) == environ
    assert ensure_tables(template, dynamodb, environ) == environ  # no second UpdateTimeToLive
    client = dynamodb.meta.client
    ttl = client.describe_time_to_live(TableName="records")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    things = client.describe_time_to_live(TableName="things")["TimeToLiveDescription"]
    assert things["TimeToLiveStatus"] == "DISABLED"
