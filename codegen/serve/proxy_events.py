"""HTTP request -> API Gateway REST proxy event (Lambda proxy integration, payload 1.0).

Field by field, as the deployed REST API builds it
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html):
- `path` and `requestContext.path` keep the percent-encoding the client sent (REST APIs
  do not decode the path; middleapi/standard-server#93 cites live captures), while
  `pathParameters` values are decoded (see `routing`).
- `queryStringParameters` holds the *last* value of a repeated parameter and
  `multiValueQueryStringParameters` all of them; both are `null` without a query string.
  `headers` / `multiValueHeaders` likewise. `pathParameters` and `stageVariables` are
  `null` when empty.
- `body` is `null` when empty. A body whose media type is one of the API's binary media
  types (`x-amazon-apigateway-binary-media-types`) is sent base64-encoded with
  `isBase64Encoded: true`, as API Gateway does; other bodies pass as text, except bytes
  that are not UTF-8, which cannot travel as a JSON string: they are sent base64-encoded
  too and the handler's strict decoding rejects them with a 400.
- `requestContext.path` is the path as the client called it. On the default execute-api
  domain that includes the stage (`/v1/users`); the local server serves the API at its
  root like a custom domain with an empty base path, where it is just `/users`. Handlers
  build `Location` from it, so the links they return work against the server that
  answered.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from werkzeug.wrappers import Request

from codegen.openapi.http import bare_media_type
from codegen.serve.context import LOCAL_ACCOUNT_ID
from codegen.serve.routing import RouteLike

LOCAL_API_ID = "local"
DEFAULT_STAGE = "local"

Event = dict[str, Any]


def raw_request_path(environ: dict[str, Any]) -> str:
    """The request path exactly as the client sent it (still percent-encoded)."""
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if isinstance(raw_uri, str) and raw_uri:
        path = urlsplit(raw_uri).path if "://" in raw_uri else raw_uri.split("?", 1)[0]
        return path or "/"
    # Plain WSGI servers only give the decoded PATH_INFO (bytes as latin-1): re-encode it.
    path_info = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
    return quote(path_info, safe="/:@!$&'()*+,;=-._~") or "/"


def _single_and_multi(
    pairs: Iterable[tuple[str, str]],
) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if not multi:
        return None, None
    return {name: values[-1] for name, values in multi.items()}, multi


def _body_fields(body: bytes, binary: bool = False) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if not binary:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


class LambdaEventConverter:
    """Builds the proxy event for one matched request."""

    def __init__(
        self, *, stage: str = DEFAULT_STAGE, binary_media_types: Iterable[str] = ()
    ) -> None:
        self._stage = stage
        self._binary_media_types = frozenset(t.lower() for t in binary_media_types)

    def convert(
        self,
        request: Request,
        body: bytes,
        route: RouteLike,
        path_parameters: dict[str, str],
        request_id: str,
    ) -> Event:
        environ = request.environ
        path = raw_request_path(environ)
        query = environ.get("QUERY_STRING", "")
        query_text = query.encode("latin-1").decode("utf-8", "replace")
        single_query, multi_query = _single_and_multi(
            parse_qsl(query_text, keep_blank_values=True, errors="replace")
        )
        # WSGI has already folded repeated request headers into one comma-separated value,
        # and lost the client's header-name case: names come title-cased (`Content-Type`).
        single_headers, multi_headers = _single_and_multi(request.headers.items())
        binary = bare_media_type(request.headers.get("Content-Type")) in self._binary_media_types
        text_body, is_base64 = _body_fields(body, binary)
        now = time.time()
        source_ip = request.remote_addr or "127.0.0.1"
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": request.method,
            "headers": single_headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": single_query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": dict(path_parameters) or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": LOCAL_ACCOUNT_ID,
                "apiId": LOCAL_API_ID,
                "domainName": request.host,
                "domainPrefix": request.host.split(".", 1)[0],
                "extendedRequestId": request_id,
                "httpMethod": request.method,
                "identity": {
                    "sourceIp": source_ip,
                    "userAgent": request.headers.get("User-Agent"),
                    # Set by API Gateway on methods requiring a key, once verified (the
                    # gateway fills it in after codegen.serve.auth admitted the request).
                    "apiKey": None,
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "cognitoAuthenticationProvider": None,
                    "cognitoAuthenticationType": None,
                    "cognitoIdentityId": None,
                    "cognitoIdentityPoolId": None,
                    "principalOrgId": None,
                    "user": None,
                    "userArn": None,
                },
                "path": path,
                "protocol": str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
                "requestId": request_id,
                "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "requestTimeEpoch": int(now * 1000),
                "resourceId": LOCAL_API_ID,
                "resourcePath": route.path,
                "stage": self._stage,
            },
            "body": text_body,
            "isBase64Encoded": is_base64,
        }
