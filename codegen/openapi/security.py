"""Security requirements and schemes: API keys and Cognito natively, else a Lambda authorizer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.openapi.authorizers import declared_scheme, lambda_authorizer, native_kind
from codegen.openapi.errors import join_pointer
from codegen.openapi.model import (
    SecurityRequirement,
    SecurityScheme,
)


def parse_security(
    document: dict[str, Any], operation: Mapping[str, Any], pointer: str
) -> tuple[SecurityRequirement, ...]:
    """The requirements the gateway must enforce: the operation's `security`, else the root's.

    OpenAPI lists *alternatives* (any one suffices), each a set of schemes required
    together, each with the scopes it requires (all of them). An API Gateway REST method
    has one authorizer and an API-key flag, enforced together, and grants a Cognito-
    authorized call when the access token carries *at least one* of its
    authorizationScopes. So what renders faithfully is:
    - one alternative, or alternatives naming the same schemes that differ only in the
      one scope each asks of the authorizer (`[{oauth: [a]}, {oauth: [b]}]`: a or b);
    - at most one scope per requirement (`{oauth: [a, b]}` requires both, which API
      Gateway cannot check);
    - an empty alternative (`{}`) makes authentication optional: none at the gateway.
    Anything else is one Lambda REQUEST authorizer (codegen.openapi.authorizers), which
    enforces the requirement exactly as written.
    """
    if "security" in operation:
        raw, where = operation["security"], join_pointer(pointer, "security")
    else:
        raw, where = document.get("security", []), "/security"
    if not isinstance(raw, list) or not raw:
        return ()
    alternatives = [entry for entry in raw if isinstance(entry, Mapping)]
    if not alternatives or any(not entry for entry in alternatives):
        return ()  # optional authentication: the handler may look, the gateway cannot
    authorizer = lambda_authorizer(document, alternatives, where)
    if authorizer is not None:  # no native mechanism enforces it as written
        scheme = SecurityScheme(authorizer.name, "lambda", where, authorizer)
        return (SecurityRequirement(scheme),)
    # From here on, codegen.openapi.authorizers has checked that API Gateway enforces the
    # requirement natively: one set of native schemes, one token scheme at most, at most
    # one scope per alternative.
    schemes = {str(name): _security_scheme(document, str(name), where) for name in alternatives[0]}
    cognito = [name for name, scheme in schemes.items() if scheme.kind == "cognito"]
    scopes: dict[str, tuple[str, ...]] = dict.fromkeys(schemes, ())
    for name in cognito:  # other schemes have no scopes (OpenAPI: the list MUST be empty)
        per_alternative = [tuple(str(s) for s in entry[name] or ()) for entry in alternatives]
        if any(not wanted for wanted in per_alternative):
            scopes[name] = ()  # one alternative accepts any valid token: no scope check
        else:
            scopes[name] = tuple(dict.fromkeys(w[0] for w in per_alternative))
    return tuple(SecurityRequirement(schemes[name], scopes[name]) for name in schemes)


def _security_scheme(document: dict[str, Any], name: str, where: str) -> SecurityScheme:
    spec, pointer = declared_scheme(document, name, where)
    kind = native_kind(spec)
    if kind is None:  # lambda_authorizer() takes every requirement with such a scheme
        raise AssertionError(f"{pointer}: not a scheme API Gateway enforces natively")
    return SecurityScheme(name, kind, pointer)
