"""A hand-written Lambda REQUEST authorizer with the same checks as the generated
`header_key_or_opaque_bearer` (tests/codegen/specs/authorizers.yaml): the key in
`X-APISETU-APIKEY`, or a bearer token; 401 when neither is sent, Deny when refused.
The baseline of bench.authorizer_coldstart."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs a cold start ~2.5 ms (docs/ARCHITECTURE.md)
if TYPE_CHECKING:
    from typing import Any

KEYS = frozenset({"right-key"})
TOKENS = frozenset({"right-token"})


def _policy(event: dict[str, Any], effect: str) -> dict[str, Any]:
    prefix, _, rest = str(event["methodArn"]).partition(":execute-api:")
    api, stage = rest.split("/")[:2]
    resource = f"{prefix}:execute-api:{api}/{stage}/*"
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    answer: dict[str, Any] = {
        "principalId": "team-a" if effect == "Allow" else "caller",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
    }
    if effect == "Allow":
        answer["context"] = {"team": "a"}
    return answer


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    key = headers.get("x-apisetu-apikey")
    if key:
        return _policy(event, "Allow" if key in KEYS else "Deny")
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return _policy(event, "Allow" if token.strip() in TOKENS else "Deny")
    raise Exception("Unauthorized")
