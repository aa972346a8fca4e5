"""The canonical content of a declaration version and its fingerprint.

What a researcher reviews, what is hashed at certification, what the PDF prints and
what version comparison reads are all this one dictionary. At certification it is
stored on the version as it is; the SHA-256 of its canonical JSON serialisation
(sorted keys, no whitespace, UTF-8) is the fingerprint printed on the PDF. Because
keys are sorted, the fingerprint can be recomputed from the stored copy even after
PostgreSQL's jsonb has re-ordered it.
"""

import datetime
import hashlib
import json
from decimal import Decimal

from .models import SECTIONS, DeclarationVersion, Document

CONTENT_SCHEMA = 1

_PROFILE_FIELDS = (
    "researcher_number",
    "orcid",
    "family_name_latin",
    "given_name_latin",
    "family_name_kanji",
    "given_name_kanji",
    "family_name_kana",
    "given_name_kana",
)
APPLICATION_FIELDS = (
    "title",
    "objectives",
    "start_date",
    "end_date",
    "requested_amount",
    "currency",
    "effort_percent",
)


def _plain(value):
    """A JSON value with one spelling per meaning (2-decimal strings for money and effort)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Document):
        return {"name": value.original_name, "sha256": value.sha256, "size": value.size}
    # django-countries' Country, UUIDs and other simple wrappers
    return str(value) or None


def item_content(item) -> dict:
    row = {"key": str(item.key)}
    for name in type(item).content_fields:
        row[name] = _plain(getattr(item, name))
    return row


def declaration_content(version: DeclarationVersion) -> dict:
    """The version's current content, read from the database."""
    application = version.declaration.application
    profile = application.researcher.researcher_profile
    affiliation = profile.primary_affiliation
    researcher = {name: _plain(getattr(profile, name)) or "" for name in _PROFILE_FIELDS}
    researcher["affiliation"] = (
        {
            "institution": affiliation.institution.name,
            "department": affiliation.department,
            "job_title": affiliation.job_title,
        }
        if affiliation
        else None
    )
    sections = {}
    for key, (model, related_name) in SECTIONS.items():
        items = getattr(version, related_name).all()
        if model.__name__ == "Contract":
            items = items.select_related("document")
        sections[key] = [item_content(item) for item in items.order_by("position", "id")]
    return {
        "schema": CONTENT_SCHEMA,
        "declaration": {
            "application_id": application.pk,
            "version": version.number,
        },
        "programme": {
            "code": application.programme.code,
            "title": application.programme.title,
            "agency": application.programme.agency.name,
        },
        "institution": application.institution.name,
        "researcher": researcher,
        "application": {name: _plain(getattr(application, name)) for name in APPLICATION_FIELDS},
        "sections": sections,
    }


def canonical_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def content_fingerprint(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def certified_content_is_intact(version: DeclarationVersion) -> bool:
    """True when the stored certified content still hashes to the stored fingerprint."""
    return bool(version.content) and content_fingerprint(version.content) == version.fingerprint
