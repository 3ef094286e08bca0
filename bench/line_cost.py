"""What the per-request lines cost on their own (warm child side): one request log record
through Lambda's JSON formatter, the same record dropped (lines off), our EMF line and the
alternatives' EMF line, each timed alone; and a cProfile breakdown of the log record.

The record is the one our functions write for a valid request (the same message and
fields), on a logger of its own that propagates to the root logger, where
`bench.lambda_logging` installed Lambda's JSON rendering to /dev/null.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

RECORD = "record"  # one INFO record through the JSON handler: the floor of a line-writing handler
RECORD_DROPPED = "record_dropped"  # the same call with the records off (root at WARNING)
OURS_EMF = "ours_emf"  # generated.observability.emf_line: built, not written
ALTERNATIVES_EMF = "alternatives_emf"  # bench.alternatives.request_line.emf_line
# name -> whether the log records are on while it is timed
PIECES: dict[str, bool] = {
    RECORD: True,
    RECORD_DROPPED: False,
    OURS_EMF: True,
    ALTERNATIVES_EMF: True,
}
PROFILED_RECORDS = 2000
PROFILE_ROWS = 12

_LOG = logging.getLogger("bench.line")
FIELDS: dict[str, Any] = {
    "operationId": "getUser",
    "status": 200,
    "latencyMs": 0.012,
    "lambdaRequestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "apiRequestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "clientId": "4s1b2c3d4e5f6g7h8i9j0k1l2m",
}


def write_record() -> None:
    _LOG.log(logging.INFO, "%s %d %.1fms", "getUser", 200, 0.012, extra=FIELDS)


def pieces() -> dict[str, Callable[[], object]]:
    """name -> a call that does that piece once (ours' EMF needs src/ on sys.path)."""
    from bench.alternatives import request_line
    from generated import observability

    return {
        RECORD: write_record,
        RECORD_DROPPED: write_record,
        OURS_EMF: lambda: observability.emf_line("getUser", 200, 0.012, None, FIELDS),
        ALTERNATIVES_EMF: lambda: request_line.emf_line("GET /users/{id}", 200, 0.012),
    }


def profile_record() -> list[tuple[str, float, float]]:
    """(function, calls per record, share of the profiled time) of the costliest functions
    of `write_record` (own time, cProfile), records on."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED_RECORDS):
        write_record()
    profiler.disable()
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values()) or 1.0
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_ROWS]
    out = []
    for (filename, _line, function), (_cc, calls, own, _cum, _callers) in rows:
        where = "" if filename == "~" else f"{Path(filename).name}:"
        out.append((where + function, calls / PROFILED_RECORDS, own / total))
    return out
