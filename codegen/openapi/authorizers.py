"""Security requirements no native API Gateway mechanism enforces: Lambda REQUEST authorizers.

API Gateway enforces two kinds of credential natively, and only in one shape each: an API
key in the `x-api-key` header (with usage plans), and a Cognito user pool token in
`Authorization` whose method scopes are *any one of* (`codegen.openapi.security`). Everything
else OpenAPI can say is enforced by a Lambda REQUEST authorizer
(Amazon API Gateway Developer Guide, "Use API Gateway Lambda authorizers"):

- an apiKey in a query parameter, a cookie or another header;
- http basic, and http bearer tokens that are not JWTs (Cognito verifies JWTs only);
- several token schemes required together (a method has a single authorizer);
- alternatives naming different schemes (`key OR token`): a method enforces its authorizer
  *and* its API key, never one of them;
- several scopes all required (Cognito grants a token carrying any one).

`lambda_authorizer(document, alternatives, where)` returns `None` when the native rendering
is faithful, else the `LambdaAuthorizer` that enforces the requirement exactly: it reads
each scheme's credential where the scheme says, tries the alternatives in order and needs
every scheme of one. One authorizer per distinct requirement (schemes *and* scopes), so
its decision holds for every method using it and the cached policy may cover them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codegen.openapi.errors import SpecError, join_pointer
from codegen.openapi.naming import pascal_case, python_name
from codegen.openapi.refs import follow_to_object

CredentialKind = Literal["api_key", "basic", "bearer"]
CredentialLocation = Literal["header", "query", "cookie"]
# API Gateway's default result TTL for Lambda authorizers; 0 turns caching off, 3600 is the
# most it allows ("authorizerResultTtlInSeconds", x-amazon-apigateway-authorizer object).
DEFAULT_TTL_SECONDS = 300
MAX_TTL_SECONDS = 3600
# On a security scheme: how long API Gateway may cache an authorizer's answer for it.
TTL_EXTENSION = "x-codegen-authorizer-ttl"
# The header API Gateway reads API keys from (`x-amazon-apigateway-api-key-source: HEADER`):
# "The client can now call the API methods while supplying the x-api-key header" (AWS,
# "Set up API keys"); no other name can be configured.
API_KEY_HEADER = "x-api-key"
AUTHORIZATION = "Authorization"
COOKIE = "Cookie"
_TOKEN_SCHEMES = ("oauth2", "openIdConnect")


@dataclass(frozen=True)
class Credential:
    """Where one security scheme's credential is read, and how."""

    scheme: str  # key under components.securitySchemes
    kind: CredentialKind  # api_key: the value; basic: (user, password); bearer: the token
    location: CredentialLocation
    name: str  # header, query parameter or cookie name
    pointer: str
    ttl: int | None = None  # TTL_EXTENSION of the scheme, if any

    @property
    def python_name(self) -> str:
        """The module of its hand-written verification function: `authorizers.<this>`."""
        return python_name(self.scheme) or "scheme"

    @property
    def identity_source(self) -> str:
        """The request parameter API Gateway reads it from (cookies come in one header)."""
        if self.location == "query":
            return f"method.request.querystring.{self.name}"
        if self.location == "cookie":
            return f"method.request.header.{COOKIE}"
        return f"method.request.header.{self.name}"


@dataclass(frozen=True)
class Check:
    """One scheme of an alternative, with the scopes it requires (all of them)."""

    credential: Credential
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LambdaAuthorizer:
    """A Lambda REQUEST authorizer: alternatives in order, each a set of checks all required."""

    alternatives: tuple[tuple[Check, ...], ...]
    pointer: str  # the security requirement it enforces (its first use)

    @property
    def name(self) -> str:
        """Its name in the DefinitionBody and its module, e.g. `api_key_or_petstore_auth`."""
        words = " or ".join(
            " and ".join(f"{c.credential.scheme} {' '.join(c.scopes)}".strip() for c in alt)
            for alt in self.alternatives
        )
        return python_name(words) or "authorizer"

    @property
    def logical_id(self) -> str:
        """The function's logical id in template.yaml, e.g. `ApiKeyOrPetstoreAuthAuthorizer`."""
        return f"{pascal_case(self.name)}Authorizer"

    @property
    def handler(self) -> str:
        return f"generated.authorizers.{self.name}.handler"

    @property
    def credentials(self) -> tuple[Credential, ...]:
        """Every scheme it reads, once each, in order of first use."""
        found: dict[str, Credential] = {}
        for alternative in self.alternatives:
            for check in alternative:
                found.setdefault(check.credential.scheme, check.credential)
        return tuple(found.values())

    @property
    def identity_sources(self) -> tuple[str, ...]:
        """The request parameters API Gateway keys its cache by, and requires.

        API Gateway answers 401 itself, without invoking the authorizer, when any identity
        source is missing ("Input to an API Gateway Lambda authorizer"), and caching needs
        identity sources. So they can be declared only when every alternative reads the
        same sources (one alternative, or alternatives differing in scopes only): listing
        the union of different alternatives would refuse a caller who sent one of them.
        Otherwise none are declared and caching is off (`ttl` 0): keying a cache by a
        subset would hand one caller's answer to another whose other credential differs.
        """
        per_alternative = {
            tuple(sorted({c.credential.identity_source for c in alt})) for alt in self.alternatives
        }
        if len(per_alternative) != 1:
            return ()
        return next(iter(per_alternative))

    @property
    def ttl(self) -> int:
        """Result cache TTL in seconds: the shortest the schemes ask for, else API
        Gateway's default; 0 (no caching) without identity sources."""
        if not self.identity_sources:
            return 0
        asked = [c.ttl for c in self.credentials if c.ttl is not None]
        return min(asked) if asked else DEFAULT_TTL_SECONDS


