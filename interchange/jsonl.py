"""The interchange format: JSON Lines, one record per line (see docs/interchange.md).

This module holds what the exporter and the importer share: the record types in the
order parents come before children, the one spelling of each value type, and strict
decoding of a line.
"""

import datetime
import hashlib
import json
from decimal import Decimal

FORMAT_VERSION = 1

# Every record type, parents before children: the exporter writes them in this order.
RECORD_TYPES = (
    "institution",
    "agency",
    "programme",
    "researcher",
    "application",
    "declaration_version",
)

_CENT = Decimal("0.01")


class DuplicateKey(ValueError):
    """A JSON object names the same field twice (which JSON parsers resolve differently)."""


def _unique_object(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(f"field {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constants(name):
    raise ValueError(f"{name} is not a JSON number")


def decode_line(raw: bytes):
    """Parse one line: UTF-8, strict JSON (no NaN, no repeated field names)."""
    text = raw.decode("utf-8")
    return json.loads(text, object_pairs_hook=_unique_object, parse_constant=_no_constants)


def encode_record(record: dict) -> str:
    """One line, without its newline: compact, UTF-8 text left unescaped."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def sorted_json(value):
    """A copy of a JSON value with every object's keys sorted, so that a certified content
    is written the same whichever database (SQLite keeps order, jsonb does not) stored it."""
    if isinstance(value, dict):
        return {key: sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(item) for item in value]
    return value


def date_out(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def datetime_out(value: datetime.datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``; microseconds only when there are any."""
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def decimal_out(value: Decimal | None) -> str | None:
    """Money, effort and person-months: a string with exactly two decimals."""
    return None if value is None else str(value.quantize(_CENT))


def application_id(*, researcher: str, programme: str, created_at: datetime.datetime) -> str:
    """The exporter's id for an application, derived from its natural key (researcher,
    programme, creation time) so that every export of the same application names it the
    same. The importer accepts any unique string here; the id only links the lines of
    one file."""
    basis = "\n".join((researcher, programme, datetime_out(created_at)))
    return "APP-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]
