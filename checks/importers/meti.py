"""Japan METI End User List (外国ユーザーリスト): the CSV we keep and the PDF METI publishes.

The PDF is a bilingual table: No. | Country or Region | Company or Organization (the English
name, then the Japanese name on the next line of the same cell) | Also Known As | Type of
WMD (B, C, M, N). A row that runs over a page break continues in a row with no number.

Both formats give the same rows: the Japanese name is kept in ``details['name_ja']`` and
among the aliases, so that matching finds the entry by either name.
"""

from __future__ import annotations

import io
import re
import unicodedata
from itertools import pairwise
from typing import Any

from .base import (
    Location,
    ParseResult,
    csv_records,
    decode_text,
    fit,
    read_bytes,
    unique,
)
from .countries import country_code

CSV_COLUMNS = ("no", "country_or_region", "name", "name_ja", "also_known_as", "type_of_wmd")
WMD_TYPES = {"B": "biological", "C": "chemical", "M": "missile", "N": "nuclear"}

# Spellings of METI's "Country or Region" column that pycountry does not know.
METI_COUNTRIES = {
    "UAE": "AE",
    "NORTH KOREA": "KP",
    "SOUTH KOREA": "KR",
    "HONG KONG": "HK",
    "TAIWAN": "TW",
    "IRAN": "IR",
    "SYRIA": "SY",
    "RUSSIA": "RU",
    "TURKEY": "TR",
    "KYRGYZ": "KG",
    "KYRGYZ REPUBLIC": "KG",
    "MYANMAR": "MM",
    "CHINA": "CN",
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_BULLET = re.compile(r"^\s*(?:[-・•*]|\(?\d{1,2}[.)])\s*")


def meti_country(value: str) -> str:
    text = " ".join(value.split())
    return METI_COUNTRIES.get(text.upper()) or country_code(text)


def split_aliases(value: str) -> list[str]:
    """Also-known-as entries: separated by ';' (also the full-width '；') or by lines.

    In a cell where entries start with a bullet ("-", "・", "1)"), a line without one
    continues the entry above (a long name wrapped in the PDF).
    """
    value = value.replace("；", ";")
    if ";" in value:
        return unique(part.replace("\n", " ") for part in value.split(";"))
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if any(_BULLET.match(line) for line in lines):
        entries: list[str] = []
        for line in lines:
            if _BULLET.match(line) or not entries:
                entries.append(_BULLET.sub("", line))
            else:
                entries[-1] += " " + line
        return unique(entries)
    return unique(lines)


def wmd_types(value: str) -> tuple[str, list[str]]:
    """("B, C, M, N", []) or ("", [unknown letters])."""
    letters = [p for p in re.split(r"[\s,、/]+", unicodedata.normalize("NFKC", value)) if p]
    unknown = [p for p in letters if p.upper() not in WMD_TYPES]
    ordered = [t for t in WMD_TYPES if t in {p.upper() for p in letters}]
    return ", ".join(ordered), unknown


def _entry(
    result: ParseResult,
    where: Location,
    *,
    no: str,
    country: str,
    name: str,
    name_ja: str,
    also_known_as: str,
    wmd: str,
) -> None:
    name = " ".join(name.split())
    name_ja = "".join(name_ja.split())
    if not no:
        result.error(where, "the entry has no number (column 'no')")
    if not name:
        result.error(where, "column 'name' is empty")
        return
    programs, unknown = wmd_types(wmd)
    if unknown:
        result.error(
            where,
            f"type of WMD {', '.join(unknown)} is not one of B, C, M, N (column 'type_of_wmd')",
        )
    if not programs and not unknown:
        result.error(where, "column 'type_of_wmd' is empty")
    if fit(result, where, name, 500, "column 'name'") is None or unknown or not programs:
        return
    details = {"country_or_region": " ".join(country.split())}
    if name_ja:
        details["name_ja"] = name_ja
    details["wmd"] = [WMD_TYPES[t] for t in programs.split(", ")]
    result.add(
        {
            "source_id": no,
            "name": name,
            "aliases": unique([*split_aliases(also_known_as), name_ja], exclude=[name]),
            "country": meti_country(country),
            "entity_type": "Entity",
            "programs": programs,
            "line": where.number,
            "details": details,
        }
    )


def parse_meti_csv(source: Any) -> ParseResult:
    """Parse the End User List kept as CSV (columns ``CSV_COLUMNS``; UTF-8 or cp932)."""
    result = ParseResult()
    text = decode_text(read_bytes(source), result, legacy="cp932")
    if text is None:
        return result
    for where, row in csv_records(text, result, required=CSV_COLUMNS):
        _entry(
            result,
            where,
            no=row["no"],
            country=row["country_or_region"],
            name=row["name"],
            name_ja=row["name_ja"],
            also_known_as=row["also_known_as"],
            wmd=row["type_of_wmd"],
        )
    return result


def split_bilingual(cell: str) -> tuple[str, str]:
    """(English, Japanese) from a cell holding the English name, then the Japanese one.

    Lines before the first line with Japanese script are the English name (wrapped lines
    joined with a space); that line and the ones after it are the Japanese name.
    """
    english: list[str] = []
    japanese: list[str] = []
    for line in (cell or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if japanese or _CJK.search(line):
            japanese.append(line)
        else:
            english.append(line)
    return " ".join(english), "".join(japanese)


def _is_header(cells: list[str]) -> bool:
    first = (cells[0] or "").replace(" ", "").lower()
    return first.startswith("no") or "番号" in first


def _cjk_edge(a: str, b: str) -> bool:
    return bool(a and b and _CJK.match(a[-1]) and _CJK.match(b[0]))


def unwrap_cell(page, bbox) -> str:
    """A cell's lines with the lines that only wrap joined again; one line a hard break.

    A line was wrapped (a soft break) when the first word of the next line would not have
    fitted at the end of it: text is laid out greedily, so a word that fits stays on the
    line. The cell's inner right edge is its border less the left padding.
    """
    words = page.crop(bbox, strict=False).extract_words(use_text_flow=True)
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) < 0.5 * (word["bottom"] - word["top"]):
            lines[-1].append(word)
        else:
            lines.append([word])
    if not lines:
        return ""
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    left = min(line[0]["x0"] for line in lines)
    right = bbox[2] - (left - bbox[0])
    gaps = sorted(b["x0"] - a["x1"] for line in lines for a, b in pairwise(line))
    space = gaps[len(gaps) // 2] if gaps else 0.28 * (lines[0][0]["bottom"] - lines[0][0]["top"])
    texts = [" ".join(w["text"] for w in lines[0])]
    for previous, line in pairwise(lines):
        first = line[0]
        width = first["x1"] - first["x0"]
        if _CJK.match(first["text"][0]):
            width /= max(len(first["text"]), 1)  # CJK text breaks between any two characters
        text = " ".join(w["text"] for w in line)
        if previous[-1]["x1"] + space + width <= right + 0.5:
            texts.append(text)  # it would have fitted: a new entry
        else:
            texts[-1] += ("" if _cjk_edge(texts[-1], text) else " ") + text
    return "\n".join(texts)


def parse_meti_pdf(source: Any) -> ParseResult:
    """Parse the End User List PDF (METI's bilingual table) with pdfplumber.

    Tables are found by their ruling lines. A row without a number continues the row above
    (a row split by a page break); header rows, repeated on each page, are skipped.
    """
    import pdfplumber

    result = ParseResult()
    data = read_bytes(source)
    if not data.startswith(b"%PDF"):
        result.error(1, "the file is not a PDF")
        return result
    rows: list[tuple[Location, list[str]]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                for table in page.find_tables():
                    for row, cells in zip(table.rows, table.extract(), strict=True):
                        cells = [c or "" for c in cells]
                        if len(cells) < 5 or not any(c.strip() for c in cells):
                            continue
                        if _is_header(cells):
                            continue
                        aka_box = row.cells[3]
                        if aka_box is not None and "\n" in cells[3]:
                            cells[3] = unwrap_cell(page, aka_box)
                        no = " ".join(cells[0].split())
                        if not no and rows:  # a row continued from the previous page
                            previous = rows[-1][1]
                            for i in range(1, 5):
                                if cells[i].strip():
                                    previous[i] = (previous[i] + "\n" + cells[i]).strip()
                            continue
                        where = Location(
                            len(rows) + 1, label=f"page {page_number}, entry No. {no or '?'}"
                        )
                        rows.append((where, cells[:5]))
    except Exception as exc:  # pdfminer raises many kinds of error for a broken file
        result.error(1, f"the PDF cannot be read: {exc}")
        return result
    if not rows:
        result.error(1, "no End User List table was found in the PDF")
        return result
    for where, (no, country, company, aka, wmd) in rows:
        name, name_ja = split_bilingual(company)
        _entry(
            result,
            where,
            no=" ".join(no.split()),
            country=country,
            name=name,
            name_ja=name_ja,
            also_known_as=aka,
            wmd=wmd,
        )
    return result


def parse_meti(source: Any, file_format: str | None = None) -> ParseResult:
    """The CSV or the PDF, by ``file_format`` ("csv"/"pdf") or by the file's first bytes."""
    data = read_bytes(source)
    if file_format is None:
        file_format = "pdf" if data.lstrip()[:5] == b"%PDF-" else "csv"
    if file_format == "pdf":
        return parse_meti_pdf(data)
    if file_format == "csv":
        return parse_meti_csv(data)
    raise ValueError(f"unknown format {file_format!r} for the METI End User List (csv or pdf)")