def lambda_authorizer(
    document: Mapping[str, Any], alternatives: Sequence[Mapping[str, Any]], where: str
) -> LambdaAuthorizer | None:
    """The authorizer enforcing `alternatives` (OpenAPI security requirement objects, none
    empty), or None when API keys and a Cognito authorizer enforce them faithfully."""
    schemes = {
        str(name): declared_scheme(document, str(name), where)
        for entry in alternatives
        for name in entry
    }
    if _native(schemes, alternatives):
        return None
    checks = tuple(
        tuple(
            Check(_credential(str(name), spec, pointer), tuple(str(s) for s in entry[name] or ()))
            for name, (spec, pointer) in ((n, schemes[str(n)]) for n in entry)
        )
        for entry in alternatives
    )
    return LambdaAuthorizer(checks, where)


def declared_scheme(
    document: Mapping[str, Any], name: str, where: str
) -> tuple[Mapping[str, Any], str]:
    """The scheme `name` of components.securitySchemes ($refs followed), and its pointer."""
    declared = document.get("components", {}).get("securitySchemes", {})
    if not isinstance(declared, Mapping) or name not in declared:
        raise SpecError(f"security scheme {name!r} is not declared in components", where)
    spec, pointer = follow_to_object(
        dict(document), declared[name], join_pointer("/components/securitySchemes", name)
    )
    return spec, pointer


def native_kind(spec: Mapping[str, Any]) -> Literal["api_key", "cognito"] | None:
    """`api_key` / `cognito` when API Gateway enforces the scheme itself, else None."""
    kind = spec.get("type")
    if kind == "apiKey":
        named = str(spec.get("name", "")).lower() == API_KEY_HEADER
        return "api_key" if spec.get("in") == "header" and named else None
    if kind in _TOKEN_SCHEMES:
        return "cognito"
    if kind == "http" and str(spec.get("scheme", "")).lower() == "bearer":
        # Cognito verifies JWTs; an opaque bearer token needs code that knows its issuer.
        return "cognito" if str(spec.get("bearerFormat", "")).upper() == "JWT" else None
    return None


def _native(
    schemes: Mapping[str, tuple[Mapping[str, Any], str]], alternatives: Sequence[Mapping[str, Any]]
) -> bool:
    """One set of schemes (alternatives may differ in one scope each), all native, at most
    one token scheme, at most one scope per alternative: what API Gateway enforces as is."""
    if len({tuple(sorted(entry)) for entry in alternatives}) > 1:
        return False
    kinds = {name: native_kind(spec) for name, (spec, _) in schemes.items()}
    if any(kind is None for kind in kinds.values()):
        return False
    tokens = [name for name, kind in kinds.items() if kind == "cognito"]
    if len(tokens) > 1:
        return False
    return all(len(entry[name] or ()) <= 1 for entry in alternatives for name in tokens)


def _credential(name: str, spec: Mapping[str, Any], pointer: str) -> Credential:
    ttl = _ttl(spec, pointer)
    kind = spec.get("type")
    if kind == "apiKey":
        location, header = spec.get("in"), spec.get("name")
        if location not in ("header", "query", "cookie") or not isinstance(header, str):
            raise SpecError(
                f"apiKey scheme {name!r} needs `in` (header, query or cookie) and a `name`; "
                "declare where the key is sent",
                pointer,
            )
        return Credential(name, "api_key", location, header, pointer, ttl)
    scheme = str(spec.get("scheme", "")).lower()
    if kind == "http" and scheme in ("basic", "bearer"):
        return Credential(name, scheme, "header", AUTHORIZATION, pointer, ttl)  # type: ignore[arg-type]
    if kind in _TOKEN_SCHEMES:
        # OAuth 2.0 bearer tokens travel in Authorization (RFC 6750, section 2.1).
        return Credential(name, "bearer", "header", AUTHORIZATION, pointer, ttl)
    described = f"http {spec.get('scheme')}" if kind == "http" else str(kind)
    raise SpecError(
        f"security scheme {name!r} ({described}) cannot be rendered: API Gateway's Lambda "
        "authorizers here read API keys (header, query, cookie), http basic and bearer "
        "credentials and OAuth 2.0 / OpenID Connect tokens; use one of those",
        pointer,
    )


def _ttl(spec: Mapping[str, Any], pointer: str) -> int | None:
    if TTL_EXTENSION not in spec:
        return None
    value = spec[TTL_EXTENSION]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TTL_SECONDS:
        raise SpecError(
            f"{TTL_EXTENSION} must be an integer number of seconds from 0 to "
            f"{MAX_TTL_SECONDS} (API Gateway's range); 0 turns caching off",
            join_pointer(pointer, TTL_EXTENSION),
        )
    return value
