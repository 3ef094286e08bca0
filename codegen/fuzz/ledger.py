"""What a fuzz run created, read from the hooks' ledger, and the clean-up that removes it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from codegen.fuzz.waiting import MAX_RETRIES, RETRY_STATUSES, retry_after_seconds

REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class Ledger:
    created: list[str] = field(default_factory=list)  # each 201's Location, once, in order
    redirected: int = 0  # writes the guard turned away from ids the run did not create
    calls: int = 0  # requests schemathesis sent
    waited: int = 0  # 429s and 503s waited out (Retry-After), then sent again

    @classmethod
    def read(cls, path: Path) -> Ledger:
        ledger = cls()
        if not path.is_file():
            return ledger
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if "created" in event and event["created"] not in ledger.created:
                ledger.created.append(str(event["created"]))
            elif "redirected" in event:
                ledger.redirected += 1
            elif "call" in event:
                ledger.calls += 1
            elif "waited" in event:
                ledger.waited += 1
        return ledger


@dataclass
class Cleanup:
    removed: list[str] = field(default_factory=list)  # deleted now
    gone: list[str] = field(default_factory=list)  # the run had deleted them already
    failed: list[str] = field(default_factory=list)  # still there: "LOCATION: why"


def absolute(base_url: str, location: str) -> str:
    """The Location resolved as a client does (RFC 9110 §10.2.2 with RFC 3986 references).

    The API answers a path that already carries the stage (`/v1/users/<id>` deployed,
    `/users/<id>` locally): it replaces the base URL's path, it is not appended to it.
    """
    return urljoin(base_url, location)


def delete_created(base_url: str, created: list[str], headers: Mapping[str, str]) -> Cleanup:
    """DELETE each created user that still exists (204 removed, 404 already gone)."""
    cleanup = Cleanup()
    for location in created:
        try:
            status = _delete(absolute(base_url, location), headers)
        except OSError as error:
            cleanup.failed.append(f"{location}: {error}")
            continue
        if 200 <= status < 300:
            cleanup.removed.append(location)
        elif status == 404:
            cleanup.gone.append(location)
        else:
            cleanup.failed.append(f"{location}: HTTP {status}")
    return cleanup


def _delete(url: str, headers: Mapping[str, str]) -> int:
    """The DELETE's status, after waiting out 429s and 503s as the run did."""
    for attempt in range(MAX_RETRIES + 1):
        request = urllib.request.Request(url, method="DELETE", headers=dict(headers))
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_STATUSES or attempt == MAX_RETRIES:
                return error.code
            time.sleep(retry_after_seconds(error.headers.get("Retry-After")))
    raise AssertionError("unreachable")
