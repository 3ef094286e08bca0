"""`python -m codegen credentials`: see `codegen.serve.auth.credentials_cli`."""

from codegen.serve.auth.credentials_cli import main

__all__ = ["main"]
