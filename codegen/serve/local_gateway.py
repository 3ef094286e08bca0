"""`LocalGateway`: the WSGI app that plays API Gateway REST in front of in-process handlers.

Per request, in the order the deployed gateway works:
1. a payload over 10 MB -> 413, before anything else;
2. the local extras, which the deployed API does not have: `/openapi.json`,
   `/openapi.yaml`, `/docs` (hook), the local pool's `/.well-known/jwks.json` and its token
   endpoint `POST /oauth2/token` (`auth/token_endpoint.py`; on AWS, Cognito's domain);
3. the resource (routing) -> a Lambda method declared on it, else the gateway's own mock
   for that method (OPTIONS preflight) or for ANY (405 + Allow, 404 catch-all), else
   MISSING_AUTHENTICATION_TOKEN, all as the DefinitionBody declares them (`definition`);
   a mock answers for the media types its request templates map, else 415 (or 500);
4. the method's security, verified for real (`codegen.serve.auth.gatekeeper`): the
   Cognito authorizer first (token signature, expiry, issuer, client, scopes: else 401
   UNAUTHORIZED), then the API key (else 403 INVALID_API_KEY);
5. the proxy event (with `requestContext.authorizer.claims` and the verified
   `identity.apiKey`) and a context -> the handler; a raise or a malformed result -> 502;
6. the proxy response -> HTTP, checked against the spec (violations logged, never altered);
7. one log line: method, path, status, milliseconds, request id.

Not emulated: API Gateway's own request validation against its draft-04 models
(`x-amazon-apigateway-request-validators`). The handlers validate every request fully, so
locally they answer those 400s themselves, with the same status and `{"message", "errors"}`
envelope but their own `errors` details.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from codegen.openapi.aws_names import function_logical_id
from codegen.serve.auth.gatekeeper import Admission, Gatekeeper
from codegen.serve.context import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, LambdaContext
from codegen.serve.definition import GatewayDefinition
from codegen.serve.docs_hook import DocsSite
from codegen.serve.handlers import HandlerImportError, HandlerResolver
from codegen.serve.proxy import MalformedProxyResponse, ProxyResponse, to_proxy_response
from codegen.serve.proxy_events import LambdaEventConverter, raw_request_path
from codegen.serve.response_checks import ResponseChecker
from codegen.serve.routing import PathNotFound, RouteLike, RouteMatcher
from codegen.serve.spec_documents import SpecDocuments

if TYPE_CHECKING:
    from collections.abc import Callable

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("codegen.serve")
request_log = logging.getLogger("codegen.serve.requests")
contract_log = logging.getLogger("codegen.serve.contract")

# API Gateway REST's payload limit (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
MAX_BODY_BYTES = 10 * 1024 * 1024
LOCAL_GET_METHODS = frozenset({"GET", "HEAD"})
CLIENT_ENVIRON_KEY = "codegen.serve.client"


class _TooLarge(Exception):
    pass


def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, or `_TooLarge` past API Gateway's payload limit (never read whole)."""
    if (request.content_length or 0) > limit:
        raise _TooLarge
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise _TooLarge
    return body


