"""The research office's register of approved outside posts (兼業・兼職), a CSV format this
portal defines (docs/reference-data.md):

    researcher_number,orcid,organisation,organisation_country,position,kind,start_date,end_date,approved_on

UTF-8 (a byte-order mark is fine) or cp932, as Excel in Japan saves it.
"""

from __future__ import annotations

from typing import Any

from checks.models import Evidence
from disclosures.validators import RESEARCHER_NUMBER_RE

from .base import (
    ParseResult,
    check_dates,
    clean_orcid,
    csv_records,
    decode_text,
    fit,
    parse_date,
    read_bytes,
)
from .countries import country_code

COLUMNS = (
    "researcher_number",
    "orcid",
    "organisation",
    "organisation_country",
    "position",
    "kind",
    "start_date",
    "end_date",
    "approved_on",
)
KINDS = ("consulting", "concurrent_job", "appointment", "other")


def parse_outside_posts(source: Any) -> ParseResult:
    """Parse the approved-outside-posts CSV into OUTSIDE_POST Evidence rows."""
    result = ParseResult()
    text = decode_text(read_bytes(source), result, legacy="cp932")
    if text is None:
        return result
    for where, row in csv_records(text, result, required=COLUMNS):
        errors_before = result.error_count
        number = row["researcher_number"]
        if number and not RESEARCHER_NUMBER_RE.match(number):
            result.error(where, f"researcher number '{number}' is not 8 digits")
        orcid = ""
        if row["orcid"]:
            orcid = clean_orcid(row["orcid"]) or ""
            if not orcid:
                result.error(where, f"ORCID iD '{row['orcid']}' is not valid")
        if not number and not row["orcid"]:
            result.error(where, "give the researcher number or the ORCID iD (both are empty)")
        for column in ("organisation", "kind", "start_date", "approved_on"):
            if not row[column]:
                result.error(where, f"column '{column}' is empty")
        country = ""
        if row["organisation_country"]:
            country = country_code(row["organisation_country"])
            if not country:
                result.error(
                    where, f"country '{row['organisation_country']}' is not an ISO country code"
                )
        kind = row["kind"].lower()
        if kind and kind not in KINDS:
            result.error(where, f"kind '{row['kind']}' is not one of {', '.join(KINDS)}")
        dates = {}
        for column in ("start_date", "end_date", "approved_on"):
            if row[column]:
                try:
                    dates[column] = parse_date(row[column])
                except ValueError as exc:
                    result.error(where, f"column '{column}': {exc}")
        check_dates(result, where, dates.get("start_date"), dates.get("end_date"))
        organisation = fit(result, where, row["organisation"], 500, "column 'organisation'")
        position = fit(result, where, row["position"], 500, "column 'position'")
        if result.error_count > errors_before:
            continue
        result.add(
            {
                "kind": Evidence.Kind.OUTSIDE_POST,
                "orcid": orcid,
                "researcher_number": number,
                "organisation_name": organisation,
                "organisation_country": country,
                "title": position,
                "award_id": "",
                "doi": "",
                "start_date": dates["start_date"],
                "end_date": dates.get("end_date"),
                "line": where.number,
                "details": {"post_kind": kind, "approved_on": dates["approved_on"].isoformat()},
            }
        )
    return result
