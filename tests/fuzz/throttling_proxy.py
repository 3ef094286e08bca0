"""A stage with a low throttle: a loopback proxy that answers 429 as API Gateway does.

In front of the local server (which enforces no usage plan), it forwards every request.
As API Gateway meters a usage plan by API key, after the authorizer and the key check (a
request without valid credentials gets its 401 or 403 whatever the load), only requests
carrying the team's key and a token count: over the token bucket (rate, burst) they get API
Gateway's 429 `{"message": "Too Many Requests"}` (no Retry-After), and every
`unavailable_every`-th gets the API's 503 with `Retry-After: 1` (DynamoDB throttling, which
only a request that reached a handler can meet); neither is forwarded.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class Throttle:
    def __init__(self, api_key: str, rate: float, burst: int, unavailable_every: int) -> None:
        self.api_key = api_key
        self.rate, self.burst, self.unavailable_every = rate, burst, unavailable_every
        self.tokens = float(burst)
        self.last = time.monotonic()
        self.seen = 0
        self.answered: dict[int, int] = {429: 0, 503: 0}
        self.lock = threading.Lock()

    def verdict(self) -> int | None:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.seen += 1
            if self.tokens < 1:
                self.answered[429] += 1
                return 429
            self.tokens -= 1
            if self.seen % self.unavailable_every == 0:
                self.answered[503] += 1
                return 503
            return None


@contextmanager
def throttling_proxy(upstream: str, throttle: Throttle) -> Iterator[str]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            metered = (
                self.headers.get("x-api-key") == throttle.api_key
                and "Authorization" in self.headers
                and self.path.startswith("/users")
            )
            verdict = throttle.verdict() if metered else None
            if verdict == 429:
                json_type = [("Content-Type", "application/json")]
                self._answer(429, b'{"message":"Too Many Requests"}', json_type)
                return
            if verdict == 503:
                message = b'{"message":"Service temporarily unavailable, retry later"}'
                headers = [("Content-Type", "application/json"), ("Retry-After", "1")]
                self._answer(503, message, headers)
                return
            connection = http.client.HTTPConnection(str(target.hostname), target.port, timeout=30)
            try:
                sent = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                connection.request(self.command, self.path, body=body, headers=sent)
                answer = connection.getresponse()
                data = answer.read()
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
                self._answer(answer.status, data, kept)
            finally:
                connection.close()

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # every method, QUERY and TRACE included
                return self._forward
            raise AttributeError(name)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
