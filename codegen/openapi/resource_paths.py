"""Which spec paths API Gateway can build a REST API resource for, and why not the others.

An API Gateway REST API is a tree of resources, one per path segment ("path part"), and
the import of a definition refuses any part outside what its error message states:
"Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the
end and an optional plus sign before the closing brace". A path parameter is therefore a
whole segment, `{name}` or greedy `{name+}`; OpenAPI also allows one inside a segment
(`/{provider}.json`, `/profiles/{id}{ext}`, Google's custom methods `/v1/{name}:rotate`),
which no resource can express. The message omits `:`, yet API Gateway accepts it in a
path part (getmoto/moto#6148, aws/aws-cdk#22477); moto's `create_resource`
(moto/apigateway/models.py) checks `^\\{?[a-zA-Z0-9._\\-\\:]+\\+?\\}?$`, and the patterns
below are that one with the braces made to pair.

The parser leaves an operation on such a path out of the model (`Api.skipped`), so every
stage (template, handlers, local server, published document) sees the same API.
"""

from __future__ import annotations

import re

_PART = r"[A-Za-z0-9._:-]+"
_LITERAL = re.compile(_PART)
_PARAMETER = re.compile(r"\{" + _PART + r"\+?\}")
_WHOLE_SEGMENT = re.compile(r"\{[^{}]*\}")

WHOLE_SEGMENT_RULE = (
    "API Gateway resources take a path parameter only as a whole segment, {name} or {name+}"
)
CHARACTERS_RULE = "API Gateway allows only a-zA-Z0-9._-: in a resource path part"


def undeployable_reason(path: str) -> str | None:
    """Why API Gateway cannot build a resource for `path`, or None when it can.

    Empty segments (`/`, `/users/`) are left to the rest of the generator, as before.
    """
    for segment in path.split("/"):
        if not segment or _LITERAL.fullmatch(segment) or _PARAMETER.fullmatch(segment):
            continue
        if _WHOLE_SEGMENT.fullmatch(segment) or not ("{" in segment or "}" in segment):
            return f"path segment {segment!r} has a character it may not have: {CHARACTERS_RULE}"
        return f"path segment {segment!r} mixes a parameter with text: {WHOLE_SEGMENT_RULE}"
    return None
