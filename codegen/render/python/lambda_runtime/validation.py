"""Turn an API Gateway proxy event into checked, typed request values (Lambda run time).

Each operation module is straight-line code that reads only the parameters and the body
its operation declares, with the helpers here: reading the event's parameter maps, strict
coercion of strings, decoding and parsing the body, the format checks, and turning every
violation into `{"location", "detail"}`. The JSON-Schema checks themselves are
fastjsonschema's code, compiled into each operation module at generation time.
Standard library only; it never raises for bad input (that is a 400 or a 415).

Written for cold starts (issue 5, `python -m bench`): it imports only modules AWS Lambda's
Python runtime has already loaded (json, math, re, functools, collections.abc), compiles a
regular expression the first time it is used rather than at import, and defines no
dataclass: `dataclasses` pulls in inspect, ast and dis, 5-6 ms of a 40 ms cold start
(`python -X importtime`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Collection, Mapping

from generated.runtime import error_response

# `typing` is for mypy only: importing it would cost every cold start 2.5 ms
# (`python -X importtime`), and type checkers treat any `TYPE_CHECKING` name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from generated.runtime import Response

    FormatCheck = Callable[[str], bool]
    Errors = list[dict[str, str]]

JSON_MEDIA_TYPE: Final = "application/json"
# Deeper JSON than this is refused before validation: recursive schemas validate
# by recursion, and a body of 100k nested arrays must not exhaust the stack.
MAX_JSON_DEPTH: Final = 64
MAX_NAMED_FIELDS: Final = 5  # in the 400 message; `errors` lists every problem


class JsonSchemaValueException(ValueError):
    """One violation, raised by the compiled checks (same name and fields as fastjsonschema's).

    Created once per violation of an invalid request, so it is kept cheap: slots, and no
    `super().__init__` (`args` is already `(message,)`: the compiled checks pass the rest
    by keyword). 0.34 us instead of 0.55 (bench).
    """

    __slots__ = ("message", "name", "rule", "value")

    def __init__(
        self,
        message: str,
        value: Any = None,
        name: str | None = None,
        definition: Any = None,
        rule: str | None = None,
    ) -> None:
        self.message = message
        self.name = name
        self.rule = rule
        self.value = value  # the offending value: names the extra keys of an object


class JsonSchemaValuesException(ValueError):
    """Every violation found (the compiled checks run with fast_fail=False): `errors`.

    Raised by every check function with an error, once per level of the schema: no
    Python `__init__` (the list is the exception's only argument) keeps raising it cheap.
    """

    @property
    def errors(self) -> list[JsonSchemaValueException]:
        errors: list[JsonSchemaValueException] = self.args[0]
        return errors

    def __str__(self) -> str:
        return f"{len(self.errors)} errors"


# What the operation modules catch around a compiled check.
SCHEMA_ERRORS: Final = (JsonSchemaValuesException, JsonSchemaValueException)


# -- formats (OpenAPI 3.0: email, uuid, date, date-time) ---------------------------------

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# RFC 5321 dot-atom local part @ a domain of at least two DNS labels. No quoted
# local parts or IP literals: they are legal but almost always a mistake in an API.
_EMAIL = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_LABEL}"
_UUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_DATE_TIME = (
    r"(\d{4})-(\d{2})-(\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)
_INTEGER = r"-?[0-9]+"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Compiled on first use: most functions need one or two of these patterns, and
    compiling all six at import cost every cold start about 1 ms."""
    return re.compile(pattern, re.ASCII)


def is_email(value: str) -> bool:
    local, _, domain = value.rpartition("@")
    return len(local) <= 64 and len(domain) <= 253 and _regex(_EMAIL).fullmatch(value) is not None


def is_uuid(value: str) -> bool:
    return _regex(_UUID).fullmatch(value) is not None


def is_date(value: str) -> bool:
    match = _regex(_DATE).fullmatch(value)
    return match is not None and _real_date(*match.groups())


def is_date_time(value: str) -> bool:
    """RFC 3339 `date-time` (no leap seconds, like Python's datetime)."""
    match = _regex(_DATE_TIME).fullmatch(value)
    return match is not None and _real_date(*match.groups()[:3])


def _real_date(year: str, month: str, day: str) -> bool:
    """What `datetime.date(year, month, day)` accepts (years 1 to 9999, the Gregorian
    leap years), without importing datetime (1.4 ms) into every function."""
    y, m, d = int(year), int(month), int(day)
    if y < 1 or not 1 <= m <= 12 or d < 1:
        return False
    if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
        return d <= 29
    return d <= _MONTH_DAYS[m - 1]


FORMATS: Final[Mapping[str, FormatCheck]] = {
    "date": is_date,
    "date-time": is_date_time,
    "email": is_email,
    "uuid": is_uuid,
}


# -- the typed request -----------------------------------------------------------------


class FrozenInstanceError(AttributeError):
    """A field of a request was assigned to (like dataclasses.FrozenInstanceError)."""


class RequestBase:
    """What `@dataclass(frozen=True, slots=True)` gives each operation's request class:
    slots, immutable fields, equality and hash by value, a readable repr.

    Spelled out instead of generated by `dataclasses`, which costs a cold start 5-6 ms to
    import and about 1 ms per class to build. A subclass lists its fields in `__slots__`
    and `__match_args__` and sets them in `__init__` with `object.__setattr__`.
    """

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RequestBase) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[RequestBase], tuple[Any, ...]]:
        """copy and pickle rebuild through `__init__` (setattr is refused)."""
        return type(self), self._fields()


