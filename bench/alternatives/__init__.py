"""The comparison handlers: the same API written with the usual alternatives.

Each module exposes `handler(event, context)` (an API Gateway REST proxy handler
serving every operation of openapi.yaml), except `chalice_app`, whose `app`
object is itself the handler. None of them is part of the Lambda package.
"""
