"""Storing users for a test through the real service (the fixtures set the tables' names)."""

from __future__ import annotations

from collections.abc import Mapping

from users import service, store


def add_user(fields: Mapping[str, str]) -> service.User:
    """Create a user (with its email claim) as POST /users would; the stored user."""
    return service.create_user(store.current(), fields, "/users").user