# -- parameters ------------------------------------------------------------------------


class Invalid(Exception):
    """A value that cannot be coerced or read; `detail` says what it should be."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def path_parameters(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    raw = event.get("pathParameters")
    return raw if type(raw) is dict or isinstance(raw, Mapping) else None


def path_parameter_missing(path: Mapping[str, Any] | None, names: tuple[str, ...]) -> bool:
    """Is one of the path's parameters absent, empty or not a string?"""
    if path is None:
        return True
    for name in names:
        value = path.get(name)
        if not isinstance(value, str) or not value:
            return True
    return False


def not_found(message: str) -> Response:
    """A 404 `{"message": message}`: the request names no resource."""
    return error_response(404, message)


def query_parameters(event: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, bool]:
    """The query's map, and whether it is the multi-value one (values are lists).

    `multiValueQueryStringParameters` holds every value of a repeated parameter;
    `queryStringParameters` (only the last one) is read when there is no multi-value map.
    """
    multi = event.get("multiValueQueryStringParameters")
    if type(multi) is dict or isinstance(multi, Mapping):
        return multi, True
    single = event.get("queryStringParameters")
    if type(single) is dict or isinstance(single, Mapping):
        return single, False
    return None, False


def query_values(query: Mapping[str, Any] | None, multi: bool, name: str) -> list[str] | None:
    """Every string value of the query parameter `name`, or None when it is absent."""
    if query is None:
        return None
    raw = query.get(name)
    if multi:
        return [x for x in raw if isinstance(x, str)] if isinstance(raw, list) else None
    return [raw] if isinstance(raw, str) else None


def without_empty(values: list[str] | None) -> list[str] | None:
    """The values that are not empty, or None when none is left: `allowEmptyValue`.

    API Gateway passes `?year=` on as the value "" (OpenAPI 3.0.3: allowEmptyValue "sets
    the ability to pass empty-valued parameters"). Such a parameter counts as not sent, its
    default applies, and an empty array item (`?ids=&ids=2`) is dropped: "" is no value of
    any type, and an empty array would be a value nobody sent.
    """
    if values is None:
        return None
    return [value for value in values if value] or None


