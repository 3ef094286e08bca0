"""Create the DynamoDB tables a SAM template declares, on any DynamoDB endpoint.

Used wherever the API runs without CloudFormation: the local server (`python -m codegen
serve`, on moto or DynamoDB Local), `test_local.py` and the tests. The template is the
only description of the tables, so what runs locally has the keys and billing mode that
deploy.

    names = ensure_tables(Path("template.yaml"), boto3.resource("dynamodb"))
    os.environ.update(names)          # {"TABLE_NAME": "UsersTable"}: what the functions read

A table's physical name is the value its functions would see in the environment variable
that carries it (`TABLE_NAME: !Ref UsersTable` in `Globals` or in a function): the
variable's current value if it is set, else a literal `TableName` from the template, else
the table's logical id. Only the template names tables: whatever default a handler falls
back to without its variable is the app's business, and the functions always get theirs.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from botocore.exceptions import ClientError
from samtranslator.yaml_helper import yaml_parse

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_SIMPLE_TABLE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}
# The parts of a table definition that shape what the API sees; encryption, PITR, tags,
# streams and deletion policies do not matter to a local endpoint and are left out.
_INDEX_FIELDS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")


class TemplateError(ValueError):
    """The template cannot be read, or a table in it cannot be created as written."""


@dataclass(frozen=True)
class TableDefinition:
    logical_id: str
    table_name: str | None  # a literal `TableName`, if the template has one
    create_arguments: Mapping[str, Any]  # `create_table` keyword arguments, bar TableName
    environment: tuple[str, ...]  # env vars set to `!Ref <logical_id>`, in template order
    ttl_attribute: str | None = None  # TimeToLiveSpecification.AttributeName, when enabled


def read_tables(template_path: Path) -> tuple[TableDefinition, ...]:
    """Every `AWS::DynamoDB::Table` and `AWS::Serverless::SimpleTable` in the template."""
    try:
        stat = template_path.stat()
    except OSError as exc:
        raise TemplateError(f"{template_path}: {exc}") from exc
    # Parsing a full template takes tens of ms (pure-Python YAML); callers such as a test
    # fixture or the reloading local server read the same file again and again.
    return _read_tables(template_path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_tables(template_path: Path, mtime_ns: int, size: int) -> tuple[TableDefinition, ...]:
    try:
        # yaml_parse understands CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...).
        # It registers them on yaml.SafeLoader globally: harmless, as they are only tags.
        template = yaml_parse(template_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"{template_path}: {exc}") from exc
    if not isinstance(template, Mapping) or not isinstance(template.get("Resources"), Mapping):
        raise TemplateError(f"{template_path}: no Resources")
    return tables_in(template)


def tables_in(template: Mapping[str, Any]) -> tuple[TableDefinition, ...]:
    """Every table of a template given as data (intrinsic functions as `{"Ref": ...}`,
    as the render layer builds it and `yaml_parse` reads it)."""
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        raise TemplateError("the template has no Resources")
    references = _environment_references(template)
    tables = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties") or {}
        if kind == "AWS::DynamoDB::Table":
            arguments = _table_arguments(logical_id, properties)
        elif kind == "AWS::Serverless::SimpleTable":
            arguments = _simple_table_arguments(logical_id, properties)
        else:
            continue
        name = properties.get("TableName")
        ttl = properties.get("TimeToLiveSpecification")
        tables.append(
            TableDefinition(
                logical_id=logical_id,
                table_name=name if isinstance(name, str) else None,
                create_arguments=arguments,
                environment=tuple(references.get(logical_id, ())),
                ttl_attribute=str(ttl["AttributeName"])
                if isinstance(ttl, Mapping) and ttl.get("Enabled") is True
                else None,
            )
        )
    return tuple(tables)


def physical_name(table: TableDefinition, environ: Mapping[str, str]) -> str:
    """The name to create the table under locally (see the module docstring)."""
    for variable in table.environment:
        if environ.get(variable):
            return environ[variable]
    if table.table_name:
        return table.table_name
    return table.logical_id


def ensure_tables(
    template: Path | Mapping[str, Any],
    dynamodb_resource: DynamoDBServiceResource,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Create each table of the template (a file, or the template as data) that does not
    exist yet; idempotent.

    Returns environment variable -> table name for every variable that carries a table's
    name to the functions, so a caller can give the handlers the same environment.
    `environ` defaults to `os.environ`. An existing table with another key schema is a
    TemplateError: the handlers would fail on it in confusing ways.
    """
    environment = os.environ if environ is None else environ
    client = dynamodb_resource.meta.client
    names: dict[str, str] = {}
    tables = read_tables(template) if isinstance(template, Path) else tables_in(template)
    for table in tables:
        name = physical_name(table, environment)
        created = True
        try:
            # A copy: the definitions are cached and shared between calls.
            client.create_table(TableName=name, **copy.deepcopy(dict(table.create_arguments)))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
            created = False
            _check_existing(client.describe_table(TableName=name)["Table"], table, name)
        # CreateTable returns while the table is CREATING (on AWS); wait for ACTIVE.
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        if created and table.ttl_attribute is not None:
            # TTL is not a CreateTable argument; enabling it twice is a ValidationException,
            # hence only on the table just created.
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": table.ttl_attribute, "Enabled": True},
            )
        names.update(dict.fromkeys(table.environment, name))
    return names


