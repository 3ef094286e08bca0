"""Render a list of changes for people (text) or tools (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from codegen.diff.changes import Change


def format_text(changes: Sequence[Change]) -> str:
    """One line per change (`BREAKING` or `ok`, pointer, rule, message), then a summary."""
    lines = [
        f"{'BREAKING' if c.breaking else 'ok':8}  {c.pointer or '/'}  [{c.rule}] {c.message}"
        for c in changes
    ]
    breaking = sum(1 for c in changes if c.breaking)
    lines.append(
        f"{len(changes)} change{'s' if len(changes) != 1 else ''}, {breaking} breaking"
        if changes
        else "no changes"
    )
    return "\n".join(lines) + "\n"


def format_json(changes: Sequence[Change]) -> str:
    breaking = sum(1 for c in changes if c.breaking)
    payload = {
        "breaking": breaking,
        "total": len(changes),
        "changes": [c.as_dict() for c in changes],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