def header_values(event: Mapping[str, Any], names: frozenset[str]) -> dict[str, list[str]]:
    """The values of the headers called `names` (lower case), whatever case the event uses.

    One pass over the event's headers, lower-casing a name only when its length matches a
    wanted one: lower-casing and copying every header made up a third of the validation
    time of a request with a body (bench, cProfile).
    """
    found: dict[str, list[str]] = {}
    lengths = _lengths(names)
    multi = event.get("multiValueHeaders")
    if type(multi) is dict or isinstance(multi, Mapping):
        for key, values in multi.items():
            name = key if type(key) is str else str(key)
            if len(name) in lengths:
                name = name.lower()
                if name in names and isinstance(values, list):
                    strings = [v for v in values if isinstance(v, str)]
                    if name in found:
                        found[name] += strings
                    else:
                        found[name] = strings
        return found
    single = event.get("headers")
    if type(single) is dict or isinstance(single, Mapping):
        for key, value in single.items():
            name = key if type(key) is str else str(key)
            if len(name) in lengths:
                name = name.lower()
                if name in names and isinstance(value, str):
                    if name in found:
                        found[name].append(value)
                    else:
                        found[name] = [value]
    return found


@functools.cache
def _lengths(names: frozenset[str]) -> frozenset[int]:
    return frozenset(len(name) for name in names)


def split_values(raw: list[str], separator: str = ",") -> list[str]:
    """The items of an array given as delimited values: `1,2,3` (form, not exploded; simple),
    `1 2 3` (spaceDelimited: API Gateway has decoded `%20`), `1|2|3` (pipeDelimited)."""
    return [piece for value in raw for piece in value.split(separator)]


# Objects in the query (OpenAPI 3.0.3, "Style Examples"), each read into {name: text}:
#   deepObject            color[R]=100&color[G]=200   deep_object
#   form, explode         R=100&G=200                 exploded_object (declared names)
#   form, no explode      color=R,100,G,200           delimited_object(..., ",")
#   spaceDelimited        color=R%20100%20G%20200     delimited_object(..., " ")
#   pipeDelimited         color=R|100|G|200           delimited_object(..., "|")
# API Gateway passes these keys and values through as they are; object_parameter then
# coerces each property to its declared type, and the compiled check does the rest.


def deep_object(
    query: Mapping[str, Any] | None, multi: bool, name: str, allow_empty: bool = False
) -> dict[str, str] | None:
    """`name[key]=value` pairs as {key: value}, or None when there is none.

    `allow_empty` (allowEmptyValue): a key whose values are all empty counts as not sent.
    """
    if query is None:
        return None
    prefix = name + "["
    found: dict[str, str] = {}
    for key in query:
        if type(key) is str and key.startswith(prefix) and key.endswith("]"):
            values = query_values(query, multi, key) or []
            if allow_empty:
                values = without_empty(values) or []
                if not values:
                    continue
            if len(values) != 1:
                raise Invalid(f"{key[len(prefix) : -1]} must be given once")
            found[key[len(prefix) : -1]] = values[0]
    return found or None


def exploded_object(
    query: Mapping[str, Any] | None, multi: bool, names: tuple[str, ...], allow_empty: bool = False
) -> dict[str, str] | None:
    """The declared properties given as query parameters of their own, or None.

    `allow_empty` (allowEmptyValue): a property whose values are all empty counts as not sent.
    """
    found: dict[str, str] = {}
    for name in names:
        values = query_values(query, multi, name)
        if allow_empty:
            values = without_empty(values)
        if values is None:
            continue
        if len(values) != 1:
            raise Invalid(f"{name} must be given once")
        found[name] = values[0]
    return found or None


def delimited_object(values: list[str] | None, separator: str) -> dict[str, str] | None:
    """`R,100,G,200` (with `separator`) as {"R": "100", "G": "200"}, or None when absent."""
    if values is None:
        return None
    if len(values) != 1:
        raise Invalid("must be given once")
    parts = values[0].split(separator)
    if len(parts) % 2:
        raise Invalid(f"must be name{separator}value pairs")
    return dict(zip(parts[::2], parts[1::2], strict=True))


def object_parameter(raw: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, Any]:
    """The object with each declared property coerced to its type (others stay strings)."""
    result: dict[str, Any] = {}
    for key, text in raw.items():
        kind = kinds.get(key)
        try:
            if kind == "integer":
                result[key] = integer(text)
            elif kind == "number":
                result[key] = number(text)
            elif kind == "boolean":
                result[key] = boolean(text)
            else:
                result[key] = text
        except Invalid as invalid:
            raise Invalid(f"{key} {invalid.detail}") from None
    return result


