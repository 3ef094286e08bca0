"""The root `x-codegen` settings: DynamoDB tables, secrets and observability, and each
operation's tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.model import (
    KeyAttribute,
    Observability,
    Secret,
    Table,
    TableAccess,
)
from codegen.openapi.naming import bounded
from codegen.openapi.objects import checked_object

DYNAMODB_ACTIONS = frozenset(
    {
        "BatchGetItem",
        "BatchWriteItem",
        "ConditionCheckItem",
        "DeleteItem",
        "DescribeTable",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
        "UpdateItem",
    }
)
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*\Z")
# The keys of the root `x-codegen` object: anything else is most likely a typo of one of
# them (`secret:`, `table:`), which would otherwise be silently ignored.
CODEGEN_KEYS = frozenset({"tables", "secrets", "clients", "observability"})
# AWS::SecretsManager::Secret `Description`: "Maximum: 2048" characters.
MAX_SECRET_DESCRIPTION = 2048
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+\Z")


def codegen_settings(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The root `x-codegen` object (empty when absent); unknown keys are refused."""
    settings = document.get("x-codegen", {})
    if not isinstance(settings, Mapping):
        raise SpecError("x-codegen must be an object", "/x-codegen")
    for key in settings:
        if key not in CODEGEN_KEYS:
            raise SpecError(
                f"unknown key {key!r} under x-codegen (allowed: {', '.join(sorted(CODEGEN_KEYS))})",
                join_pointer("/x-codegen", str(key)),
            )
    return settings


def parse_tables(settings: Mapping[str, Any]) -> tuple[Table, ...]:
    raw_tables = settings.get("tables", {})
    if not isinstance(raw_tables, Mapping):
        raise SpecError("x-codegen.tables must be an object", "/x-codegen/tables")
    tables: list[Table] = []
    seen_environment: dict[str, str] = {}
    for logical_id, raw in raw_tables.items():
        pointer = join_pointer("/x-codegen/tables", logical_id)
        if not _LOGICAL_ID.match(logical_id):
            raise SpecError(f"table id {logical_id!r} must be alphanumeric", pointer)
        spec = checked_object(
            raw, pointer, {"partitionKey", "sortKey", "environment", "timeToLive"}
        )
        environment = _environment(spec, pointer, "TABLE_NAME", seen_environment)
        if "partitionKey" not in spec:
            raise SpecError("partitionKey is required", pointer)
        sort_key = spec.get("sortKey")
        ttl = spec.get("timeToLive")
        if ttl is not None and (not isinstance(ttl, str) or not ttl):
            raise SpecError(
                "timeToLive must name the attribute holding the expiry (epoch seconds)",
                join_pointer(pointer, "timeToLive"),
            )
        tables.append(
            Table(
                logical_id=logical_id,
                partition_key=_key(spec["partitionKey"], join_pointer(pointer, "partitionKey")),
                sort_key=None
                if sort_key is None
                else _key(sort_key, join_pointer(pointer, "sortKey")),
                environment=environment,
                ttl_attribute=ttl,
            )
        )
    return tuple(tables)


def parse_secrets(settings: Mapping[str, Any], tables: tuple[Table, ...]) -> tuple[Secret, ...]:
    """`x-codegen.secrets`: logical id -> {environment: ENV_NAME, description: text}."""
    raw_secrets = settings.get("secrets", {})
    if not isinstance(raw_secrets, Mapping):
        raise SpecError("x-codegen.secrets must be an object", "/x-codegen/secrets")
    table_ids = {table.logical_id for table in tables}
    # Every variable lands in the same environment (Globals.Function.Environment.Variables).
    seen_environment = {
        table.environment: join_pointer("/x-codegen/tables", table.logical_id, "environment")
        for table in tables
    }
    secrets: list[Secret] = []
    for logical_id, raw in raw_secrets.items():
        pointer = join_pointer("/x-codegen/secrets", str(logical_id))
        if not isinstance(logical_id, str) or not _LOGICAL_ID.match(logical_id):
            raise SpecError(f"secret id {logical_id!r} must be alphanumeric", pointer)
        if logical_id in table_ids:
            raise SpecError(
                f"secret id {logical_id!r} is also a table's id (x-codegen.tables); "
                "template resources need distinct ids",
                pointer,
            )
        spec = checked_object(raw, pointer, {"environment", "description"})
        environment = _environment(spec, pointer, "CURSOR_SECRET", seen_environment)
        description = spec.get("description", "")
        if not isinstance(description, str) or len(description) > MAX_SECRET_DESCRIPTION:
            raise SpecError(
                f"description must be a string of at most {MAX_SECRET_DESCRIPTION} characters",
                join_pointer(pointer, "description"),
            )
        secrets.append(Secret(logical_id, environment, description.strip()))
    return tuple(secrets)


# CloudWatch namespaces: "Namespaces must contain valid XML characters" (PutMetricData);
# kept to the characters that need no quoting anywhere (EMF JSON, dashboard JSON, YAML),
# and not "AWS/", which is reserved for AWS services.
_NAMESPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#:-]{0,254}\Z")
_LOG_LEVELS = ("DEBUG", "INFO")
_OBSERVABILITY_KEYS = {"namespace", "logLevel", "latencyP99Ms", "errorRatePercent"}


