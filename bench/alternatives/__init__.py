"""The comparison handlers: the same API written the usual other ways (a bare handler,
Chalice, Powertools, openapi-core), each doing our job (jobs.py: the same domain code and
the same request lines) and differing only in routing, validation and responses.

Each module exposes `handler(event, context)`, an API Gateway REST proxy handler serving
every operation of openapi.yaml. None of them is part of the Lambda package.
"""
