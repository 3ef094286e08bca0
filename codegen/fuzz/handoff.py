"""What `codegen fuzz` hands to schemathesis' process (hooks.py), through its environment.

The credentials, not the token: the hooks fetch tokens themselves (and again before each
expires). The client secret goes only to that child process, never to a file or the output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from codegen.fuzz.oauth import Grant

VARIABLE = "CODEGEN_FUZZ"  # one JSON object
LEDGER_VARIABLE = "CODEGEN_FUZZ_LEDGER"  # the file the hooks write their events to


@dataclass(frozen=True)
class Handoff:
    grant: Grant
    api_key: str
    refresh_seconds: int

    def environment(self) -> dict[str, str]:
        data = {
            "grant": asdict(self.grant),
            "api_key": self.api_key,
            "refresh_seconds": self.refresh_seconds,
        }
        return {VARIABLE: json.dumps(data)}

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Handoff | None:
        raw = environ.get(VARIABLE)
        if not raw:
            return None
        data = json.loads(raw)
        grant = data["grant"]
        return cls(
            Grant(
                grant["token_url"],
                grant["client_id"],
                grant["client_secret"],
                tuple(grant["scopes"]),
            ),
            str(data["api_key"]),
            int(data["refresh_seconds"]),
        )
