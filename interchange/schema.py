"""Validation of one decoded line against the format, with no database access.

``clean_record`` turns a decoded JSON object into plain Python values (dates, decimals,
UUIDs) or raises ``RecordInvalid`` with every problem found on the line, each as
``field.path: message``. Field rules come from the model fields themselves (length,
choices, validators such as the ROR id or the decimal digits), so the file cannot hold
what the database or the portal's forms would refuse.
"""

import datetime
import functools
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Institution, User
from disclosures.content import content_fingerprint
from disclosures.models import (
    SECTIONS,
    Affiliation,
    Contract,
    DeclarationVersion,
    Document,
    ResearcherProfile,
)
from disclosures.validators import normalise_orcid
from funding.models import Agency, Application, Programme

from .jsonl import FORMAT_VERSION, RECORD_TYPES

PROFILE_FIELDS = (
    "researcher_number",
    "orcid",
    "family_name_latin",
    "given_name_latin",
    "family_name_kanji",
    "given_name_kanji",
    "family_name_kana",
    "given_name_kana",
)
AFFILIATION_FIELDS = ("institution", "department", "job_title", "is_primary")
INSTITUTION_FIELDS = ("name", "name_local", "ror_id", "country")
AGENCY_FIELDS = ("short_name", "name", "country")
PROGRAMME_FIELDS = (
    "code",
    "agency",
    "title",
    "description",
    "opens_on",
    "closes_on",
    "declaration_required",
)
APPLICATION_VALUE_FIELDS = (
    "status",
    "title",
    "objectives",
    "start_date",
    "end_date",
    "requested_amount",
    "currency",
    "effort_percent",
)
APPLICATION_FIELDS = (
    "id",
    "researcher",
    "programme",
    "created_at",
    "institution",
    *APPLICATION_VALUE_FIELDS,
)
VERSION_FIELDS = ("application", "number", "status", "based_on", "sections", "certification")
CERTIFICATION_FIELDS = (
    "certified_at",
    "certified_by",
    "ip",
    "statement",
    "signature",
    "language",
    "content",
    "fingerprint",
)
DOCUMENT_FIELDS = ("name", "sha256", "size")
# A file-scoped application id: printable, no spaces, at most 100 characters.
APPLICATION_ID_RE = re.compile(r"^[!-~]{1,100}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")


