"""POST data for the declaration page, built the way the browser sends it."""

from disclosures.models import SECTIONS
from tests.factories import application_data, section_rows


def _value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def declaration_post(revision: int, sections=None, application=None, **extra) -> dict:
    data = {"revision": str(revision), **extra}
    for name, value in application_data(**(application or {})).items():
        data[f"application-{name}"] = _value(value)
    rows_by_section = section_rows()
    rows_by_section.update(sections or {})
    for section in SECTIONS:
        rows = rows_by_section.get(section, [])
        data[f"{section}-TOTAL_FORMS"] = str(len(rows))
        data[f"{section}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for name, value in row.items():
                encoded = _value(value)
                if encoded is not None:
                    data[f"{section}-{index}-{name}"] = encoded
    return data
