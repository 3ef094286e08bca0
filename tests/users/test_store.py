"""users.store: the handlers' one way to reach their tables."""

from __future__ import annotations

import pytest

from users import store
from utils import dynamodb as ddb


def test_a_new_endpoint_gives_a_new_store_without_clear_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ddb.clear_cache()
    try:
        monkeypatch.setenv("TABLE_NAME", "users")
        monkeypatch.setenv("EMAILS_TABLE_NAME", "emails")
        monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", "keys")
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8001")
        first = store.current()
        assert store.current() is first  # a warm call builds nothing
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8002")
        second = store.current()
        assert second is not first
        for table in (second.users, second.emails, second.idempotency):
            assert table.meta.client.meta.endpoint_url == "http://127.0.0.1:8002"
        names = (second.users.name, second.emails.name, second.idempotency.name)
        assert names == ("users", "emails", "keys")
    finally:
        ddb.clear_cache()
