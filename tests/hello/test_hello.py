"""GET /hello: 200 with the path, CORS headers, and no boto3 on the cold-start path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hello.handler import handler
from tests.support.contract import body_of, invoke
from tests.support.events import api_event

ROOT = Path(__file__).resolve().parents[2]


def test_200_with_the_path() -> None:
    response = invoke(handler, api_event("GET", "/hello"))
    assert response["statusCode"] == 200
    assert body_of(response) == {"message": "Hello from Lambda", "path": "/hello"}
    assert response["headers"]["Access-Control-Allow-Origin"] == "*"


def test_path_is_null_when_the_event_has_none() -> None:
    event = api_event("GET", "/hello")
    del event["path"]
    assert body_of(handler(event, None)) == {"message": "Hello from Lambda", "path": None}


def test_hello_does_not_import_boto3() -> None:
    code = (
        "import sys; sys.path.insert(0, 'src'); import hello.handler; "
        "heavy = sorted(m for m in ('boto3', 'botocore') if m in sys.modules); "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
