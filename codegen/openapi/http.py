"""HTTP vocabulary as OpenAPI and API Gateway use it: methods and media types."""

from __future__ import annotations

# The operations an OpenAPI path item can hold, in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPE = "application/json"


def bare_media_type(content_type: str | None) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json`; "" when there is none.

    Parameters (`; charset=...`) are dropped and case is folded: media types are
    case-insensitive (RFC 9110 8.3.1), and API Gateway matches models, binary media types
    and mapping templates on the type without its parameters.
    """
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media_type(media_type: str) -> bool:
    """A JSON media type, with or without parameters: what the generated validators parse.

    `application/json`, the legacy `text/json` (.NET's Swashbuckle lists it), and any
    `type/subtype+json`: RFC 6839 3.1 registers `+json` as the suffix of a media type whose
    representation is JSON (`application/merge-patch+json`, `application/problem+json`),
    so the range `application/*+json` is one too.
    """
    bare = bare_media_type(media_type)
    return bare in (JSON_MEDIA_TYPE, "text/json") or bare.endswith("+json")


def is_media_range(media_type: str) -> bool:
    """`*/*`, `image/*`: a range of media types rather than one (RFC 9110 12.5.1)."""
    return bare_media_type(media_type).endswith("/*")