class LocalGateway:
    """WSGI callable; every collaborator is injected so tests can use fakes."""

    def __init__(
        self,
        matcher: RouteMatcher,
        resolver: HandlerResolver,
        definition: GatewayDefinition,
        *,
        validator: ResponseChecker | None = None,
        spec_documents: SpecDocuments | None = None,
        docs: DocsSite | None = None,
        converter: LambdaEventConverter | None = None,
        function_name: Callable[[RouteLike], str] = lambda r: function_logical_id(r.operation_id),
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        memory_mb: int = DEFAULT_MEMORY_MB,
        gatekeeper: Gatekeeper | None = None,
        local_documents: Mapping[str, bytes] | None = None,
        local_endpoints: Mapping[str, Callable[[Request, bytes], Response]] | None = None,
    ) -> None:
        self.matcher = matcher
        self._resolver = resolver
        self.definition = definition  # what the deployed API Gateway answers by itself
        self._cors = definition.cors_headers
        self._validator = validator
        self._spec_documents = spec_documents
        self._docs = docs
        self._converter = converter or LambdaEventConverter(
            binary_media_types=definition.binary_media_types
        )
        self._function_name = function_name
        self._timeout_ms = timeout_ms
        self._memory_mb = memory_mb
        # Without one, nothing is configured to verify with: secured methods refuse all.
        self._gatekeeper = gatekeeper or Gatekeeper(definition)
        self._local_documents = dict(local_documents or {})  # e.g. /.well-known/jwks.json
        self._local_endpoints = dict(local_endpoints or {})  # e.g. POST /oauth2/token

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        request_id = str(uuid.uuid4())
        response = self.dispatch(request, request_id)
        # API Gateway names the request in every answer, its own and the Lambda's.
        response.headers["x-amzn-RequestId"] = request_id
        elapsed_ms = (time.perf_counter() - started) * 1000
        # The client team whose verified API key came with the request: logs may name the
        # caller, never its token or key.
        team = environ.get(CLIENT_ENVIRON_KEY)
        request_log.info(
            "%s %s %d %.1fms %s%s",
            request.method,
            raw_request_path(environ),
            response.status_code,
            elapsed_ms,
            request_id,
            f" client={team}" if team else "",
        )
        return response(environ, start_response)

    def dispatch(self, request: Request, request_id: str) -> Response:
        try:
            body = read_body(request)
        except _TooLarge:
            # The DefinitionBody customises REQUEST_TOO_LARGE (413, `{"message": "Request too
            # large"}` + CORS) and the local server answers with it. AWS's REST API notes
            # say that customisation is not applied yet, so the deployed body may differ.
            return self.definition.respond("REQUEST_TOO_LARGE", 413, "Request too large")
        path = raw_request_path(request.environ)
        endpoint = self._local_endpoints.get(path)
        if endpoint is not None:  # the local pool's token endpoint: not the API's
            return endpoint(request, body)
        extra = self._local_extra(request.method, path)
        if extra is not None:
            return extra
        try:
            found = self.matcher.find_resource(path)
        except PathNotFound:
            return self.definition.respond("MISSING_AUTHENTICATION_TOKEN")
        route = self.matcher.route(found.resource, request.method)
        if route is not None:
            security = self.definition.method_security(found.resource, request.method)
            admitted = self._gatekeeper.admit(
                request.headers,
                security,
                request_id,
                lambda: self._converter.convert(
                    request, body, route, found.path_parameters, request_id
                ),
            )
            if isinstance(admitted, Response):
                return admitted
            if admitted.api_key_client:
                request.environ[CLIENT_ENVIRON_KEY] = admitted.api_key_client
            return self._invoke(request, body, route, found.path_parameters, request_id, admitted)
        mock = self.definition.mock(found.resource, request.method)
        if mock is None:
            return self.definition.respond("MISSING_AUTHENTICATION_TOKEN")
        outcome = mock.outcome(request.headers.get("Content-Type"))
        if outcome == "unsupported":
            return self.definition.respond("UNSUPPORTED_MEDIA_TYPE")
        if outcome == "unparseable":
            return self.definition.respond("DEFAULT_5XX", 500, "Internal server error")
        return mock.response()

    def _local_extra(self, method: str, path: str) -> Response | None:
        """The spec documents and the docs page: served by this server, not by the API."""
        if method not in LOCAL_GET_METHODS:
            return None
        found = None
        if path in self._local_documents:
            found = Response(self._local_documents[path], content_type="application/json")
        if found is None and self._spec_documents is not None:
            found = self._spec_documents.response(path)
        if found is None and self._docs is not None:
            found = self._docs.response(path)
        if found is not None:
            for name, value in self._cors:
                found.headers[name] = value
        return found

    def _invoke(
        self,
        request: Request,
        body: bytes,
        route: RouteLike,
        path_parameters: dict[str, str],
        request_id: str,
        admission: Admission | None = None,
    ) -> Response:
        event = self._converter.convert(request, body, route, path_parameters, request_id)
        admission = admission or Admission()
        # As API Gateway hands them on: the verified key (null on methods that require
        # none) and, behind a Cognito authorizer, the token's claims as strings.
        event["requestContext"]["identity"]["apiKey"] = admission.api_key
        if admission.claims is not None:
            event["requestContext"]["authorizer"] = {"claims": admission.claims}
        if admission.authorizer is not None:  # what a Lambda authorizer returned
            event["requestContext"]["authorizer"] = admission.authorizer
        context = LambdaContext(
            aws_request_id=request_id,
            function_name=self._function_name(route),
            timeout_ms=self._timeout_ms,
            memory_limit_in_mb=self._memory_mb,
        )
        # A Lambda that fails, or answers something the proxy integration cannot read,
        # becomes API Gateway's 502 {"message": "Internal server error"} (DEFAULT_5XX).
        try:
            handler = self._resolver.resolve(route.handler)
            result: Any = handler(event, context)
            proxy = to_proxy_response(result)
        except HandlerImportError:
            log.exception("%s: Lambda init error in %s", route.operation_id, route.handler)
            return self.definition.respond("DEFAULT_5XX", 502, "Internal server error")
        except MalformedProxyResponse as error:
            log.error("%s: Malformed Lambda proxy response: %s", route.operation_id, error)
            return self.definition.respond("DEFAULT_5XX", 502, "Internal server error")
        except Exception:
            log.exception("%s: handler %s raised", route.operation_id, route.handler)
            return self.definition.respond("DEFAULT_5XX", 502, "Internal server error")
        self._check_contract(route, proxy)
        return Response(proxy.body, status=proxy.status, headers=list(proxy.headers))

    def _check_contract(self, route: RouteLike, proxy: ProxyResponse) -> None:
        if self._validator is None:
            return
        try:
            problems = self._validator.problems(route.method, route.path, proxy)
        except Exception:
            contract_log.exception("%s: response validation crashed", route.operation_id)
            return
        for problem in problems:
            contract_log.error(
                "CONTRACT VIOLATION %s (%s %s -> %d): %s",
                route.operation_id,
                route.method,
                route.path,
                proxy.status,
                problem,
            )
