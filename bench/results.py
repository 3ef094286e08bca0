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
    init_ms: list[float] = field(default_factory=list)  # import + first call (child)
    peak_rss_kb: list[int] = field(default_factory=list)
    status: int = 0
    boto3_imported: bool = False
    dynamodb_calls: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Warm:
    """Per-request time of one variant on one request; `us` is per round (batch mean)."""

    variant: str
    operation: str
    kind: str  # "valid" | "invalid"
    us: list[float] = field(default_factory=list)
    calls_per_batch: int = 0
    status: int = 0
    error: str | None = None
    lines: str = "on"  # the request log records "on" (as deployed) or "off" (dropped)


@dataclass
class LineCost:
    """One piece of the per-request lines timed alone (bench.line_cost); us per round."""

    name: str
    us: list[float] = field(default_factory=list)


@dataclass
class ProfileRow:
    """One function of the log record's cProfile breakdown (own time)."""

    function: str
    calls: float  # per record
    share: float  # of the profiled time, 0..1


@dataclass
class ServerRun:
    """One load level against one server; lists are indexed by round."""

    server: str  # "ours" | "chalice"
    endpoint: str  # "GET /hello", ...
    concurrency: int
    rps: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    error: str | None = None
    mode: str = "keep-alive"  # or "new connection": one TCP connection per request


@dataclass
class GeneratorRun:
    label: str  # "openapi.yaml" or "synthetic-50"
    operations: int
    seconds: list[float] = field(default_factory=list)
    error: str | None = None


@dataclass
class TransactionCost:
    """One way of creating a user (bench.transaction): its write capacity and time."""

    operation: str
    wcu: float  # write capacity units per create, from DynamoDB's pricing rules
    writes: str  # what it writes
    us: list[float] = field(default_factory=list)  # per round: mean microseconds per call


@dataclass
class Package:
    skipped: str | None = None  # the reason, when not measured
    functions: int = 0
    unzipped_bytes: int = 0  # one function's code directory
    zipped_bytes: int = 0
    files: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)  # top-level entries, bytes
    build_seconds: float = 0.0


@dataclass
class Results:
    quick: bool = False
    machine: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    cold: list[ColdStart] = field(default_factory=list)
    warm: list[Warm] = field(default_factory=list)
    server: list[ServerRun] = field(default_factory=list)
    generator: list[GeneratorRun] = field(default_factory=list)
    package: Package = field(default_factory=Package)
    transaction: list[TransactionCost] = field(default_factory=list)
    line_costs: list[LineCost] = field(default_factory=list)
    line_profile: list[ProfileRow] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # section -> reason
    notes: list[str] = field(default_factory=list)
    section_seconds: dict[str, float] = field(default_factory=dict)

    def cold_of(self, variant: str, operation: str) -> ColdStart | None:
        return next(
            (c for c in self.cold if c.variant == variant and c.operation == operation), None
        )

    def warm_of(self, variant: str, operation: str, kind: str, lines: str = "on") -> Warm | None:
        return next(
            (
                w
                for w in self.warm
                if w.variant == variant
                and w.operation == operation
                and w.kind == kind
                and w.lines == lines
            ),
            None,
        )

    def line_cost_of(self, name: str) -> LineCost | None:
        return next((c for c in self.line_costs if c.name == name), None)

    def server_of(
        self, server: str, endpoint: str, concurrency: int, mode: str = "keep-alive"
    ) -> ServerRun | None:
        return next(
            (
                s
                for s in self.server
                if s.server == server
                and s.endpoint == endpoint
                and s.concurrency == concurrency
                and s.mode == mode
            ),
            None,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Results:
        raw = json.loads(text)
        package = raw.pop("package", {})
        package["largest"] = [tuple(x) for x in package.get("largest", [])]
        return cls(
            quick=raw["quick"],
            machine=raw["machine"],
            settings=raw["settings"],
            cold=[ColdStart(**c) for c in raw["cold"]],
            warm=[Warm(**w) for w in raw["warm"]],
            server=[ServerRun(**s) for s in raw["server"]],
            generator=[GeneratorRun(**g) for g in raw["generator"]],
            package=Package(**package),
            transaction=[TransactionCost(**t) for t in raw.get("transaction", [])],
            line_costs=[LineCost(**c) for c in raw.get("line_costs", [])],
            line_profile=[ProfileRow(**r) for r in raw.get("line_profile", [])],
            skipped=raw["skipped"],
            notes=raw["notes"],
            section_seconds=raw["section_seconds"],
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
