"""The HTTP layer (codegen/serve/http_server.py): cheroot on the socket the command bound."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from cheroot import makefile

from codegen.serve import http_server
from codegen.serve.cli import bind
from codegen.serve.http_server import HeadWithBodyWriter, HttpServer, make_file
from tests.serve.http_servers import serving


def _echo(environ: dict[str, object], start_response: object) -> Iterable[bytes]:
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    # Without a length (a chunked body) cheroot's input ends where the body does.
    body = stream.read(int(str(length))) if length else stream.read()  # type: ignore[attr-defined]
    text = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {body.decode()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])  # type: ignore[operator]
    return [text]


@pytest.fixture
def server() -> Iterator[HttpServer]:
    with serving(_echo) as http:
        yield http


def _read_responses(conn: socket.socket, count: int, timeout: float = 10) -> list[bytes]:
    data = b""
    bodies: list[bytes] = []
    conn.settimeout(timeout)
    while len(bodies) < count:
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        bodies.append(rest[:length])
        data = rest[length:]
    return bodies


def test_pipelined_requests_on_one_connection_are_all_answered(server: HttpServer) -> None:
    """Two requests in one packet: the second is already buffered when the first is
    answered (cheroot's selector sees nothing new on the socket; its reader must)."""
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(
            b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
            b"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nsecond"
        )
        assert _read_responses(conn, 2) == [b"POST /a first", b"POST /b second"]


def test_keep_alive_requests_in_turn_and_a_chunked_body(server: HttpServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        for n in range(3):
            conn.sendall(f"GET /n{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert _read_responses(conn, 1) == [f"GET /n{n} ".encode()]
        conn.sendall(
            b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        )
        assert _read_responses(conn, 1) == [b"POST /c abcde"]
        conn.sendall(b"GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_responses(conn, 1) == [b"GET /after "]


def test_a_client_that_connects_before_the_server_runs_gets_no_nagle_delay() -> None:
    """`serve` listens while the app loads. A connection the kernel accepted in that window
    takes the listening socket's options then: without TCP_NODELAY from the start, each
    answer's body waited for the client's delayed ACK (about 40 ms)."""
    listening = bind("127.0.0.1", 0)
    client = socket.create_connection(listening.getsockname()[:2], timeout=5)
    try:
        accepted, _ = listening.accept()  # the server has not touched the socket yet
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        client.close()
        listening.close()


def test_the_server_uses_no_private_reader() -> None:
    """Reading is cheroot's own (only public classes of cheroot are used)."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert type(make_file(ours, "rb")) is makefile.StreamReader
        assert isinstance(make_file(theirs, "wb"), HeadWithBodyWriter)


def test_a_client_that_keeps_sending_does_not_keep_the_only_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker answers a connection's next request itself when it comes soon, but only
    while no other connection waits: with one worker and a client that never pauses, a
    second client is still answered. The wait is lengthened so that the busy client's next
    request always comes within it: without the check, the second client waited for the
    first to stop."""
    monkeypatch.setattr(http_server, "LINGER_SECONDS", 0.5)
    stop = threading.Event()
    with serving(_echo, threads=1) as http:

        def keep_sending() -> None:
            with socket.create_connection(("127.0.0.1", http.port)) as conn:
                while not stop.is_set():
                    conn.sendall(b"GET /busy HTTP/1.1\r\nHost: x\r\n\r\n")
                    _read_responses(conn, 1)

        busy = threading.Thread(target=keep_sending, daemon=True)
        busy.start()
        try:
            time.sleep(0.3)  # the only worker is answering the busy client
            with socket.create_connection(("127.0.0.1", http.port)) as other:
                other.sendall(b"GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
                assert _read_responses(other, 1, timeout=5) == [b"GET /other "]
        finally:
            stop.set()
            busy.join(10)
        assert not busy.is_alive()


def test_the_writer_sends_held_headers_with_the_body_or_on_release() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        writer: Any = HeadWithBodyWriter(ours, "wb")
        theirs.setblocking(False)
        writer.hold_next = True
        assert writer.write(b"HTTP/1.1 200 OK\r\n\r\n") == 19
        with pytest.raises(BlockingIOError):
            theirs.recv(100)  # held: nothing sent yet
        assert writer.write(b"body") == 4
        assert theirs.recv(100) == b"HTTP/1.1 200 OK\r\n\r\nbody"  # one send, both
        writer.hold_next = True
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        writer.release()  # an answer without a body
        assert theirs.recv(100) == b"HTTP/1.1 204 No Content\r\n\r\n"
        writer.release()
        with pytest.raises(BlockingIOError):
            theirs.recv(100)  # released once


def _no_content(environ: dict[str, object], start_response: Any) -> Iterable[bytes]:
    start_response("204 No Content", [])
    return []


def test_an_answer_without_a_body_is_not_held_back() -> None:
    """Headers wait for the body; a 204 has none, so the connection sends them once the
    request is done, and the kept-alive connection serves the next request."""
    with serving(_no_content) as http, socket.create_connection(("127.0.0.1", http.port)) as conn:
        conn.settimeout(5)
        for _ in range(2):
            conn.sendall(b"DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(65536)
            assert head.startswith(b"HTTP/1.1 204 No Content\r\n")
