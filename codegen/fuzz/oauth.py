"""The client-credentials grant (RFC 6749 §4.4), as Cognito's token endpoint takes it.

`POST <token URL>`, form-encoded `grant_type=client_credentials` and `scope`, the app
client's id and secret in HTTP Basic (RFC 6749 §2.3.1: each form-encoded first). Used by
`codegen fuzz` itself (the clean-up's requests) and by its schemathesis auth provider
(hooks.py), against a stack's Cognito domain or the local server's `/oauth2/token`.
Plain urllib: imported into schemathesis' process, it needs nothing but the standard library.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

TIMEOUT_SECONDS = 30.0
# A token is fetched again this long before it expires (and at least this often).
MARGIN_SECONDS = 300
MINIMUM_REFRESH_SECONDS = 30


class TokenError(Exception):
    """The token endpoint refused or could not be reached (one line: its `error` code)."""


@dataclass(frozen=True)
class Grant:
    token_url: str
    client_id: str
    client_secret: str
    scopes: Sequence[str] = ()  # empty: every scope the app client is allowed


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: int
    fetched_at: float

    def fresh(self, now: float | None = None) -> bool:
        left = self.fetched_at + self.expires_in - (time.time() if now is None else now)
        return left > refresh_margin(self.expires_in)


def refresh_margin(expires_in: int) -> int:
    return min(MARGIN_SECONDS, expires_in // 2)


def refresh_interval(expires_in: int) -> int:
    """Seconds a token is used before the next is fetched: well before it expires."""
    return max(MINIMUM_REFRESH_SECONDS, expires_in - refresh_margin(expires_in))


def fetch_token(grant: Grant) -> AccessToken:
    basic = f"{quote_plus(grant.client_id)}:{quote_plus(grant.client_secret)}"
    form = {"grant_type": "client_credentials"}
    if grant.scopes:
        form["scope"] = " ".join(grant.scopes)
    request = urllib.request.Request(
        grant.token_url,
        data=urlencode(form).encode(),
        method="POST",
        headers={
            "Authorization": "Basic " + base64.b64encode(basic.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            code = json.loads(error.read()).get("error", "")
        except ValueError:
            code = ""
        raise TokenError(f"{grant.token_url}: HTTP {error.code} {code}".rstrip()) from error
    except (OSError, ValueError) as error:
        raise TokenError(f"{grant.token_url}: {error}") from error
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        raise TokenError(f"{grant.token_url}: no access_token in the answer")
    return AccessToken(token, int(answer.get("expires_in", 3600)), time.time())
