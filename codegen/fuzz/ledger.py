"""What a fuzz run created, read from the hooks' ledger, and the clean-up that removes it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class Ledger:
    created: list[str] = field(default_factory=list)  # each 201's Location, once, in order
    redirected: int = 0  # writes the guard turned away from ids the run did not create
    calls: int = 0  # requests schemathesis sent

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
        return ledger


@dataclass
class Cleanup:
    removed: list[str] = field(default_factory=list)  # deleted now
    gone: list[str] = field(default_factory=list)  # the run had deleted them already
    failed: list[str] = field(default_factory=list)  # still there: "LOCATION: why"


def absolute(base_url: str, location: str) -> str:
    """The Location against the API's base URL (a relative one keeps the stage's prefix)."""
    if urlsplit(location).scheme:
        return location
    return urljoin(base_url.rstrip("/") + "/", location.lstrip("/"))


def delete_created(base_url: str, created: list[str], headers: Mapping[str, str]) -> Cleanup:
    """DELETE each created user that still exists (204 removed, 404 already gone)."""
    cleanup = Cleanup()
    for location in created:
        request = urllib.request.Request(
            absolute(base_url, location), method="DELETE", headers=dict(headers)
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                status = int(response.status)
        except urllib.error.HTTPError as error:
            status = error.code
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
