"""Per method, what API Gateway decides before the Lambda runs: admit, or which refusal.

A method behind a Lambda REQUEST authorizer gets that authorizer's answer
(`lambda_authorizers`), and is refused (500) when the gatekeeper has no such authorizer to
run: never admitted without it. Otherwise, in order, as the deployed REST API checks
(tests/serve/test_gateway.py; the Lambda authorizer cases in test_auth_gatekeeper.py):
1. the Cognito user pools authorizer: no token, or a token that fails verification
   (`tokens`), including one that carries none of the method's scopes -> 401
   UNAUTHORIZED `{"message":"Unauthorized"}`. AWS documents no separate status for a
   missing scope, and its troubleshooting guide for Cognito authorizers lists the
   method's scopes among the causes of "401 Unauthorized" (AWS re:Post knowledge center,
   "api-gateway-cognito-401-unauthorized"): API Gateway answers a scope mismatch as an
   authorizer failure, not with 403 ACCESS_DENIED (which is what a Lambda authorizer's
   Deny policy or a resource policy produces). Some emulators answer 403 here
   (KensioSoftware/yulin#792); we follow AWS.
2. the API key: missing, or not a key of a usage plan on the stage -> 403
   INVALID_API_KEY `{"message":"Forbidden"}` (Amazon API Gateway Developer Guide, "Choose
   an API key source"). The authorizer runs first: with the AUTHORIZER key source the key
   *comes from* the authorizer's output (`usageIdentifierKey`, "Output from an API
   Gateway Lambda authorizer"), and API Gateway applies one pipeline whatever the source;
   so a request failing both gets the 401.
Refusals are the DefinitionBody's gateway responses (status, CORS headers, envelope), as
deployed. Usage-plan throttling and quotas (429) are not emulated locally.

The reason of each refusal is logged for the developer (never the token or key itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from werkzeug.wrappers import Response

from codegen.serve.auth.api_keys import API_KEY_HEADER, ApiKeyRegistry
from codegen.serve.auth.lambda_authorizers import LambdaAuthorizers
from codegen.serve.auth.tokens import TokenRejected, TokenVerifier
from codegen.serve.definition import GatewayDefinition, MethodSecurity

log = logging.getLogger("codegen.serve.auth")


class Headers(Protocol):
    def get(self, key: str) -> str | None: ...


@dataclass(frozen=True)
class Admission:
    """A request let through, with what API Gateway hands the integration about it."""

    claims: dict[str, str] | None = None  # requestContext.authorizer.claims
    api_key: str | None = None  # requestContext.identity.apiKey (a verified key only)
    api_key_client: str | None = None  # the client team the key belongs to
    authorizer: dict[str, Any] | None = None  # a Lambda authorizer's requestContext.authorizer


class Gatekeeper:
    def __init__(
        self,
        definition: GatewayDefinition,
        verifier: TokenVerifier | None = None,
        api_keys: ApiKeyRegistry | None = None,
        lambda_authorizers: LambdaAuthorizers | None = None,
    ) -> None:
        self._definition = definition
        # None: nothing configured to verify with: every secured request is refused.
        self._verifier = verifier
        self._api_keys = api_keys or ApiKeyRegistry({})
        self._lambda_authorizers = lambda_authorizers

    def admit(
        self,
        headers: Headers,
        security: MethodSecurity,
        request_id: str = "-",
        event: Callable[[], Mapping[str, Any]] | None = None,
    ) -> Admission | Response:
        """An `Admission`, or the gateway response refusing the request. `event` builds the
        proxy event, which a Lambda authorizer's REQUEST event is made from."""
        if security.lambda_authorizer:
            return self._custom(security.lambda_authorizer, request_id, event)
        claims: dict[str, str] | None = None
        if security.authorizer:
            try:
                if self._verifier is None:
                    raise TokenRejected("no user pool configured to verify tokens with")
                verified = self._verifier.verify(headers.get("Authorization"), security.scopes)
            except TokenRejected as reason:
                log.info("401 UNAUTHORIZED (%s) %s", reason, request_id)
                return self._definition.respond("UNAUTHORIZED", 401, "Unauthorized")
            claims = verified.claims
        if not security.api_key:
            return Admission(claims=claims)
        presented = headers.get(API_KEY_HEADER)
        client = self._api_keys.client_of(presented)
        if client is None:
            why = "no x-api-key header" if not presented else "unknown API key"
            log.info("403 INVALID_API_KEY (%s) %s", why, request_id)
            return self._definition.respond("INVALID_API_KEY", 403, "Forbidden")
        return Admission(claims=claims, api_key=presented, api_key_client=client)

    def _custom(
        self,
        name: str,
        request_id: str,
        event: Callable[[], Mapping[str, Any]] | None,
    ) -> Admission | Response:
        """A method behind the Lambda authorizer `name`: its answer, never an admission
        without it (deny by default)."""
        custom = self._lambda_authorizers
        if custom is None or event is None or name not in custom.authorizers:
            # Nothing here can run the authorizer, so the request is refused as API Gateway
            # refuses one whose authorizer it cannot invoke: 500 AUTHORIZER_CONFIGURATION_ERROR
            # (through DEFAULT_5XX: `{"message": "Internal server error"}` with its CORS
            # headers), as `LambdaAuthorizers` answers an authorizer whose module does not
            # import. Not 401 or 403: the caller's credentials were never looked at, and
            # those would tell a client to fix what is the server's configuration.
            log.error("500 AUTHORIZER_CONFIGURATION_ERROR (%s: not set up) %s", name, request_id)
            return self._definition.respond(
                "AUTHORIZER_CONFIGURATION_ERROR", 500, "Internal server error"
            )
        found = custom.authorize(name, event(), request_id)
        return found if isinstance(found, Response) else Admission(authorizer=found)
