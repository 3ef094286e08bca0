"""The version policy CI enforces against the last published spec.

- Any change to the published document (other than `info.version` itself) needs a
  higher `info.version`.
- A breaking change needs a higher *major* version.
- The version never goes down, and it is `MAJOR.MINOR.PATCH` (semantic versioning).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codegen.diff.changes import Change
from codegen.diff.compare import diff_documents
from codegen.openapi.document import strip_private_extensions

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)


@dataclass(frozen=True)
class PolicyVerdict:
    changes: tuple[Change, ...]  # every change from the published spec, version bump excluded
    problems: tuple[str, ...]  # why the version policy is violated; empty when it holds

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.breaking)


def parse_version(version: Any) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a semantic version string, else None."""
    match = _SEMVER.match(version) if isinstance(version, str) else None
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def check_version_policy(published: Mapping[str, Any], current: Mapping[str, Any]) -> PolicyVerdict:
    """Judge `current` (the spec as it would be published now) against `published`."""
    changes = tuple(c for c in diff_documents(published, current) if c.rule != "version-changed")
    old_raw = (published.get("info") or {}).get("version")
    new_raw = (current.get("info") or {}).get("version")
    old, new = parse_version(old_raw), parse_version(new_raw)
    problems: list[str] = []
    if old is None:
        problems.append(f"the published info.version {old_raw!r} is not MAJOR.MINOR.PATCH")
    if new is None:
        problems.append(f"info.version {new_raw!r} is not MAJOR.MINOR.PATCH")
    if old is None or new is None:
        return PolicyVerdict(changes, tuple(problems))
    if new < old:
        problems.append(f"info.version went down from {old_raw} to {new_raw}")
    elif _differs(published, current) and new == old:
        count = len(changes)
        what = f"{count} change{'s' if count != 1 else ''}" if count else "the document changed"
        problems.append(
            f"the spec changed since the published {old_raw} ({what}) but info.version is "
            f"still {new_raw}: bump it"
        )
    breaking = [c for c in changes if c.breaking]
    if breaking and new[0] <= old[0]:
        problems.append(
            f"{len(breaking)} breaking change{'s' if len(breaking) != 1 else ''} since the "
            f"published {old_raw} need a major version bump (to {old[0] + 1}.0.0), "
            f"info.version is {new_raw}"
        )
    return PolicyVerdict(changes, tuple(problems))


def _differs(published: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """True when the documents differ in anything but info.version (key order aside)."""
    return bool(_without_version(published) != _without_version(current))


def _without_version(document: Mapping[str, Any]) -> Any:
    stripped = strip_private_extensions(dict(document))
    info = dict(stripped.get("info") or {})
    info.pop("version", None)
    stripped["info"] = info
    return stripped
