"""The ROR data dump, schema v2: a JSON array of organisation records (or the dump's zip
file, which holds it). Withdrawn records are skipped; active and inactive ones are kept
(an inactive organisation's names still identify it in old filings)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from .base import Location, ParseResult, clean_ror_id, fit, json_records, read_bytes

RELATIONSHIP_TYPES = {"parent", "child", "related", "predecessor", "successor"}
NAME_TYPES = {"ror_display", "label", "alias", "acronym"}


def _unzip(data: bytes, result: ParseResult) -> bytes | None:
    """The v2 JSON file from a ROR dump zip (``v1.xx-YYYY-MM-DD-ror-data_schema_v2.json``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        result.error(1, f"the zip file cannot be read: {exc}")
        return None
    names = [n for n in archive.namelist() if n.endswith(".json")]
    chosen = [n for n in names if "schema_v2" in n] or names
    if len(chosen) != 1:
        result.error(1, f"expected one v2 JSON file in the zip, found {len(chosen)}")
        return None
    return archive.read(chosen[0])


def _unwrap(document: dict) -> list | None:
    # An API search response ({"items": [...]}) holds records the same way as the dump.
    items = document.get("items")
    return items if isinstance(items, list) else None


def _record(result: ParseResult, where: Location, record: Any, seen: dict[str, int]) -> None:
    if not isinstance(record, dict):
        result.error(where, "the record is not a JSON object")
        return
    raw_id = record.get("id")
    where.ident = raw_id if isinstance(raw_id, str) else ""
    ror_id = clean_ror_id(raw_id)
    if ror_id is None:
        result.error(where, "'id' is not a valid ROR id" if raw_id else "'id' is missing")
        return
    if record.get("status") == "withdrawn":
        result.skipped += 1
        return
    if ror_id in seen:
        result.error(where, f"ROR id {ror_id} appears twice (first at record {seen[ror_id]})")
        return
    seen[ror_id] = where.number
    errors_before = result.error_count
    raw_names = record.get("names")
    if not isinstance(raw_names, list):
        result.error(where, "'names' is not a list")
        return
    names = []
    display = None
    for index, item in enumerate(raw_names, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            result.error(where, f"name {index} has no 'value'")
            continue
        types = item.get("types") or []
        if not isinstance(types, list) or not set(types) <= NAME_TYPES:
            result.error(where, f"name {index} has unknown types {types!r}")
            continue
        lang = item.get("lang") if isinstance(item.get("lang"), str) else None
        value = " ".join(item["value"].split())
        names.append({"value": value, "lang": lang, "types": types})
        if "ror_display" in types and display is None:
            display = value
    if display is None and result.error_count == errors_before:
        result.error(where, "no name has the type 'ror_display'")
    country = ""
    locations = record.get("locations") or []
    if not isinstance(locations, list):
        result.error(where, "'locations' is not a list")
    elif locations:
        details = locations[0].get("geonames_details") if isinstance(locations[0], dict) else None
        code = details.get("country_code") if isinstance(details, dict) else None
        if isinstance(code, str) and len(code.strip()) == 2:
            country = code.strip().upper()
        elif code:
            result.error(where, f"country code {code!r} is not two letters")
    related = []
    relationships = record.get("relationships") or []
    if not isinstance(relationships, list):
        result.error(where, "'relationships' is not a list")
        relationships = []
    for index, item in enumerate(relationships, start=1):
        if not isinstance(item, dict):
            result.error(where, f"relationship {index} is not an object")
            continue
        kind = item.get("type")
        other = clean_ror_id(item.get("id"))
        if kind not in RELATIONSHIP_TYPES:
            result.error(where, f"relationship {index} has unknown type {kind!r}")
        elif other is None:
            result.error(where, f"relationship {index}: {item.get('id')!r} is not a valid ROR id")
        else:
            label = item.get("label") if isinstance(item.get("label"), str) else ""
            related.append({"type": kind, "ror_id": other, "label": label})
    if result.error_count > errors_before or display is None:
        return
    if fit(result, where, display, 500, "the display name") is None:
        return
    result.add(
        {
            "ror_id": ror_id,
            "name": display,
            "names": names,
            "country": country,
            "related": related,
        }
    )


def parse_ror(source: Any) -> ParseResult:
    """Parse a ROR v2 dump into RegistryOrganisation rows (dicts of model fields)."""
    result = ParseResult()
    data = read_bytes(source)
    if data[:4] == b"PK\x03\x04":
        data = _unzip(data, result)
        if data is None:
            return result
    seen: dict[str, int] = {}
    for where, record in json_records(data, result, unwrap=_unwrap):
        _record(result, where, record, seen)
    return result
