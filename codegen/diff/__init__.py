"""Breaking-change detection between two OpenAPI 3.0 specs (`python -m codegen diff`).

- `load_source(source)`: a spec file or git revision (`HEAD~1:openapi.yaml`), bundled and validated.
- `diff_documents(old, new) -> list[Change]`: every change, breaking or not, with its pointer.
- `check_version_policy(published, current)`: the CI rule on `info.version`.
- `main(argv) -> int`: the CLI (0 compatible, 1 breaking, 2 bad input).
"""

from __future__ import annotations

from codegen.diff.changes import Change
from codegen.diff.compare import diff_documents
from codegen.diff.policy import PolicyVerdict, check_version_policy
from codegen.diff.sources import load_source

__all__ = [
    "Change",
    "PolicyVerdict",
    "check_version_policy",
    "diff_documents",
    "load_source",
    "main",
]


def main(argv: list[str]) -> int:
    from codegen.diff.cli import main as cli_main

    return cli_main(argv)
