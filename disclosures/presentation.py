"""Labelled, localised views of a content dictionary (see content.py) for pages and PDFs.

Everything here reads the content dictionary only, never the database rows, so that a
certified version is always shown exactly as it was certified.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries

from funding.models import Application
from portal.text import list_join

from .content import APPLICATION_FIELDS
from .models import SECTIONS, ResearcherProfile

_DECIMAL_FIELD_TYPES = {"DecimalField"}
_DATE_FIELD_TYPES = {"DateField"}


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field is None:
        return str(value)
    if model_field.name == "document":
        return f"{value['name']} (SHA-256 {value['sha256'][:16]}…)"
    if model_field.choices and model_field.name != "currency":
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if model_field.get_internal_type() in _DATE_FIELD_TYPES:
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return str(value)
    if model_field.get_internal_type() in _DECIMAL_FIELD_TYPES:
        try:
            return number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return str(value)
    if model_field.__class__.__name__ == "CountryField":
        return f"{countries.name(value)} ({value})" if countries.name(value) else str(value)
    return str(value)


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


@dataclass
class Row:
    key: str
    fields: list[tuple[str, str]]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


def present_fields(model, data: dict, names) -> list[tuple[str, str]]:
    return [(_label(model, n), _display(model._meta.get_field(n), data.get(n))) for n in names]


def present_researcher(content: dict) -> list[tuple[str, str]]:
    r = content["researcher"]
    names = [
        (_("Name (Latin script)"), f"{r['family_name_latin']} {r['given_name_latin']}".strip()),
        (_("Name (kanji)"), f"{r['family_name_kanji']} {r['given_name_kanji']}".strip() or "—"),
        (_("Name (kana)"), f"{r['family_name_kana']} {r['given_name_kana']}".strip() or "—"),
        (_label(ResearcherProfile, "researcher_number"), r["researcher_number"] or "—"),
        (_label(ResearcherProfile, "orcid"), r["orcid"] or "—"),
    ]
    a = r.get("affiliation") or {}
    parts = (a.get("job_title"), a.get("department"), a.get("institution"))
    names.append((_("Affiliation"), list_join(p for p in parts if p) or "—"))
    return names


def present_application(content: dict) -> list[tuple[str, str]]:
    return [
        (_("Programme"), f"{content['programme']['title']} ({content['programme']['agency']})"),
        (_("Institution"), content["institution"]),
        *present_fields(Application, content["application"], APPLICATION_FIELDS),
    ]


def present_sections(content: dict) -> list[Section]:
    sections = []
    for key, (model, _related) in SECTIONS.items():
        section = Section(key=key, title=capfirst(str(model._meta.verbose_name_plural)))
        for row in content["sections"].get(key, []):
            section.rows.append(
                Row(key=row["key"], fields=present_fields(model, row, model.content_fields))
            )
        sections.append(section)
    return sections


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class RowChange:
    change: str  # "added", "removed", "changed" or "unchanged"
    fields: list[FieldChange]


@dataclass
class SectionChanges:
    key: str
    title: str
    rows: list[RowChange]

    @property
    def has_changes(self) -> bool:
        return any(r.change != "unchanged" for r in self.rows)


def _pair(old_fields, new_fields) -> list[FieldChange]:
    return [
        FieldChange(label, o, n) for (label, o), (_l, n) in zip(old_fields, new_fields, strict=True)
    ]


def compare_contents(old: dict, new: dict) -> dict:
    """What changed between two versions: header fields, then each section row by row,
    rows matched by their key."""
    header = _pair(present_researcher(old), present_researcher(new))
    application = _pair(present_application(old), present_application(new))
    sections = []
    for key, (model, _related) in SECTIONS.items():
        old_rows = {r["key"]: r for r in old["sections"].get(key, [])}
        new_rows = {r["key"]: r for r in new["sections"].get(key, [])}
        empty = dict.fromkeys(model.content_fields)
        changes = []
        for row_key, row in new_rows.items():
            before = old_rows.get(row_key)
            fields = _pair(
                present_fields(model, before or empty, model.content_fields),
                present_fields(model, row, model.content_fields),
            )
            if before is None:
                kind = "added"
            elif any(f.changed for f in fields):
                kind = "changed"
            else:
                kind = "unchanged"
            changes.append(RowChange(kind, fields))
        for row_key, row in old_rows.items():
            if row_key not in new_rows:
                fields = _pair(
                    present_fields(model, row, model.content_fields),
                    present_fields(model, empty, model.content_fields),
                )
                changes.append(RowChange("removed", fields))
        sections.append(
            SectionChanges(key, capfirst(str(model._meta.verbose_name_plural)), changes)
        )
    return {"researcher": header, "application": application, "sections": sections}
