"""Customer managed KMS keys of the template (access logs, secrets, alarm topic)."""

from __future__ import annotations

from typing import Any


def kms_key(description: str, *statements: dict[str, Any]) -> dict[str, Any]:
    """A customer managed key with rotation, administered by the account (the default key
    policy: IAM policies grant its use), plus `statements` for services that need them."""
    account_administers = {
        "Sid": "AccountAdministers",
        "Effect": "Allow",
        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
        "Action": "kms:*",
        "Resource": "*",
    }
    return {
        "Type": "AWS::KMS::Key",
        "Properties": {
            "Description": description,
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [account_administers, *statements],
            },
        },
    }
