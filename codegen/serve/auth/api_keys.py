"""The API keys the local gateway accepts: one per declared client team.

Deployed, API Gateway accepts a key in `x-api-key` when it is enabled and attached to a
usage plan of the stage ("API Gateway reads the key and compares it against the keys in
the usage plan ... Otherwise, it throws an InvalidKeyParameter exception. As a result,
the caller receives a 403 Forbidden response", Amazon API Gateway Developer Guide,
"Choose an API key source"). Locally the configured keys play the plans' keys.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

API_KEY_HEADER = "x-api-key"


class ApiKeyRegistry:
    def __init__(self, keys_by_client: Mapping[str, str]) -> None:
        self._keys = tuple((client, key.encode()) for client, key in keys_by_client.items())

    def client_of(self, presented: str | None) -> str | None:
        """The client team whose key this is, or None (missing or unknown key)."""
        if not presented:
            return None
        candidate = presented.encode("utf-8", "surrogateescape")
        found = None
        for client, key in self._keys:  # every key compared in constant time: no early exit
            if hmac.compare_digest(candidate, key):
                found = client
        return found

    def __len__(self) -> int:
        return len(self._keys)
