"""Operator tools: run from a checkout against a deployed stack, never packaged into the
Lambda functions (`CodeUri: src/`)."""
