"""The queue as a spreadsheet: CSV (UTF-8 with a byte-order mark, so Excel reads kanji) and
XLSX. Cells a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns() -> list[tuple[str, str]]:
    """(key, heading) of each exported column, headings in the active language."""
    return [
        ("id", _("Application id")),
        ("title", _("Project title")),
        ("researcher", _("Researcher")),
        ("researcher_kanji", _("Name (kanji)")),
        ("researcher_kana", _("Name (kana)")),
        ("researcher_number", _("Researcher number")),
        ("agency", _("Agency")),
        ("programme_code", _("Programme code")),
        ("programme", _("Programme")),
        ("deadline", _("Deadline")),
        ("status", _("Status")),
        ("latest_version", _("Latest version")),
        ("latest_version_status", _("Latest version status")),
        ("last_certified_at", _("Last certified at")),
        ("open_flags", _("Open flags")),
        ("updated_at", _("Updated")),
        ("review_url", _("Review page")),
    ]


def queue_rows(applications: Iterable, url_for) -> Iterator[dict]:
    """One dict per application of the queue (annotated by selectors.with_queue_columns)."""
    from disclosures.models import DeclarationVersion

    version_status = dict(DeclarationVersion.Status.choices)
    for application in applications:
        profile = getattr(application.researcher, "researcher_profile", None)
        yield {
            "id": application.pk,
            "title": application.title,
            "researcher": profile.name_latin if profile else application.researcher.get_username(),
            "researcher_kanji": profile.name_kanji if profile else "",
            "researcher_kana": profile.name_kana if profile else "",
            "researcher_number": (profile.researcher_number or "") if profile else "",
            "agency": application.programme.agency.short_name,
            "programme_code": application.programme.code,
            "programme": application.programme.title,
            "deadline": application.programme.closes_on,
            "status": str(application.get_status_display()),
            "latest_version": application.latest_number,
            "latest_version_status": str(version_status.get(application.latest_status, "")),
            "last_certified_at": _local(application.last_certified_at),
            "open_flags": application.open_flags,
            "updated_at": _local(application.updated_at),
            "review_url": url_for(application),
        }


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A naive local time, to the second: spreadsheets have no time zones."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    cols = columns()
    writer.writerow([heading for _key, heading in cols])
    for row in rows:
        writer.writerow([_text(row[key]) for key, _heading in cols])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[dict], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    cols = columns()
    widths = {"title": 48, "programme": 40, "review_url": 50, "researcher": 24}
    for index, (key, _heading) in enumerate(cols):
        letter = _column_letter(index + 1)
        sheet.column_dimensions[letter].width = widths.get(key, 18)
    bold = Font(bold=True)
    header = []
    for _key, heading in cols:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for key, _heading in cols:
            value = row[key]
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
