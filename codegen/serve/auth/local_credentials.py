"""The checkout's local credentials: a signing key, an issuer; per team an app client id, its
secret (for the local token endpoint, `/oauth2/token`) and an API key.

Created on first use in `.local/credentials.json` (git-ignored; the folder 0700, the file
0600, written atomically), and reused afterwards so tokens minted by
`python -m codegen credentials` keep working across server restarts. A team declared later
in the spec gets its client id and key added on the next use; a team removed keeps its
entry but is no longer accepted (only declared teams are configured). A file written before
the token endpoint existed gets each team's missing client secret added the same way.

These are local development credentials: nothing here is ever valid against AWS.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LOCAL_DIRECTORY = ".local"
CREDENTIALS_FILE = "credentials.json"
RSA_BITS = 2048
# Cognito's issuer is `https://cognito-idp.<region>.amazonaws.com/<pool id>`; the local pool
# gets an issuer of the same shape on a reserved domain (RFC 2606 `.invalid`), so it can
# never be mistaken for, nor collide with, a real pool's.
LOCAL_ISSUER_PREFIX = "https://cognito-idp.local.invalid/"
# API Gateway generates 40-character API keys of letters and digits; ours have the same form.
API_KEY_LENGTH = 40
# Cognito generates app client secrets of 51 lower-case letters and digits; ours have the form.
CLIENT_SECRET_LENGTH = 51
_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class CredentialsError(Exception):
    """The credentials file cannot be read or written (one line, no traceback)."""


@dataclass(frozen=True)
class ClientCredentials:
    name: str  # the client team, e.g. "mobile"
    client_id: str  # like a Cognito app client id: 26 lower-case letters and digits
    api_key: str
    client_secret: str  # the app client's secret, for the client-credentials grant


@dataclass(frozen=True)
class LocalCredentials:
    path: Path
    key_id: str  # the JWK `kid`
    issuer: str
    private_key_pem: str
    clients: dict[str, ClientCredentials]

    def private_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.private_key_pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise CredentialsError(f"{self.path}: the signing key is not an RSA key")
        return key

    def jwks(self) -> dict[str, Any]:
        """The public half, as the pool's `/.well-known/jwks.json` publishes it."""
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key().public_key()))
        jwk.update({"kid": self.key_id, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}


def credentials_path(root: Path) -> Path:
    return root / LOCAL_DIRECTORY / CREDENTIALS_FILE


def load_or_create(root: Path, client_names: Iterable[str]) -> LocalCredentials:
    """The checkout's credentials, created or completed for `client_names` as needed."""
    path = credentials_path(root)
    # Two processes starting at once (a server and `credentials`) must agree on one key.
    with _locked(path):
        return _load_or_create(path, client_names)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        with open(path.parent / ".credentials.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    except OSError as error:
        raise CredentialsError(f"{path}: {error.strerror or error}") from error


def _load_or_create(path: Path, client_names: Iterable[str]) -> LocalCredentials:
    data = _read(path)
    changed = False
    if not data:
        data = _new_store()
        changed = True
    clients: dict[str, Any] = data.setdefault("clients", {})
    for name in client_names:
        if name not in clients:
            clients[name] = {"client_id": _client_id(), "api_key": _api_key()}
            changed = True
        if isinstance(clients[name], dict) and "client_secret" not in clients[name]:
            clients[name]["client_secret"] = _client_secret()
            changed = True
    if changed:
        _write(path, data)
    try:
        return LocalCredentials(
            path=path,
            key_id=str(data["kid"]),
            issuer=str(data["issuer"]),
            private_key_pem=str(data["private_key_pem"]),
            clients={
                name: ClientCredentials(
                    name, str(c["client_id"]), str(c["api_key"]), str(c.get("client_secret", ""))
                )
                for name, c in clients.items()
            },
        )
    except (KeyError, TypeError) as error:
        raise CredentialsError(
            f"{path}: unreadable credentials (missing {error}); delete the file to start anew"
        ) from error


def _new_store() -> dict[str, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    pool_id = "local_" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(9))
    return {
        "comment": "Local credentials of `python -m codegen serve`; never valid on AWS.",
        "kid": secrets.token_urlsafe(16),
        "issuer": LOCAL_ISSUER_PREFIX + pool_id,
        "private_key_pem": pem,
        "clients": {},
    }


def _client_id() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(26))


def _client_secret() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(CLIENT_SECRET_LENGTH))


def _api_key() -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(API_KEY_LENGTH))


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise CredentialsError(f"{path}: {error.strerror or error}") from error
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CredentialsError(f"{path}: not JSON ({error}); delete it to start anew") from error
    if not isinstance(data, dict):
        raise CredentialsError(f"{path}: not a JSON object; delete it to start anew")
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=2)
                stream.write("\n")
            os.replace(temporary, path)  # atomic: a concurrent reader sees old or new
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CredentialsError(f"{path}: {error.strerror or error}") from error