def parse_observability(settings: Mapping[str, Any], title: str) -> Observability:
    """`x-codegen.observability`; every key optional. The namespace defaults to the title
    in PascalCase (`Users API` -> `UsersApi`).

    logLevel is DEBUG or INFO only: the request lines are INFO records, and Lambda files
    the Embedded Metric Format lines (printed JSON without a `level`) as INFO too ("If the
    level value field is invalid or missing, Lambda will assign the log output the level
    INFO", Lambda Developer Guide, "Log-level filtering"), so WARN would drop both.
    """
    pointer = "/x-codegen/observability"
    spec = checked_object(settings.get("observability", {}), pointer, _OBSERVABILITY_KEYS)
    default = "".join(
        word[:1].upper() + word[1:].lower() for word in re.findall(r"[A-Za-z0-9]+", title)
    )
    # A CloudWatch namespace has at most 255 characters: a long title is cut, with a hash.
    default = bounded(default, 255) if default else Observability.namespace
    namespace = spec.get("namespace", default)
    if (
        not isinstance(namespace, str)
        or not _NAMESPACE.match(namespace)
        or namespace.startswith("AWS/")
    ):
        raise SpecError(
            "namespace must be a CloudWatch namespace: letters, digits and ._/#:- (not AWS/...)",
            join_pointer(pointer, "namespace"),
        )
    log_level = spec.get("logLevel", Observability.log_level)
    if log_level not in _LOG_LEVELS:
        raise SpecError(
            "logLevel must be DEBUG or INFO (the request lines and metrics are INFO)",
            join_pointer(pointer, "logLevel"),
        )
    latency = spec.get("latencyP99Ms", Observability.latency_p99_ms)
    if isinstance(latency, bool) or not isinstance(latency, int) or latency < 1:
        raise SpecError(
            "latencyP99Ms must be a positive integer", join_pointer(pointer, "latencyP99Ms")
        )
    rate = spec.get("errorRatePercent", Observability.error_rate_percent)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 100:
        raise SpecError(
            "errorRatePercent must be a number in (0, 100]",
            join_pointer(pointer, "errorRatePercent"),
        )
    return Observability(
        namespace=namespace,
        log_level="DEBUG" if log_level == "DEBUG" else "INFO",
        latency_p99_ms=latency,
        error_rate_percent=float(rate),
    )


def _environment(spec: Mapping[str, Any], pointer: str, example: str, seen: dict[str, str]) -> str:
    """The `environment` of a table or secret: a variable name no other entry uses."""
    where = join_pointer(pointer, "environment")
    environment = spec.get("environment")
    if not isinstance(environment, str) or not _ENV_NAME.match(environment):
        raise SpecError(
            f"environment must name an environment variable, e.g. {example}",
            where,
        )
    other = seen.setdefault(environment, where)
    if other != where:
        raise SpecError(
            f"environment variable {environment} is already set by {other}; the functions "
            "share one environment, so each name must be distinct",
            where,
        )
    return environment


def _key(raw: Any, pointer: str) -> KeyAttribute:
    spec = checked_object(raw, pointer, {"name", "type"})
    name, kind = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not name:
        raise SpecError("key name must be a non-empty string", join_pointer(pointer, "name"))
    if kind not in ("S", "N", "B"):
        raise SpecError("key type must be S, N or B", join_pointer(pointer, "type"))
    return KeyAttribute(name=name, type=kind)


def parse_table_access(
    operation: Mapping[str, Any], pointer: str, table_ids: set[str]
) -> tuple[TableAccess, ...]:
    if "x-codegen-dynamodb" not in operation:
        return ()
    where = join_pointer(pointer, "x-codegen-dynamodb")
    raw = operation["x-codegen-dynamodb"]
    entries = raw if isinstance(raw, list) else [raw]
    result: list[TableAccess] = []
    for index, entry in enumerate(entries):
        entry_pointer = join_pointer(where, index) if isinstance(raw, list) else where
        spec = checked_object(entry, entry_pointer, {"table", "actions"})
        table = spec.get("table")
        if table not in table_ids:
            raise SpecError(
                f"table {table!r} is not declared in x-codegen.tables",
                join_pointer(entry_pointer, "table"),
            )
        actions = spec.get("actions")
        if not isinstance(actions, list) or not actions:
            raise SpecError(
                "actions must be a non-empty list", join_pointer(entry_pointer, "actions")
            )
        for position, action in enumerate(actions):
            if action not in DYNAMODB_ACTIONS:
                raise SpecError(
                    f"unknown DynamoDB action {action!r} (known: "
                    f"{', '.join(sorted(DYNAMODB_ACTIONS))})",
                    join_pointer(entry_pointer, "actions", position),
                )
        result.append(TableAccess(table=str(table), actions=tuple(str(a) for a in actions)))
    return tuple(result)