def _environment_references(template: Mapping[str, Any]) -> dict[str, list[str]]:
    """Logical id -> env vars whose value is `!Ref <logical id>`, from Globals and functions."""
    blocks = [((template.get("Globals") or {}).get("Function") or {}).get("Environment")]
    for resource in (template.get("Resources") or {}).values():
        if isinstance(resource, Mapping) and resource.get("Type") in _FUNCTION_TYPES:
            blocks.append((resource.get("Properties") or {}).get("Environment"))
    references: dict[str, list[str]] = {}
    for block in blocks:
        variables = (block or {}).get("Variables") or {}
        for variable, value in variables.items():
            # Only a Ref yields the table's name; !GetAtt Table.Arn etc. is something else.
            if isinstance(value, Mapping) and set(value) == {"Ref"}:
                found = references.setdefault(str(value["Ref"]), [])
                if variable not in found:
                    found.append(variable)
    return references


def _table_arguments(logical_id: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    billing_mode = properties.get("BillingMode", "PROVISIONED")
    arguments: dict[str, Any] = {
        "AttributeDefinitions": _literal(logical_id, properties, "AttributeDefinitions"),
        "KeySchema": _literal(logical_id, properties, "KeySchema"),
        "BillingMode": _literal(logical_id, properties, "BillingMode", billing_mode),
    }
    if arguments["BillingMode"] == "PROVISIONED":
        # CloudFormation requires it; DynamoDB Local and moto need it too.
        arguments["ProvisionedThroughput"] = _literal(
            logical_id, properties, "ProvisionedThroughput"
        )
    for indexes in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if indexes in properties:
            arguments[indexes] = [
                {field: index[field] for field in _INDEX_FIELDS if field in index}
                for index in _literal(logical_id, properties, indexes)
            ]
    return arguments


def _simple_table_arguments(logical_id: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's SimpleTable: `PrimaryKey` defaults to `id` of type String; no throughput means
    on-demand."""
    key = _literal(logical_id, properties, "PrimaryKey", {"Name": "id", "Type": "String"})
    key_type = _SIMPLE_TABLE_TYPES.get(str(key.get("Type")))
    if not isinstance(key.get("Name"), str) or key_type is None:
        raise TemplateError(f"Resources.{logical_id}.Properties.PrimaryKey: unsupported {key}")
    arguments: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": key_type}],
        "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if "ProvisionedThroughput" in properties:
        arguments["BillingMode"] = "PROVISIONED"
        arguments["ProvisionedThroughput"] = _literal(
            logical_id, properties, "ProvisionedThroughput"
        )
    return arguments


def _literal(logical_id: str, properties: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """A property's value, which must be present and free of intrinsic functions."""
    value = properties.get(name, default)
    if value is None:
        raise TemplateError(f"Resources.{logical_id}.Properties.{name} is missing")
    if _has_intrinsic(value):
        raise TemplateError(
            f"Resources.{logical_id}.Properties.{name} uses an intrinsic function;"
            " only literal values can be created locally"
        )
    return value


def _has_intrinsic(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(key == "Ref" or key.startswith("Fn::") for key in value) or any(
            _has_intrinsic(item) for item in value.values()
        )
    if isinstance(value, list):
        return any(_has_intrinsic(item) for item in value)
    return False


def _check_existing(description: Mapping[str, Any], table: TableDefinition, name: str) -> None:
    expected = sorted(map(_key_tuple, table.create_arguments["KeySchema"]))
    actual = sorted(map(_key_tuple, description.get("KeySchema", [])))
    if expected != actual:
        raise TemplateError(
            f"table {name!r} already exists with key schema {actual}, "
            f"but Resources.{table.logical_id} declares {expected}"
        )


def _key_tuple(element: Mapping[str, str]) -> tuple[str, str]:
    return element["AttributeName"], element["KeyType"]
