"""What every reference-data parser shares: errors with their place in the file, the
result of a parse, reading bytes, CSV with true line numbers, JSON records with their
numbers, dates, identifiers and text that must fit its column.

Parsers are pure: bytes (or a file-like object) in, validated rows and errors out. Nothing
here touches the database.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime
import gzip
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from stdnum.iso7064 import mod_11_2

from accounts.validators import ROR_ID_RE, normalise_ror_id
from disclosures.validators import ORCID_RE, normalise_orcid

MAX_ERRORS = 50


class RowError(tuple):
    """One error: ``(line, message)`` as a plain tuple, plus where it is in words.

    ``line`` is the line of the file (CSV, JSON Lines), the record number (a JSON array:
    index + 1) or the entry number of a PDF table. ``where`` says which, and names the
    record's id when it is known: "line 14", "record 2 (0000-0002-1825-0097)".
    """

    def __new__(cls, line: int, message: str, where: str | None = None):
        self = super().__new__(cls, (line, message))
        self.where = f"line {line}" if where is None else where
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.where)

    @property
    def line(self) -> int:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def __repr__(self) -> str:
        return f"RowError({self[0]!r}, {self[1]!r}, where={self.where!r})"


def format_errors(errors: Iterable[RowError], total: int | None = None) -> list[str]:
    """The errors as lines of text, with a final "... and N more" when some were left off."""
    lines = [str(e) for e in errors]
    if total is not None and total > len(lines):
        lines.append(f"... and {total - len(lines)} more")
    return lines


class ReferenceImportError(Exception):
    """The file has errors; nothing was written.

    ``errors`` holds at most ``MAX_ERRORS`` ``RowError`` tuples ``(line, message)``;
    ``total`` counts them all; ``messages`` is the list to show, ending with
    "... and N more" when the list was capped.
    """

    def __init__(self, errors: Iterable[tuple[int, str]], total: int | None = None):
        items = [e if isinstance(e, RowError) else RowError(*e) for e in errors]
        self.total = max(total or 0, len(items))
        self.errors = items[:MAX_ERRORS]
        self.messages = format_errors(self.errors, self.total)
        noun = "error" if self.total == 1 else "errors"
        super().__init__(f"{self.total} {noun}; nothing was loaded:\n" + "\n".join(self.messages))


@dataclass
class Location:
    """Where a record is: ``line 14``, ``record 2 (ror id)``, ``page 3, entry No. 12``."""

    number: int
    unit: str = "line"
    ident: str = ""
    label: str = ""

    def __str__(self) -> str:
        text = self.label or f"{self.unit} {self.number}"
        return f"{text} ({self.ident})" if self.ident else text


@dataclass
class ParseResult:
    """Validated rows (dicts of model fields, without the snapshot) and the errors found.

    ``errors`` keeps the first ``MAX_ERRORS``; ``error_count`` counts them all. ``skipped``
    counts records left out on purpose (people, other schemas, withdrawn records).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, where: Location | int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            if isinstance(where, Location):
                self.errors.append(RowError(where.number, message, str(where)))
            else:
                self.errors.append(RowError(where, message))

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)

    def raise_if_errors(self) -> None:
        if self.error_count:
            raise ReferenceImportError(self.errors, self.error_count)

    @property
    def messages(self) -> list[str]:
        return format_errors(self.errors, self.error_count)


# --- reading --------------------------------------------------------------------------


def read_bytes(source: Any) -> bytes:
    """Bytes from bytes, a path, or a file-like object (binary or text, e.g. an upload)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    if hasattr(source, "chunks"):  # Django's UploadedFile / File
        return b"".join(source.chunks())
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def decode_text(data: bytes, result: ParseResult, *, legacy: str | None = None) -> str | None:
    """UTF-8 (with or without a byte-order mark); ``legacy`` (e.g. cp932, the Japanese
    Excel default) is tried next. Records an error and returns None if neither fits."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if legacy:
            try:
                return data.decode(legacy)
            except UnicodeDecodeError:
                pass
        line = data[: exc.start].count(b"\n") + 1
        allowed = "UTF-8" + (f" or {legacy}" if legacy else "")
        result.error(line, f"the file is not {allowed} text (byte {exc.start + 1})")
        return None


