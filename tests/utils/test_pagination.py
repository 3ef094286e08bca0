"""utils.pagination: cursors round-trip, and anything not made by encode_cursor is refused."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils import pagination
from utils.pagination import (
    MAX_TOKEN_LENGTH,
    InvalidCursorError,
    MissingSecretError,
    decode_cursor,
    encode_cursor,
)

KEY = {"id": "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"}
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(raw: bytes) -> str:
    """A token correctly signed with the test secret around any payload: what only a
    holder of the secret could make, so the shape checks behind the signature are tested."""
    payload = _b64(raw)
    return f"{payload}.{_b64(pagination._sign(payload))}"


def test_round_trip() -> None:
    token = encode_cursor(KEY)
    assert decode_cursor(token, {"id"}) == KEY


def test_token_is_url_safe_and_unpadded() -> None:
    token = encode_cursor({"id": "\xff\xfe>>>???"})  # bytes that give + and / in base64
    assert set(token) <= set(_ALPHABET + ".")
    assert decode_cursor(token, {"id"}) == {"id": "\xff\xfe>>>???"}


def test_a_key_too_long_for_the_spec_cannot_be_encoded() -> None:
    encode_cursor({"id": "x" * 350})  # fits in 512 characters with the signature
    with pytest.raises(ValueError, match="too long"):
        encode_cursor({"id": "x" * 400})


def test_encoding_a_non_string_key_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        encode_cursor({"id": 1})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("!!!", id="outside-alphabet"),
        pytest.param(encode_cursor(KEY).split(".")[0], id="unsigned"),
        pytest.param(
            _b64(b'{"id":"00000000-0000-4000-8000-000000000000"}') + "." + "A" * 22,
            id="forged-signature",
        ),
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


def test_a_valid_key_signed_with_another_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = encode_cursor(KEY)
    monkeypatch.setenv("CURSOR_SECRET", "another deployment's secret")
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, {"id"})


def test_changing_any_character_of_the_payload_is_refused() -> None:
    token = encode_cursor(KEY)
    payload, signature = token.split(".")
    for i in range(len(payload)):
        swapped = _ALPHABET[(_ALPHABET.index(payload[i]) + 1) % len(_ALPHABET)]
        tampered = f"{payload[:i]}{swapped}{payload[i + 1 :]}.{signature}"
        with pytest.raises(InvalidCursorError):
            decode_cursor(tampered, {"id"})


def test_without_a_secret_cursors_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CURSOR_SECRET")
    with pytest.raises(MissingSecretError):
        encode_cursor(KEY)


@given(st.dictionaries(st.just("id"), st.text(min_size=1, max_size=200), min_size=1))
def test_any_string_key_round_trips_or_is_refused_as_too_long(key: dict[str, str]) -> None:
    size = len(json.dumps(key, separators=(",", ":"), ensure_ascii=False).encode())
    # base64 of the payload (4 characters per 3 bytes) + "." + 22 characters of signature
    if -(-size * 4 // 3) + 23 > MAX_TOKEN_LENGTH:
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
