"""The generated Lambda authorizers and the stubs of their verification functions.

- `src/generated/authorizer_runtime.py`: reading credentials, trying alternatives, the
  IAM policy answer (rendered only when some operation needs a Lambda authorizer);
- `src/generated/authorizers/<name>.py`: one per `LambdaAuthorizer` of the model, its
  alternatives as a table and a `handler`;
- `src/authorizers/<scheme>.py`: one `verify(credential, scopes)` per security scheme,
  created once as a stub that refuses everything (like handler stubs: people's code).
"""

from __future__ import annotations

from pathlib import Path

from codegen.openapi.authorizers import Credential, LambdaAuthorizer
from codegen.openapi.model import Api
from codegen.render.python.runtime import GENERATED, runtime_source
from codegen.render.python.stubs import SOURCE_ROOT
from codegen.render.templating import header, render

STUB_PACKAGE = "authorizers"
_CREDENTIAL_TYPES = {"api_key": "str", "bearer": "str", "basic": "tuple[str, str]"}


def describe(authorizer: LambdaAuthorizer) -> str:
    """`api_key, or petstore_auth (write:pets, read:pets)`: what it requires."""
    return ", or ".join(
        " and ".join(
            f"{c.credential.scheme} ({', '.join(c.scopes)})" if c.scopes else c.credential.scheme
            for c in alternative
        )
        for alternative in authorizer.alternatives
    )


def _where(credential: Credential) -> str:
    if credential.kind != "api_key":
        return f"http {credential.kind} in Authorization"
    return f"an API key in the {credential.location} {credential.name!r}"


def render_authorizers(api: Api) -> dict[Path, str]:
    """The generated modules (empty when no operation needs a Lambda authorizer)."""
    if not api.authorizers:
        return {}
    head = header(api.spec_path.name)
    files = {
        GENERATED / "authorizer_runtime.py": runtime_source("authorizer_runtime.py", head),
        GENERATED / "authorizers" / "__init__.py": render(
            "package_init.py.j2",
            header=head,
            doc="Lambda REQUEST authorizers, one per requirement.",
        ),
    }
    for authorizer in api.authorizers:
        files[GENERATED / "authorizers" / f"{authorizer.name}.py"] = render(
            "authorizer.py.j2", header=head, authorizer=authorizer, description=describe(authorizer)
        )
    return files


def render_authorizer_stubs(api: Api) -> dict[Path, str]:
    """One verification stub per scheme an authorizer reads (write only if missing)."""
    credentials = {c.python_name: c for a in api.authorizers for c in a.credentials}
    if not credentials:
        return {}
    package = SOURCE_ROOT / STUB_PACKAGE
    files = {
        package
        / "__init__.py": '"""Verification functions of the Lambda authorizers (yours)."""\n',
    }
    for name, credential in credentials.items():
        files[package / f"{name}.py"] = render(
            "authorizer_stub.py.j2",
            credential=credential,
            described=_where(credential),
            credential_type=_CREDENTIAL_TYPES[credential.kind],
            spec_file=api.spec_path.name,
        )
    return files
