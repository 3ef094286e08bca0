"""Renderers of Python code: src/generated/ and the handler stubs."""
