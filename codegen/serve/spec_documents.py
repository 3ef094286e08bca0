"""`/openapi.json` and `/openapi.yaml`: the spec as written, from the parsed model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from werkzeug.wrappers import Response

SPEC_PATHS = {"/openapi.json": "application/json", "/openapi.yaml": "application/yaml"}


class SpecDocuments:
    """Serialised once (the gateway adds CORS headers, so browser tools can fetch them)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._bodies = {
            "/openapi.json": json.dumps(document, indent=2, ensure_ascii=False).encode(),
            "/openapi.yaml": yaml.safe_dump(
                _plain(document), sort_keys=False, allow_unicode=True
            ).encode(),
        }

    def response(self, path: str) -> Response | None:
        body = self._bodies.get(path)
        if body is None:
            return None
        return Response(body, status=200, content_type=SPEC_PATHS[path])


def _plain(node: Any) -> Any:
    """Mappings/sequences as plain dicts/lists, which `yaml.safe_dump` accepts."""
    if isinstance(node, Mapping):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_plain(value) for value in node]
    return node
