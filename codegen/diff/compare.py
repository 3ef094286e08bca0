"""`diff_documents(old, new)`: every change between two OpenAPI 3.0 documents.

Both documents are first stripped of the generator's private extensions and fully
dereferenced, so moving a schema into `components` (or renaming a component) is not
reported as a change of the API. Components are therefore compared where they are used
(under `paths`), not under `/components`; security schemes are compared by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.diff.changes import Change, Changes
from codegen.diff.operations import compare_paths
from codegen.diff.schemas import documentation_changes
from codegen.openapi.document import dereference, strip_private_extensions
from codegen.openapi.errors import join_pointer

_TOP_LEVEL_DOC_KEYS = ("openapi", "servers", "tags", "externalDocs")


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, in document order, breaking or not."""
    old_doc = dereference(strip_private_extensions(old))
    new_doc = dereference(strip_private_extensions(new))
    out = Changes()
    _info(old_doc.get("info") or {}, new_doc.get("info") or {}, out)
    for key in _TOP_LEVEL_DOC_KEYS:
        documentation_changes(old_doc.get(key), new_doc.get(key), join_pointer("", key), out)
    for key in sorted(set(old_doc) | set(new_doc)):
        if key.startswith("x-"):
            documentation_changes(old_doc.get(key), new_doc.get(key), join_pointer("", key), out)
    compare_paths(old_doc, new_doc, out)
    _security_schemes(old_doc, new_doc, out)
    return out.items


def _info(old: Mapping[str, Any], new: Mapping[str, Any], out: Changes) -> None:
    if old.get("version") != new.get("version"):
        out.compatible(
            "/info/version",
            "version-changed",
            f"info.version changed from {old.get('version')} to {new.get('version')}",
        )
    for key in [*old, *(k for k in new if k not in old)]:
        if key != "version":
            documentation_changes(old.get(key), new.get(key), join_pointer("/info", key), out)


def _security_schemes(old_doc: Mapping[str, Any], new_doc: Mapping[str, Any], out: Changes) -> None:
    old = (old_doc.get("components") or {}).get("securitySchemes") or {}
    new = (new_doc.get("components") or {}).get("securitySchemes") or {}
    for name in [*old, *(k for k in new if k not in old)]:
        at = join_pointer("/components/securitySchemes", name)
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if before is None:
            out.compatible(at, "security-scheme-added", f"security scheme {name!r} added")
        elif after is None:
            out.breaking(at, "security-scheme-removed", f"security scheme {name!r} removed")
        else:
            for key in [*before, *(k for k in after if k not in before)]:
                key_at = join_pointer(at, key)
                if key == "description" or key.startswith("x-"):
                    documentation_changes(before.get(key), after.get(key), key_at, out)
                elif before.get(key) != after.get(key):
                    out.breaking(
                        key_at,
                        "security-scheme-changed",
                        f"security scheme {name!r}: {key} changed",
                    )
