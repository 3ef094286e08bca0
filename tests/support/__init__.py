"""Shared helpers for the test suite (tool discovery, skips that fail under CI)."""
