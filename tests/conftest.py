"""Root conftest: keep it minimal.

Fake AWS settings for every test, set before any test module imports boto3, so no test
can ever reach a real AWS account (a test that needs an endpoint sets
AWS_ENDPOINT_URL_DYNAMODB itself: moto in-process, or DynamoDB Local).
"""

from __future__ import annotations

import os

_FAKE_AWS_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # Never read the developer's ~/.aws files or instance metadata.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "SAM_CLI_TELEMETRY": "0",
    # Signs pagination cursors (utils.pagination); deployed, the template generates it.
    "CURSOR_SECRET": "test-cursor-secret",
}

for _key, _value in _FAKE_AWS_ENV.items():
    os.environ[_key] = _value
os.environ.pop("AWS_PROFILE", None)

# Every tool the project installs for itself is reached by its path, never through PATH: see
# tests/support/path_guard.py.
from tests.support import path_guard  # noqa: E402

PATH_GUARD = path_guard.install()
