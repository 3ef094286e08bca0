"""The bare handler plus a boto3 DynamoDB `Table` resource created at import.

The floor for anything that touches DynamoDB: the same code as `bare`, with the
unavoidable boto3 import and resource creation.
"""

from __future__ import annotations

import os

import boto3

from bench.alternatives import bare

bare.TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE_NAME", "UsersTable"))
handler = bare.handler
