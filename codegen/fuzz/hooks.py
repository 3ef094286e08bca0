"""schemathesis hooks of `python -m codegen fuzz`: credentials, a ledger, and the guard.

Loaded by schemathesis from this file's path (`SCHEMATHESIS_HOOKS`), in its own process,
with `codegen` importable (runner.py puts it on PYTHONPATH).

- Credentials: an auth provider that fetches an access token with the client-credentials
  grant (oauth.py) and fetches a new one before it expires (its refresh interval), and sends
  the team's API key. As an auth provider, schemathesis knows these are real credentials:
  `ignored_auth` checks that the same requests without them, or with made-up ones, fail.
- The ledger: one JSON line per event in the file `CODEGEN_FUZZ_LEDGER` names, read by
  `codegen fuzz` after the run: `{"created": LOCATION}` for every 201 with a `Location`,
  `{"redirected": ID}` for each write turned away by the guard, `{"call": ...}` per request.
- The guard (guard.py): writes go only to ids this run created, or to ids that cannot exist.
- Waiting (waiting.py): a 429 or 503 is waited out as its `Retry-After` says and the request
  sent again; `{"waited": STATUS, "seconds": S}` per wait.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import schemathesis

from codegen.fuzz.guard import created_id, replacements
from codegen.fuzz.handoff import LEDGER_VARIABLE, Handoff
from codegen.fuzz.oauth import fetch_token
from codegen.fuzz.waiting import waiting_hook

_lock = threading.Lock()
_created: set[str] = set()
_alive: list[str] = []  # created and not deleted since, oldest first


def _record(event: dict[str, Any]) -> None:
    path = os.environ.get(LEDGER_VARIABLE)
    if not path:
        return
    with _lock, open(path, "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(event) + "\n")


def _waited(status: int, seconds: float) -> None:
    _record({"waited": status, "seconds": round(seconds, 3)})


_wait_out = waiting_hook(_waited)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Passed on to `requests.Session.request(hooks=...)` by schemathesis' transport.
    kwargs["hooks"] = {"response": [_wait_out]}
    with _lock:
        created = set(_created)
        alive = _alive[-1] if _alive else None
    for name, fresh in replacements(case.method, case.path_parameters, created, alive).items():
        _record({"redirected": case.path_parameters[name], "to": fresh, "method": case.method})
        case.path_parameters[name] = fresh


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    _record({"call": case.method, "status": response.status_code})
    values = response.headers.get("location") or []  # lower-case names, lists of values
    location = values[0] if isinstance(values, list) and values else values
    if response.status_code == 201 and isinstance(location, str) and location:
        with _lock:
            _created.add(created_id(location))
            if created_id(location) not in _alive:
                _alive.append(created_id(location))
        _record({"created": location})
    if case.method.upper() == "DELETE" and 200 <= response.status_code < 300:
        with _lock:
            for value in (case.path_parameters or {}).values():
                if isinstance(value, str) and value.lower() in _alive:
                    _alive.remove(value.lower())


_handoff = Handoff.from_environment()
if _handoff is not None:
    handoff = _handoff

    @schemathesis.auth(refresh_interval=handoff.refresh_seconds)
    class ClientCredentials:
        """The team's access token (refreshed by schemathesis' cache) and its API key."""

        def get(self, case: Any, context: Any) -> str:
            return fetch_token(handoff.grant).value

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
            case.headers["x-api-key"] = handoff.api_key
