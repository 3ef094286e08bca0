"""`python -m codegen fuzz`: schemathesis against a target, leaving nothing behind (cli.py)."""

from codegen.fuzz.cli import main

__all__ = ["main"]