def integer(text: str) -> int:
    if _regex(_INTEGER).fullmatch(text) is None:
        raise Invalid("must be an integer")
    return int(text)


def number(text: str) -> float:
    """An int when the text is an integer (as JSON would parse it), else a finite float."""
    if _regex(_NUMBER).fullmatch(text) is None:
        raise Invalid("must be a number")
    if _regex(_INTEGER).fullmatch(text) is not None:
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise Invalid("must be a finite number")
    return value


def boolean(text: str) -> bool:
    if text == "true":
        return True
    if text == "false":
        return False
    raise Invalid("must be true or false")


# -- body ------------------------------------------------------------------------------


class UnsupportedMediaType(Exception):
    """A body was sent with a media type the operation does not take: a 415."""

    def __init__(self, message: str = "Content-Type must be application/json") -> None:
        super().__init__(message)
        self.message = message


NO_BODY: Final = object()  # what `json_body` returns when an optional body is absent
_CONTENT_TYPE: Final = frozenset({"content-type"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses to inf: not a JSON number we can keep
        raise ValueError("number out of range")
    return value


# Built once: `json.loads` with parse_float/parse_constant builds a decoder on every call.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def json_body(
    event: Mapping[str, Any], headers: Mapping[str, list[str]] | None, required: bool
) -> Any:
    """The parsed JSON body, or NO_BODY when there is none and none is required, for an
    operation whose body is `application/json` only.

    Raises UnsupportedMediaType (415), or Invalid (400, location `body`). `headers` are
    the ones the operation already read, with `content-type`; None reads it here.
    """
    raw = event.get("body")
    if raw is None or raw == "":
        if required:
            raise Invalid("is required")
        return NO_BODY
    media_type, semicolon, parameters = _content_type(event, headers).partition(";")
    if media_type.strip().lower() != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType
    if semicolon:  # only parameters cost a look: `application/json` alone is UTF-8
        _check_charset(parameters)
    return _json_document(event, raw)


def any_body(
    event: Mapping[str, Any],
    headers: Mapping[str, list[str]] | None,
    media_types: Mapping[str, bool],
    required: bool,
) -> tuple[str, Any]:
    """(the declared media type the request's matched, the body) for an operation offering
    several media types, or ("", NO_BODY) when there is none and none is required.

    `media_types` maps the bare, lower-case media types the spec offers (ranges such as
    `application/*+json` and `*/*` as written) to True when JSON sent under them is parsed:
    the body is then the parsed JSON, as `json_body` reads it, and otherwise bytes, as
    `raw_body` reads them. Raises UnsupportedMediaType (415), or Invalid (400).
    """
    raw = event.get("body")
    media_type, semicolon, parameters = _content_type(event, headers).partition(";")
    media_type = media_type.strip().lower()
    if raw is None or raw == "":
        if required:
            declared = _empty_representation(media_type, media_types)
            if declared is None:
                raise Invalid("is required")
            return declared, b""
        return "", NO_BODY
    declared = _declared(media_type, media_types)
    if declared is None:
        raise UnsupportedMediaType("Content-Type must be one of: " + ", ".join(sorted(media_types)))
    # Under a range that takes JSON (`*/*`), only a JSON request is JSON: text/plain is bytes.
    if media_types[declared] and _is_json(media_type):
        if semicolon:
            _check_charset(parameters)
        return declared, _json_document(event, raw)
    return declared, _bytes(event, raw)


def _empty_representation(media_type: str, media_types: Mapping[str, bool]) -> str | None:
    """The declared media type an empty body is a valid representation of: one the request
    names in its Content-Type that is not read as JSON (zero bytes of text/plain are the
    empty text; zero bytes are no JSON document). API Gateway hands the Lambda an empty
    body as `null`, so the Content-Type is all that tells "empty" from "not sent"."""
    if not media_type:
        return None
    declared = _declared(media_type, media_types)
    if declared is None or (media_types[declared] and _is_json(media_type)):
        return None
    return declared


def _content_type(event: Mapping[str, Any], headers: Mapping[str, list[str]] | None) -> str:
    content_types = (headers if headers is not None else header_values(event, _CONTENT_TYPE)).get(
        "content-type"
    )
    return content_types[0] if content_types else ""


def _is_json(media_type: str) -> bool:
    """`application/json`, the legacy `text/json`, or an RFC 6839 `+json` structured
    suffix (`application/merge-patch+json`): a bare, lower-case type whose body is JSON."""
    return media_type in (JSON_MEDIA_TYPE, "text/json") or media_type.endswith("+json")


def _declared(media_type: str, media_types: Collection[str]) -> str | None:
    """The declared media type a request's bare, lower-case one falls under, most specific
    first, as RFC 9110 12.5.1 ranks ranges: the type itself, then a structured-suffix range
    (`application/*+json` for `application/merge-patch+json`, RFC 6839), `type/*`, `*/*`.
    None: none does (a request without Content-Type falls under `*/*` only)."""
    if media_type in media_types:
        return media_type
    kind, _, subtype = media_type.partition("/")
    _, plus, suffix = subtype.rpartition("+")
    ranges = [f"{kind}/*+{suffix}"] if plus else []
    ranges += [f"{kind}/*", "*/*"]
    for declared in ranges:
        if declared in media_types:
            return declared
    return None


def _json_document(event: Mapping[str, Any], raw: Any) -> Any:
    """A body's JSON document: base64-decoded when API Gateway encoded it, strict UTF-8."""
    if not isinstance(raw, str):
        raise Invalid("must be a JSON document")
    if event.get("isBase64Encoded") is True:
        text = _base64_text(raw)
    elif not raw.isascii():
        # API Gateway hands over text; surrogates here mean the bytes were not UTF-8.
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid("must be UTF-8") from None
        text = raw
    else:
        text = raw
    return json_parameter(text)


def json_parameter(text: str) -> Any:
    """A JSON document: a body's text, or a parameter declared with JSON `content`."""
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise Invalid(f"must not nest deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:
        raise Invalid("must be valid JSON") from None
    # JSON's `\ud800` escapes decode to lone surrogates, which no UTF-8 encoder (boto3's
    # included) accepts. Only a text with such an escape can hold one (raw surrogates were
    # refused above), so only then is the value walked.
    if "\\u" in text and _regex(_SURROGATE_ESCAPE).search(text) and _has_surrogate(value):
        raise Invalid("must be valid Unicode: lone surrogate")
    # A value nested N levels deep has at least N brackets: only count them when needed.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _too_deep(value):
        raise Invalid(f"must not nest deeper than {MAX_JSON_DEPTH} levels")
    return value


def _check_charset(parameters: str) -> None:
    """A `charset` parameter, if any, must be UTF-8: bodies are decoded as UTF-8 only
    (RFC 8259: JSON exchanged between systems is UTF-8), so any other is a 415 rather
    than a body silently read in the wrong encoding."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').strip().lower()
            if charset != "utf-8":
                raise UnsupportedMediaType("Content-Type charset must be utf-8")


# A JSON escape of a UTF-16 surrogate, `\uD800` to `\uDFFF` (either case): high ones
# (D800-DBFF) and low ones (DC00-DFFF). It may also match an escaped backslash followed
# by `ud8..`: that only costs a walk that finds nothing.
_SURROGATE_ESCAPE: Final = r"\\u[dD][89a-fA-F]"


def _has_surrogate(value: Any) -> bool:
    """Does any string (key or value) in the parsed JSON hold a surrogate code point?
    Iterative, like `_too_deep`; `encode` is the C-speed test for a surrogate."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            strings: Any = (node,)
        elif isinstance(node, dict):
            strings = node.keys()
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
            continue
        else:
            continue
        for string in strings:
            if not string.isascii():
                try:
                    string.encode("utf-8")
                except UnicodeEncodeError:
                    return True
    return False


def raw_body(
    event: Mapping[str, Any],
    headers: Mapping[str, list[str]] | None,
    media_types: frozenset[str],
    required: bool,
) -> Any:
    """The body as bytes, for an operation that takes no JSON (e.g. an octet-stream
    upload), or NO_BODY when there is none and none is required.

    `media_types` are the bare, lower-case media types the spec offers (`image/*` and
    `*/*` included as written). Raises UnsupportedMediaType (415), or Invalid (400).
    """
    raw = event.get("body")
    media_type = _content_type(event, headers).split(";", 1)[0].strip().lower()
    if raw is None or raw == "":
        if required:
            if _empty_representation(media_type, dict.fromkeys(media_types, False)) is None:
                raise Invalid("is required")
            return b""
        return NO_BODY
    if _declared(media_type, media_types) is None:
        raise UnsupportedMediaType("Content-Type must be one of: " + ", ".join(sorted(media_types)))
    return _bytes(event, raw)


def _bytes(event: Mapping[str, Any], raw: Any) -> bytes:
    if not isinstance(raw, str):
        raise Invalid("must be a string")
    if event.get("isBase64Encoded") is True:
        return _base64_bytes(raw)
    try:  # API Gateway passed it as text (not a binary media type): it was UTF-8
        return raw.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("must be UTF-8") from None


def _base64_bytes(raw: str) -> bytes:
    # Imported here: only binary (base64) bodies need them, and base64 costs 1 ms to import.
    import base64
    import binascii

    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("is not valid base64") from None


def _base64_text(raw: str) -> str:
    data = _base64_bytes(raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("must be UTF-8") from None


def _too_deep(value: Any) -> bool:
    """Iterative, so that checking depth cannot itself overflow the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


# -- errors ----------------------------------------------------------------------------


def schema_errors(exc: JsonSchemaValuesException | JsonSchemaValueException) -> Errors:
    """Every violation a compiled check raised, as `{"location", "detail"}`."""
    # fast_fail=True code raises one at a time
    errors = exc.errors if isinstance(exc, JsonSchemaValuesException) else [exc]
    described: Errors = []
    for error in errors:
        if error.rule == "additionalProperties":
            described.extend(_describe_all(error))
        else:
            described.append(_describe(error))
    return described


def _extra_properties(error: JsonSchemaValueException, location: str) -> Errors | None:
    """One error per unexpected property (`body.emal: is not allowed`) instead of
    fastjsonschema's `must not contain ['emal'] properties` at the object's location.
    Its message lists `repr(key)` of each extra key; the keys come from the value itself."""
    listed = error.message.rpartition(" must not contain ")[2]
    if not isinstance(error.value, dict):
        return None
    extras = [key for key in error.value if isinstance(key, str) and repr(key) in listed]
    if not extras:
        return None
    prefix = f"{location}." if location else ""
    return [{"location": prefix + key, "detail": "is not allowed"} for key in extras]


def _describe_all(error: JsonSchemaValueException) -> Errors:
    described = _describe(error)
    if error.rule == "additionalProperties":
        location = "" if described["location"] == "request" else described["location"]
        extras = _extra_properties(error, location)
        if extras:
            return extras
    return [described]


def _describe(error: JsonSchemaValueException) -> dict[str, str]:
    """fastjsonschema names values `data.body.email`; ours are `body.email`."""
    name = error.name or "data"
    message = error.message
    detail = message[len(name) :].strip() if message.startswith(name) else message
    if error.rule == "format" and detail.startswith("must be "):
        detail = "must be a valid " + detail[len("must be ") :]
    location = name.removeprefix("data").lstrip(".")
    return {"location": location or "request", "detail": detail}


def invalid_request(errors: Errors) -> Response:
    """The 400 listing every violation, once each, in a stable order; the message names the
    fields, so a client that only shows `message` still tells its user what to fix."""
    if len(errors) > 1:
        unique = {(e["location"], e["detail"]): e for e in errors}
        errors = [unique[key] for key in sorted(unique)]
    fields: list[str] = []  # sorted already: a repeated location is the previous one
    for problem in errors:
        if not fields or fields[-1] != problem["location"]:
            fields.append(problem["location"])
    named = ", ".join(fields[:MAX_NAMED_FIELDS])
    if len(fields) > MAX_NAMED_FIELDS:
        named += f" and {len(fields) - MAX_NAMED_FIELDS} more"
    return error_response(400, "Invalid request: " + named, errors)


def unsupported_media_type(
    message: str = "Content-Type must be application/json",
) -> Response:
    return error_response(415, message)
