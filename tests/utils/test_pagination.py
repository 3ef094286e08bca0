"""utils.pagination: cursors round-trip, and anything not made by encode_cursor is refused."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.pagination import MAX_TOKEN_LENGTH, InvalidCursorError, decode_cursor, encode_cursor

KEY = {"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"}
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_round_trip() -> None:
    token = encode_cursor(KEY)
    assert decode_cursor(token, {"id"}) == KEY


def test_token_is_url_safe_and_unpadded() -> None:
    token = encode_cursor({"id": "\xff\xfe>>>???"})  # bytes that give + and / in base64
    assert set(token) <= set(_ALPHABET)
    assert decode_cursor(token, {"id"}) == {"id": "\xff\xfe>>>???"}


def test_a_key_too_long_for_the_spec_cannot_be_encoded() -> None:
    encode_cursor({"id": "x" * 370})  # fits in 512 characters
    with pytest.raises(ValueError, match="too long"):
        encode_cursor({"id": "x" * 400})


def test_encoding_a_non_string_key_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        encode_cursor({"id": 1})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("!!!", id="outside-alphabet"),
        pytest.param(encode_cursor(KEY) + "=", id="padding"),
        pytest.param(encode_cursor(KEY) + "%3D", id="percent-escape"),
        pytest.param(encode_cursor(KEY)[:-1], id="truncated"),
        pytest.param("A", id="impossible-length"),
        pytest.param(_token(b"not json"), id="not-json"),
        pytest.param(_token(b"\xff\xfe"), id="not-utf8"),
        pytest.param(_token(b'["id"]'), id="array"),
        pytest.param(_token(b'"id"'), id="string"),
        pytest.param(_token(b"{}"), id="no-key"),
        pytest.param(_token(json.dumps({"id": "x", "extra": "y"}).encode()), id="extra-key"),
        pytest.param(_token(json.dumps({"name": "x"}).encode()), id="wrong-key"),
        pytest.param(_token(json.dumps({"id": 7}).encode()), id="number"),
        pytest.param(_token(json.dumps({"id": ""}).encode()), id="empty"),
        pytest.param(_token(json.dumps({"id": {"S": "x"}}).encode()), id="typed-value"),
        pytest.param("A" * (MAX_TOKEN_LENGTH + 4), id="too-long"),
    ],
)
def test_refuses_what_encode_cursor_did_not_make(token: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, {"id"})


def test_non_canonical_base64_is_refused() -> None:
    # 10 bytes -> 14 characters -> 4 unused low bits in the last one, which Python's
    # decoder ignores: a second token would decode to the same key.
    token = encode_cursor({"id": "x"})
    assert base64.urlsafe_b64decode(token + "==") == b'{"id":"x"}'
    sibling = token[:-1] + _ALPHABET[_ALPHABET.index(token[-1]) + 1]
    assert base64.urlsafe_b64decode(sibling + "==") == b'{"id":"x"}'
    with pytest.raises(InvalidCursorError):
        decode_cursor(sibling, {"id"})


@given(st.dictionaries(st.just("id"), st.text(min_size=1, max_size=200), min_size=1))
def test_any_string_key_round_trips_or_is_refused_as_too_long(key: dict[str, str]) -> None:
    size = len(json.dumps(key, separators=(",", ":"), ensure_ascii=False).encode())
    if size * 4 > MAX_TOKEN_LENGTH * 3:  # base64: 4 characters per 3 bytes
        with pytest.raises(ValueError):
            encode_cursor(key)
    else:
        assert decode_cursor(encode_cursor(key), {"id"}) == key


@given(st.text(max_size=600))
def test_any_text_either_decodes_to_the_right_shape_or_is_refused(token: str) -> None:
    try:
        key = decode_cursor(token, {"id"})
    except InvalidCursorError:
        return
    assert set(key) == {"id"} and isinstance(key["id"], str) and key["id"]
    assert encode_cursor(key) == token  # only canonical tokens are accepted