def csv_records(
    text: str, result: ParseResult, *, required: Iterable[str], lower_header: bool = True
) -> Iterator[tuple[Location, dict[str, str]]]:
    """Rows of a CSV file as ``(Location(first line of the record), {column: value})``.

    Checks the header for the ``required`` columns (one error, then nothing is read) and
    every row for its number of fields. Blank lines are skipped. Values are stripped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.error(1, "the file is empty")
        return
    except csv.Error as exc:
        result.error(1, f"the header cannot be read as CSV: {exc}")
        return
    names = [h.strip().lower() if lower_header else h.strip() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        cols = ", ".join(f"'{c}'" for c in missing)
        result.error(1, f"missing column{'s' if len(missing) > 1 else ''} {cols}")
        return
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.error(start, f"not valid CSV: {exc}")
            return
        last_line = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        where = Location(start)
        if len(values) != len(names):
            result.error(where, f"expected {len(names)} fields, found {len(values)}")
            continue
        yield where, {n: v.strip() for n, v in zip(names, values, strict=True)}


@contextlib.contextmanager
def open_binary(source: Any) -> Iterator[BinaryIO]:
    """A binary stream from bytes, a path or a file-like object, at its start; a gzip file
    (an OpenAlex snapshot part, say) is read through gunzip."""
    if isinstance(source, bytes | bytearray | memoryview):
        stream: BinaryIO = io.BytesIO(bytes(source))
        opened = False
    elif isinstance(source, str | Path):
        stream = open(source, "rb")  # noqa: SIM115 - closed below
        opened = True
    else:
        if hasattr(source, "seek"):
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        probe = source.read(0)
        stream = io.BytesIO(read_bytes(source)) if isinstance(probe, str) else source
        opened = False
    try:
        head = stream.read(2)
        stream.seek(0)
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=stream) as unzipped:
                yield unzipped
        else:
            yield stream
    finally:
        if opened:
            stream.close()


def json_records(
    source: Any, result: ParseResult, *, unwrap=None
) -> Iterator[tuple[Location, Any]]:
    """Records of a JSON file: a JSON array, a single object, or JSON Lines.

    JSON Lines records are numbered by their line ("line 3") and read one line at a time,
    so a file of several gigabytes is never held whole; array records are numbered by
    index + 1 ("record 2"). ``unwrap(obj)`` may turn a single object into a list of records
    (an API response envelope); it returns None to keep the object as the one record.
    """
    with open_binary(source) as stream:
        head: list[tuple[int, bytes]] = []  # the lines read to tell the format
        number = 0
        for raw in stream:
            number += 1
            if raw.strip():
                head.append((number, raw))
                if len(head) == 2:
                    break
        if not head:
            result.error(1, "the file is empty")
            return
        if len(head) == 2 and _is_object_line(head[0][1]):
            lines = itertools.chain(head, enumerate(stream, start=number + 1))
            yield from _json_lines(lines, result)
            return
        stream.seek(0)
        data = stream.read()
    text = decode_text(data, result)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        result.error(exc.lineno, f"not valid JSON at column {exc.colno}: {exc.msg}")
        return
    if isinstance(document, dict) and unwrap is not None:
        unwrapped = unwrap(document)
        if unwrapped is not None:
            document = unwrapped
    if isinstance(document, list):
        for index, record in enumerate(document):
            yield Location(index + 1, "record"), record
    elif isinstance(document, dict):
        yield Location(1, "record"), document
    else:
        result.error(1, "expected a JSON object, a JSON array of objects or JSON Lines")


def _is_object_line(raw: bytes) -> bool:
    """JSON Lines: two or more lines, the first of which is a whole JSON object. (A file
    of one line is read as a single document, so that an API envelope is unwrapped.)"""
    try:
        return isinstance(json.loads(raw.decode("utf-8-sig")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


def _json_lines(
    lines: Iterable[tuple[int, bytes]], result: ParseResult
) -> Iterator[tuple[Location, Any]]:
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            result.error(number, f"the line is not UTF-8 text (byte {exc.start + 1} of the line)")
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            result.error(number, f"not valid JSON at column {exc.colno}: {exc.msg}")
            continue
        yield Location(number), record


# --- values ---------------------------------------------------------------------------


def parse_date(value: str) -> datetime.date:
    """An ISO date (YYYY-MM-DD); also MM/DD/YYYY and YYYY/MM/DD as lists publish them."""
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)")


def partial_date(year: Any, month: Any = None, day: Any = None, *, end: bool = False):
    """A date from its parts; a missing month or day is the first (start) or the last (end)
    day of the period. Raises ValueError with a readable message."""
    if year in (None, ""):
        if month not in (None, "") or day not in (None, ""):
            raise ValueError("a date has a month or day but no year")
        return None
    try:
        y = int(year)
        m = int(month) if month not in (None, "") else None
        d = int(day) if day not in (None, "") else None
    except (TypeError, ValueError):
        raise ValueError(f"date parts {year}-{month}-{day} are not numbers") from None
    if m is None and d is not None:
        raise ValueError(f"date {y} has a day but no month")
    try:
        if m is None:
            return datetime.date(y, 12, 31) if end else datetime.date(y, 1, 1)
        if d is None:
            last = calendar.monthrange(y, m)[1] if 1 <= m <= 12 else 0
            return datetime.date(y, m, last if end else 1)
        return datetime.date(y, m, d)
    except ValueError:
        text = "-".join(str(p) for p in (y, m, d) if p is not None)
        raise ValueError(f"'{text}' is not a date") from None


def check_dates(result: ParseResult, where, start, end) -> bool:
    if start and end and end < start:
        result.error(where, f"end date {end.isoformat()} is before start date {start.isoformat()}")
        return False
    return True


def clean_orcid(value: Any) -> str | None:
    """The 0000-0000-0000-0000 form of an ORCID iD (URL or bare), or None if it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    normal = normalise_orcid(value)
    if ORCID_RE.match(normal) and mod_11_2.is_valid(normal.replace("-", "")):
        return normal
    return None


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def clean_ror_id(value: Any) -> str | None:
    """The bare 9-character ROR id (from a bare id or https://ror.org/ URL), checksum
    verified, or None if it is not one."""
    if not isinstance(value, str):
        return None
    bare = normalise_ror_id(value)
    if not ROR_ID_RE.match(bare):
        return None
    number = 0
    for char in bare[1:7]:
        number = number * 32 + _CROCKFORD.index(char)
    return bare if f"{98 - (number * 100) % 97:02d}" == bare[7:] else None


_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def clean_doi(value: Any) -> str:
    """The bare, lower-case DOI ("10.1234/abc") from a DOI or its https://doi.org/ URL."""
    if not isinstance(value, str):
        return ""
    return _DOI_PREFIX.sub("", value.strip()).lower()


def fit(result: ParseResult, where, value: str, max_length: int, label: str) -> str | None:
    """``value`` if it fits its column; otherwise an error and None."""
    if len(value) > max_length:
        result.error(where, f"{label} is longer than {max_length} characters ({len(value)})")
        return None
    return value


def shorten(value: str, max_length: int) -> str:
    """Lists joined for display (programmes, award numbers) are cut with an ellipsis."""
    return value if len(value) <= max_length else value[: max_length - 1] + "…"


def unique(values: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Stripped, non-empty values once each, in order, case-insensitively without ``exclude``."""
    seen = {v.strip().casefold() for v in exclude if v}
    out = []
    for value in values:
        if not isinstance(value, str):
            continue
        value = " ".join(value.split())
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out
