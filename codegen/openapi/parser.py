"""Build the `codegen.openapi.model.Api` from openapi.yaml: the only reader of the raw spec.

`parse_api` validates everything a renderer relies on, so that renderers never
meet a surprise: names are valid and unique Python identifiers, every parameter
has a style the generated validators implement, a request body's JSON media type is
the one validated, every security requirement is one API Gateway can enforce, and
every DynamoDB table an operation uses is declared, and the root `x-codegen` holds
only tables and secrets whose environment variables are distinct, and observability
settings CloudWatch accepts. Any violation is a
`SpecError` with the JSON pointer of the offending node. An operation on a path API
Gateway cannot build a resource for is not an error: it is left out of the model
(`Api.skipped`, `openapi/resource_paths.py`), unless no operation would be left.

The parts: `openapi/operations.py` (operations, parameters, bodies, responses),
`openapi/security.py` (security requirements and schemes), `openapi/settings.py` (the root
`x-codegen`: tables, secrets, each operation's table access).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codegen.openapi.client_teams import parse_clients
from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.http import HTTP_METHODS
from codegen.openapi.loader import load_document, validate_semantics
from codegen.openapi.model import Api, Operation, SkippedOperation
from codegen.openapi.operations import (
    check_unique,
    distinct_names,
    parameter_list,
    parse_operation,
)
from codegen.openapi.refs import follow_to_object
from codegen.openapi.resource_paths import undeployable_reason
from codegen.openapi.settings import (
    codegen_settings,
    parse_observability,
    parse_secrets,
    parse_tables,
)


def parse_api(spec_path: Path) -> Api:
    """Read, validate and model the spec; raises `SpecError` on any bad input."""
    document = load_document(spec_path, semantics=False)
    api = build_api(document, spec_path)  # our checks first: they name the exact node
    validate_semantics(document)
    return api


def build_api(document: dict[str, Any], spec_path: Path) -> Api:
    """Model an already loaded and validated document (see `codegen.openapi.loader`)."""
    settings = codegen_settings(document)
    tables = parse_tables(settings)
    secrets = parse_secrets(settings, tables)
    table_ids = {table.logical_id for table in tables}
    operations: list[Operation] = []
    skipped: list[SkippedOperation] = []
    undeployable: set[str] = set()
    for path, raw_item in document.get("paths", {}).items():
        item_pointer = join_pointer("/paths", path)
        item, _ = follow_to_object(document, raw_item, item_pointer)
        reason = undeployable_reason(path)
        if reason is not None:
            # The reason is the path's: every operation of it is left out, unparsed.
            undeployable.add(path)
            skipped += (
                SkippedOperation(method.upper(), path, join_pointer(item_pointer, method), reason)
                for method in item
                if method in HTTP_METHODS
            )
            continue
        path_parameters = parameter_list(document, item, item_pointer)
        for method, raw_operation in item.items():  # spec order, as ROUTES promises
            if method in HTTP_METHODS:
                operations.append(
                    parse_operation(
                        document,
                        path,
                        method,
                        raw_operation,
                        join_pointer(item_pointer, method),
                        path_parameters,
                        table_ids,
                    )
                )
    if skipped and not operations:
        first = skipped[0]
        raise SpecError(
            f"no operation is left to deploy: all {len(skipped)} are on paths API Gateway "
            f"cannot build, e.g. {first.method} {first.path}: {first.reason}",
            "/paths",
        )
    if undeployable:
        paths = document["paths"]
        document = {**document, "paths": {p: paths[p] for p in paths if p not in undeployable}}
    operations = distinct_names(operations)
    check_unique(operations)
    clients = parse_clients(
        settings.get("clients"),
        document,
        used_scopes=(s for op in operations for r in op.security for s in r.scopes),
        secured=any(op.security for op in operations),
    )
    info = document.get("info", {})
    return Api(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        spec_path=spec_path,
        document=document,
        operations=tuple(operations),
        tables=tables,
        secrets=secrets,
        clients=clients,
        observability=parse_observability(settings, str(info.get("title", ""))),
        skipped=tuple(skipped),
    )