class RecordInvalid(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class _Invalid(Exception):
    pass


@functools.cache
def _choice_values(field) -> frozenset[str]:
    return frozenset(str(value) for value, _label in field.flatchoices)


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def convert(field: models.Field, value):
    """The Python value of ``value`` (decoded JSON) for a model field, or _Invalid."""
    if value is None:
        if field.null:
            return None
        raise _Invalid("must not be null")
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise _Invalid("must be true or false")
        return value
    if isinstance(field, models.DateTimeField):
        if not isinstance(value, str):
            raise _Invalid("must be a date and time as a string (RFC 3339)")
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid(f"{_describe(value)} is not a date and time (RFC 3339)") from None
        if parsed.tzinfo is None:
            raise _Invalid(f"{_describe(value)} has no time zone offset")
        return parsed
    if isinstance(field, models.DateField):
        if not isinstance(value, str) or not DATE_RE.match(value):
            raise _Invalid(f"{_describe(value)} is not a date as YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise _Invalid(f"{_describe(value)} is not a valid date") from None
    if isinstance(field, models.DecimalField):
        if not isinstance(value, str):
            raise _Invalid(f'{_describe(value)}: decimals are written as strings, e.g. "12.50"')
        if not DECIMAL_RE.match(value):
            raise _Invalid(f"{_describe(value)} is not a decimal number")
        try:
            value = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            raise _Invalid(f"{_describe(value)} is not a decimal number") from None
    elif isinstance(field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid("must be an integer")
    elif isinstance(field, models.UUIDField):
        try:
            parsed = uuid.UUID(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or str(parsed) != value:
            raise _Invalid(f"{_describe(value)} is not a UUID in lower-case 8-4-4-4-12 form")
        return parsed
    elif isinstance(field, models.CharField | models.TextField | models.GenericIPAddressField):
        if not isinstance(value, str):
            raise _Invalid("must be a string")
        if value == "":
            if not field.blank:
                raise _Invalid("must not be empty")
            # A nullable text field (ORCID, researcher number, IP) stores "nothing" as null.
            return None if field.null else ""
        if field.choices and value not in _choice_values(field):
            raise _Invalid(f"{_describe(value)} is not one of the allowed values")
    else:  # pragma: no cover - a field type this format does not use
        raise TypeError(f"no interchange rule for {type(field).__name__}")
    try:
        field.run_validators(value)
    except ValidationError as error:
        raise _Invalid(" ".join(str(message) for message in error.messages)) from None
    return value


class _Cleaner:
    def __init__(self):
        self.messages: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}" if path else message)

    def fields(self, obj, path: str, names) -> bool:
        """``obj`` is an object with exactly these fields; report each one missing or unknown."""
        if not isinstance(obj, dict):
            self.error(path, "must be an object")
            return False
        for name in names:
            if name not in obj:
                self.error(_join(path, name), "missing")
        for name in obj:
            if name not in names:
                self.error(_join(path, name), "unknown field")
        return all(name in obj for name in names)

    def value(self, obj: dict, name: str, field: models.Field, path: str = ""):
        if name not in obj:
            return None
        try:
            return convert(field, obj[name])
        except _Invalid as error:
            self.error(_join(path, name), str(error))
            return None

    def model_values(self, obj: dict, model, names, path: str = "") -> dict:
        return {name: self.value(obj, name, model._meta.get_field(name), path) for name in names}

    def reference(self, obj: dict, name: str, path: str = "", max_length: int = 300):
        """A natural key of another record: a non-empty string."""
        value = obj.get(name)
        if not isinstance(value, str) or not value or len(value) > max_length:
            self.error(_join(path, name), f"must be a non-empty string of at most {max_length}")
            return None
        return value

    def number(self, obj: dict, name: str, path: str = ""):
        value = obj.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(_join(path, name), "must be an integer of at least 1")
            return None
        return value


def _join(path: str, name) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def clean_record(obj) -> tuple[str, dict]:
    """``(type, values)`` of one decoded line, or RecordInvalid listing every problem."""
    if not isinstance(obj, dict):
        raise RecordInvalid(["a line must hold one JSON object"])
    record_type = obj.get("type")
    if record_type not in RECORD_TYPES:
        raise RecordInvalid(
            [f"type: {_describe(record_type)} is not one of {', '.join(RECORD_TYPES)}"]
        )
    version = obj.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise RecordInvalid(
            [f"format_version: {_describe(version)} is not supported (expected {FORMAT_VERSION})"]
        )
    body = {name: value for name, value in obj.items() if name not in ("type", "format_version")}
    cleaner = _Cleaner()
    values = _CLEANERS[record_type](cleaner, body)
    if cleaner.messages:
        raise RecordInvalid(cleaner.messages)
    return record_type, values


def _institution(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", INSTITUTION_FIELDS)
    return c.model_values(obj, Institution, INSTITUTION_FIELDS)


def _agency(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", AGENCY_FIELDS)
    return c.model_values(obj, Agency, AGENCY_FIELDS)


def _programme(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", PROGRAMME_FIELDS)
    names = [name for name in PROGRAMME_FIELDS if name != "agency"]
    values = c.model_values(obj, Programme, names)
    values["agency"] = c.reference(obj, "agency", max_length=30)
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        c.error("closes_on", "is before opens_on")
    return values


def _researcher(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", ("username", "email", "profile"))
    values = c.model_values(obj, User, ("username", "email"))
    profile = obj.get("profile")
    if profile is None:
        values["profile"] = None
        return values
    if not c.fields(profile, "profile", (*PROFILE_FIELDS, "affiliations")):
        values["profile"] = None
        return values
    cleaned = c.model_values(profile, ResearcherProfile, PROFILE_FIELDS, "profile")
    orcid = cleaned["orcid"]
    if orcid and normalise_orcid(orcid) != orcid:
        c.error("profile.orcid", f"write it as {normalise_orcid(orcid)}")
    affiliations = []
    rows = profile["affiliations"]
    if not isinstance(rows, list):
        c.error("profile.affiliations", "must be a list")
        rows = []
    for index, row in enumerate(rows):
        path = f"profile.affiliations[{index}]"
        c.fields(row, path, AFFILIATION_FIELDS)
        if not isinstance(row, dict):
            continue
        affiliation = c.model_values(
            row, Affiliation, ("department", "job_title", "is_primary"), path
        )
        affiliation["institution"] = c.reference(row, "institution", path)
        affiliations.append(affiliation)
    if sum(1 for row in affiliations if row["is_primary"]) > 1:
        c.error("profile.affiliations", "more than one is primary")
    cleaned["affiliations"] = affiliations
    values["profile"] = cleaned
    return values


def _application(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", APPLICATION_FIELDS)
    values = c.model_values(obj, Application, ("created_at", *APPLICATION_VALUE_FIELDS))
    app_id = obj.get("id")
    if not isinstance(app_id, str) or not APPLICATION_ID_RE.match(app_id):
        c.error("id", "must be 1 to 100 printable ASCII characters without spaces")
    values["id"] = app_id
    values["researcher"] = c.reference(obj, "researcher", max_length=150)
    values["programme"] = c.reference(obj, "programme", max_length=40)
    values["institution"] = c.reference(obj, "institution")
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        c.error("end_date", "is before start_date")
    return values


def _document(c: _Cleaner, value, path: str):
    if value is None:
        return None
    if not c.fields(value, path, DOCUMENT_FIELDS):
        return None
    name, sha256, size = value["name"], value["sha256"], value["size"]
    name_field = Document._meta.get_field("original_name")
    if not isinstance(name, str) or not name or len(name) > name_field.max_length:
        c.error(f"{path}.name", f"must be a non-empty string of at most {name_field.max_length}")
    if not isinstance(sha256, str) or not SHA256_RE.match(sha256):
        c.error(f"{path}.sha256", "must be 64 lower-case hexadecimal digits")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= 2_147_483_647:
        c.error(f"{path}.size", "must be a number of bytes")
    return {"name": name, "sha256": sha256, "size": size}


def _row(c: _Cleaner, model, row, path: str) -> dict | None:
    names = ("key", *model.content_fields)
    c.fields(row, path, names)
    if not isinstance(row, dict):
        return None
    plain = [name for name in model.content_fields if name != "document"]
    values = c.model_values(row, model, plain, path)
    key = c.value(row, "key", model._meta.get_field("key"), path)
    document = None
    if model is Contract and "document" in row:
        document = _document(c, row["document"], f"{path}.document")
    start = values.get("start_date", values.get("signed_on"))
    end = values.get("end_date")
    if start and end and end < start:
        c.error(
            f"{path}.end_date", f"is before {'signed_on' if model is Contract else 'start_date'}"
        )
    return {"key": key, "values": values, "document": document}


def _sections(c: _Cleaner, obj) -> dict:
    sections = {}
    if not c.fields(obj, "sections", tuple(SECTIONS)):
        return sections
    for section, (model, _related) in SECTIONS.items():
        rows = obj[section]
        path = f"sections.{section}"
        if not isinstance(rows, list):
            c.error(path, "must be a list")
            continue
        cleaned, keys = [], set()
        for index, row in enumerate(rows):
            values = _row(c, model, row, f"{path}[{index}]")
            if values is None:
                continue
            if values["key"] is not None:
                if values["key"] in keys:
                    c.error(f"{path}[{index}].key", "appears twice in this section")
                keys.add(values["key"])
            cleaned.append(values)
        sections[section] = cleaned
    return sections


def _certification(c: _Cleaner, obj, number, sections_raw) -> dict | None:
    if not c.fields(obj, "certification", CERTIFICATION_FIELDS):
        return None
    path = "certification"
    columns = {
        "certified_at": "certified_at",
        "ip": "certified_ip",
        "statement": "certification_statement",
        "signature": "signature",
        "language": "language",
    }
    values = {
        name: c.value(obj, name, DeclarationVersion._meta.get_field(column), path)
        for name, column in columns.items()
    }
    # Null only for a version certified by a user no longer known (the model allows it).
    certified_by = obj.get("certified_by")
    values["certified_by"] = (
        None if certified_by is None else c.reference(obj, "certified_by", path, max_length=150)
    )
    if values["certified_at"] is None and "certified_at" in obj:
        c.error(f"{path}.certified_at", "must not be null")
    content, fingerprint = obj["content"], obj["fingerprint"]
    if not isinstance(content, dict):
        c.error(f"{path}.content", "must be an object")
        return values
    if not isinstance(fingerprint, str) or not SHA256_RE.match(fingerprint):
        c.error(f"{path}.fingerprint", "must be 64 lower-case hexadecimal digits")
    elif content_fingerprint(content) != fingerprint:
        c.error(
            f"{path}.fingerprint",
            "does not match the SHA-256 of content: the certified content was altered",
        )
    declaration = content.get("declaration")
    if not isinstance(declaration, dict) or declaration.get("version") != number:
        c.error(f"{path}.content.declaration.version", f"must be {number}, the version number")
    if content.get("sections") != sections_raw:
        c.error("sections", "differ from certification.content.sections (what was certified)")
    values["content"] = content
    values["fingerprint"] = fingerprint
    return values


def _declaration_version(c: _Cleaner, obj: dict) -> dict:
    c.fields(obj, "", VERSION_FIELDS)
    values = {
        "application": c.reference(obj, "application", max_length=100),
        "number": c.number(obj, "number"),
        "status": c.value(obj, "status", DeclarationVersion._meta.get_field("status")),
        "based_on": None,
        "sections": _sections(c, obj["sections"]) if "sections" in obj else {},
        "certification": None,
    }
    based_on = obj.get("based_on")
    if based_on is not None and c.fields(based_on, "based_on", ("application", "number")):
        values["based_on"] = (
            c.reference(based_on, "application", "based_on", max_length=100),
            c.number(based_on, "number", "based_on"),
        )
    certification = obj.get("certification")
    if values["status"] == DeclarationVersion.Status.CERTIFIED:
        if certification is None:
            c.error("certification", "a certified version needs its certification")
        else:
            values["certification"] = _certification(
                c, certification, values["number"], obj.get("sections")
            )
    elif values["status"] == DeclarationVersion.Status.DRAFT and certification is not None:
        c.error("certification", "must be null for a draft")
    return values


_CLEANERS = {
    "institution": _institution,
    "agency": _agency,
    "programme": _programme,
    "researcher": _researcher,
    "application": _application,
    "declaration_version": _declaration_version,
}
