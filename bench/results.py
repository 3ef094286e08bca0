"""What one run measured: plain dataclasses, JSON round-trip, no measuring code."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ColdStart:
    """Cold starts of one variant on one operation; lists are indexed by round."""

    variant: str
    operation: str
    process_ms: list[float] = field(default_factory=list)  # spawn -> first response (parent)
    cpu_ms: list[float] = field(default_factory=list)  # the child's CPU, to the first response
    init_ms: list[float] = field(default_factory=list)  # import + first call (child)
    import_ms: list[float] = field(default_factory=list)  # of which the handler's import
    modules: int = 0  # modules loaded after the first call
    peak_rss_kb: list[int] = field(default_factory=list)
    status: int = 0
    boto3_imported: bool = False
    dynamodb_calls: list[str] = field(default_factory=list)  # of the first (warm-up) start
    error: str | None = None


@dataclass
class Warm:
    """Per-request time of one variant on one request; `us` is per round (batch mean)."""

    variant: str
    operation: str
    kind: str  # "valid" | "invalid" | "keyed"
    us: list[float] = field(default_factory=list)
    calls_per_batch: int = 0
    status: int = 0
    error: str | None = None
    dynamodb_calls: list[str] = field(default_factory=list)  # one request's


@dataclass
class ProfileRow:
    """One function of a cProfile breakdown (own time)."""

    function: str
    calls: float  # per request
    share: float  # of the profiled time, 0..1


@dataclass
class GeneratorRun:
    label: str  # "openapi.yaml" or "synthetic-50"
    operations: int
    seconds: list[float] = field(default_factory=list)  # wall time per round
    cpu_seconds: list[float] = field(default_factory=list)  # the child's user + system time
    error: str | None = None
    commit: str = ""  # "" for this checkout, else the baseline commit timed alongside
    # When the 500-operation spec misses its budget: where one run's time goes (cProfile,
    # `calls` per run, `share` of the run's cumulative time).
    profile: list[ProfileRow] = field(default_factory=list)


@dataclass
class Capacity:
    """DynamoDB's consumed capacity for one request (ReturnConsumedCapacity, DynamoDB Local)."""

    request: str  # e.g. "createUser with Idempotency-Key"
    status: int
    read_units: float
    write_units: float
    calls: list[str] = field(default_factory=list)  # "Operation Table: RCU/WCU"


@dataclass
class Results:
    quick: bool = False
    machine: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    cold: list[ColdStart] = field(default_factory=list)
    warm: list[Warm] = field(default_factory=list)
    profiles: dict[str, list[ProfileRow]] = field(default_factory=dict)
    generator: list[GeneratorRun] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # section -> reason
    notes: list[str] = field(default_factory=list)
    section_seconds: dict[str, float] = field(default_factory=dict)

    def cold_of(self, variant: str, operation: str) -> ColdStart | None:
        return next(
            (c for c in self.cold if c.variant == variant and c.operation == operation), None
        )

    def warm_of(self, variant: str, operation: str, kind: str) -> Warm | None:
        return next(
            (
                w
                for w in self.warm
                if w.variant == variant and w.operation == operation and w.kind == kind
            ),
            None,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Results:
        raw = json.loads(text)
        return cls(
            quick=raw["quick"],
            machine=raw["machine"],
            settings=raw["settings"],
            cold=[ColdStart(**c) for c in raw["cold"]],
            warm=[Warm(**w) for w in raw["warm"]],
            profiles={
                key: [ProfileRow(**row) for row in rows]
                for key, rows in raw.get("profiles", {}).items()
            },
            generator=[
                GeneratorRun(
                    **{k: v for k, v in g.items() if k != "profile"},
                    profile=[ProfileRow(**row) for row in g.get("profile", [])],
                )
                for g in raw["generator"]
            ],
            capacity=[Capacity(**c) for c in raw.get("capacity", [])],
            skipped=raw["skipped"],
            notes=raw["notes"],
            section_seconds=raw["section_seconds"],
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
