"""Security requirements and schemes: API keys and Cognito natively, else a Lambda authorizer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codegen.spec.authorizers import lambda_authorizer
from codegen.spec.errors import SpecError, join_pointer
from codegen.spec.model import (
    SecurityRequirement,
    SecurityScheme,
)
from codegen.spec.refs import follow_to_object

# The header API Gateway reads API keys from (`x-amazon-apigateway-api-key-source: HEADER`):
# "The client can now call the API methods while supplying the x-api-key header" (AWS,
# "Set up API keys"); no other name can be configured.
API_KEY_HEADER = "x-api-key"
# OpenAPI schemes a Cognito user pools authorizer enforces faithfully: a bearer token in
# the Authorization header, checked against the pool, with OAuth scopes per method.
_COGNITO_SCHEMES = ("oauth2", "openIdConnect")


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
    if len({tuple(sorted(entry)) for entry in alternatives}) > 1:
        names = " OR ".join(dict.fromkeys(" AND ".join(sorted(e)) for e in alternatives))
        raise SpecError(
            f"security offers alternatives ({names}); an API Gateway REST method enforces "
            "one authorizer and an API key together, never one of several: keep one",
            where,
        )
    schemes = {str(name): _security_scheme(document, str(name), where) for name in alternatives[0]}
    cognito = [name for name, scheme in schemes.items() if scheme.kind == "cognito"]
    if len(cognito) > 1:
        raise SpecError(
            f"security requires {' and '.join(cognito)} together; an API Gateway REST "
            "method has a single authorizer",
            where,
        )
    scopes: dict[str, tuple[str, ...]] = dict.fromkeys(schemes, ())
    for name in cognito:  # other schemes have no scopes (OpenAPI: the list MUST be empty)
        per_alternative = [tuple(str(s) for s in entry[name] or ()) for entry in alternatives]
        for wanted in per_alternative:
            if len(wanted) > 1:
                raise SpecError(
                    f"security requires all of the scopes {list(wanted)} of {name!r}; API "
                    "Gateway grants a call whose token carries any one of a method's scopes: "
                    f"list one scope, or one alternative per scope ([{{{name}: [{wanted[0]}]}}"
                    ", ...]) if any of them suffices",
                    where,
                )
        if any(not wanted for wanted in per_alternative):
            scopes[name] = ()  # one alternative accepts any valid token: no scope check
        else:
            scopes[name] = tuple(dict.fromkeys(w[0] for w in per_alternative))
    return tuple(SecurityRequirement(schemes[name], scopes[name]) for name in schemes)


def _security_scheme(document: dict[str, Any], name: str, where: str) -> SecurityScheme:
    schemes = document.get("components", {}).get("securitySchemes", {})
    if not isinstance(schemes, Mapping) or name not in schemes:
        raise SpecError(f"security scheme {name!r} is not declared in components", where)
    spec, pointer = follow_to_object(
        document, schemes[name], join_pointer("/components/securitySchemes", name)
    )
    kind = spec.get("type")
    if kind == "apiKey":
        location, header = spec.get("in"), str(spec.get("name", ""))
        if location == "header" and header.lower() == API_KEY_HEADER:
            return SecurityScheme(name, "api_key", pointer)
        raise SpecError(
            f"apiKey scheme {name!r} reads {location} {header!r}: API Gateway API keys are "
            f"read from the {API_KEY_HEADER} header only (rename it, or drop the scheme)",
            pointer,
        )
    if kind in _COGNITO_SCHEMES or (
        kind == "http" and str(spec.get("scheme", "")).lower() == "bearer"
    ):
        return SecurityScheme(name, "cognito", pointer)
    described = f"http {spec.get('scheme')}" if kind == "http" else str(kind)
    raise SpecError(
        f"security scheme {name!r} ({described}) cannot be rendered: the API Gateway "
        "renderer knows API keys (apiKey in the x-api-key header) and Cognito user pools "
        "(oauth2, openIdConnect, http bearer)",
        pointer,
    )
