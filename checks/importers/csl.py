"""The US Consolidated Screening List as trade.gov publishes it (consolidated.csv).

Only organisations become rows: type "Entity", or an empty type (the Entity List and other
Commerce lists leave it empty) on a row that carries no personal data. Individuals, vessels
and aircraft are skipped and counted. A person's traits (citizenships, nationalities,
places and dates of birth) are never read into a row.
"""

from __future__ import annotations

from typing import Any

from .base import (
    ParseResult,
    check_dates,
    csv_records,
    decode_text,
    fit,
    parse_date,
    read_bytes,
    shorten,
    unique,
)
from .countries import country_code

HEADER = (
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
    "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
    "source_information_url,ids"
)
COLUMNS = tuple(HEADER.split(","))
REQUIRED = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "addresses",
    "start_date",
    "end_date",
    "alt_names",
)
ORGANISATION_TYPES = {"entity", ""}
PERSONAL_COLUMNS = ("citizenships", "dates_of_birth", "nationalities", "places_of_birth")
# Kept in details: facts about the listing, never about a person.
DETAIL_COLUMNS = (
    "federal_register_notice",
    "license_requirement",
    "license_policy",
    "remarks",
    "source_list_url",
    "source_information_url",
)


def address_country(addresses: str) -> str:
    """The country of the first address: its last comma-separated part (a name or a code)."""
    first = addresses.split(";")[0]
    parts = [p.strip() for p in first.split(",") if p.strip()]
    return country_code(parts[-1]) if parts else ""


def parse_csl(source: Any) -> ParseResult:
    """Parse consolidated.csv into ListedEntity rows (dicts of model fields)."""
    result = ParseResult()
    text = decode_text(read_bytes(source), result)
    if text is None:
        return result
    for where, row in csv_records(text, result, required=REQUIRED):
        kind = row["type"].strip()
        if kind.lower() not in ORGANISATION_TYPES or (
            not kind and any(row.get(c) for c in PERSONAL_COLUMNS)
        ):
            result.skipped += 1
            continue
        name = row["name"]
        if not name:
            result.error(where, "column 'name' is empty")
            continue
        name = fit(result, where, name, 500, "column 'name'")
        # Commerce lists leave entity_number empty; their rows' _id is then the stable key.
        raw_id = row["entity_number"] or row.get("_id", "")
        source_id = fit(result, where, raw_id, 200, "column 'entity_number'")
        dates = {}
        for column in ("start_date", "end_date"):
            if row[column]:
                try:
                    dates[column] = parse_date(row[column])
                except ValueError as exc:
                    result.error(where, f"column '{column}': {exc}")
                    dates[column] = None
        if not check_dates(result, where, dates.get("start_date"), dates.get("end_date")):
            continue
        if name is None or source_id is None:
            continue
        details = {"list": row["source"]}
        for column, value in dates.items():
            if value:
                details[column] = value.isoformat()
        if row["addresses"]:
            details["addresses"] = row["addresses"]
        for column in DETAIL_COLUMNS:
            if row.get(column):
                details[column] = row[column]
        result.add(
            {
                "source_id": source_id,
                "name": name,
                "aliases": unique(row["alt_names"].split(";"), exclude=[name]),
                "country": address_country(row["addresses"]),
                "entity_type": kind or "Entity",
                "programs": shorten(row["programs"], 500),
                "line": where.number,
                "details": details,
            }
        )
    return result
