"""ORCID records, API v3.0 JSON: one record a file, a JSON array of records, or JSON Lines.

From ``activities-summary``: employments and invited positions
(``affiliation-group[].summaries[].employment-summary`` / ``invited-position-summary``) and
fundings (``group[].funding-summary[]``). Partial dates (a year, a year and a month) start
on the first day of the period and end on its last day. Nothing from the ``person``
section (names, biography, e-mail) is read.
"""

from __future__ import annotations

from typing import Any

from checks.models import Evidence

from .base import (
    Location,
    ParseResult,
    check_dates,
    clean_orcid,
    fit,
    json_records,
    partial_date,
    shorten,
)
from .countries import country_code

AFFILIATIONS = (
    ("employments", "employment-summary", Evidence.Kind.EMPLOYMENT),
    ("invited-positions", "invited-position-summary", Evidence.Kind.INVITED_POSITION),
)


def _value(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _text(obj: Any, *path: str) -> str:
    value = _value(obj, *path)
    return " ".join(value.split()) if isinstance(value, str) else ""


def orcid_date(value: Any, *, end: bool = False):
    """A date from ORCID's ``{"year": {"value": "2019"}, "month": ..., "day": ...}``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("a date is not an object")
    return partial_date(
        _value(value, "year", "value"),
        _value(value, "month", "value"),
        _value(value, "day", "value"),
        end=end,
    )


def _list(result: ParseResult, where: Location, parent: Any, key: str, label: str) -> list:
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        result.error(where, f"'{label}' is not a list")
        return []
    return value


def _organisation(summary: dict) -> tuple[str, str, dict]:
    org = summary.get("organization") if isinstance(summary.get("organization"), dict) else {}
    details: dict[str, Any] = {}
    city = _text(org, "address", "city")
    if city:
        details["city"] = city
    disambiguated = _value(org, "disambiguated-organization")
    if isinstance(disambiguated, dict):
        identifier = disambiguated.get("disambiguated-organization-identifier")
        source = disambiguated.get("disambiguation-source")
        if identifier and source:
            details["organisation_id"] = {"source": source, "id": str(identifier)}
    return _text(org, "name"), country_code(_text(org, "address", "country")), details


def _row(
    result: ParseResult,
    where: Location,
    summary: Any,
    *,
    kind: str,
    orcid: str,
    label: str,
) -> None:
    if not isinstance(summary, dict):
        result.error(where, f"{label} is not an object")
        return
    name, country, details = _organisation(summary)
    if not name:
        result.error(where, f"{label} has no organization name")
        return
    try:
        start = orcid_date(summary.get("start-date"))
        end = orcid_date(summary.get("end-date"), end=True)
    except ValueError as exc:
        result.error(where, f"{label}: {exc}")
        return
    if not check_dates(result, where, start, end):
        return
    award_id = ""
    if kind == Evidence.Kind.FUNDING:
        title = _text(summary, "title", "title", "value")
        ids = _value(summary, "external-ids", "external-id")
        ids = ids if isinstance(ids, list) else []
        numbers = [
            _text(i, "external-id-value")
            for i in ids
            if isinstance(i, dict) and i.get("external-id-type") == "grant_number"
        ]
        award_id = shorten(", ".join(n for n in numbers if n), 200)
        if isinstance(summary.get("type"), str):
            details["funding_type"] = summary["type"]
    else:
        title = _text(summary, "role-title")
        department = _text(summary, "department-name")
        if department:
            details["department"] = department
    if summary.get("put-code") is not None:
        details["put_code"] = summary["put-code"]
    name = fit(result, where, name, 500, f"{label}: the organization name")
    title = fit(result, where, title, 500, f"{label}: the title")
    if name is None or title is None:
        return
    result.add(
        {
            "kind": kind,
            "orcid": orcid,
            "researcher_number": "",
            "organisation_name": name,
            "organisation_country": country,
            "title": title,
            "award_id": award_id,
            "doi": "",
            "start_date": start,
            "end_date": end,
            "line": where.number,
            "details": details,
        }
    )


def _record(result: ParseResult, where: Location, record: Any) -> None:
    if not isinstance(record, dict):
        result.error(where, "the record is not a JSON object")
        return
    raw = _value(record, "orcid-identifier", "path")
    where.ident = raw if isinstance(raw, str) else ""
    orcid = clean_orcid(raw)
    if orcid is None:
        message = "'orcid-identifier.path' is missing"
        if raw:
            message = f"'orcid-identifier.path' {raw!r} is not a valid ORCID iD"
        result.error(where, message)
        return
    where.ident = orcid
    activities = record.get("activities-summary")
    if activities is None:
        result.skipped += 1
        return
    if not isinstance(activities, dict):
        result.error(where, "'activities-summary' is not an object")
        return
    rows_before, errors_before = len(result.rows), result.error_count
    for section, summary_key, kind in AFFILIATIONS:
        container = activities.get(section)
        if container is not None and not isinstance(container, dict):
            result.error(where, f"'{section}' is not an object")
            continue
        groups = _list(
            result, where, container, "affiliation-group", f"{section}.affiliation-group"
        )
        for g, group in enumerate(groups, start=1):
            for s, item in enumerate(
                _list(result, where, group, "summaries", f"{section}[{g}].summaries"), start=1
            ):
                summary = item.get(summary_key) if isinstance(item, dict) else None
                label = f"{section}[{g}].summaries[{s}]"
                _row(result, where, summary, kind=kind, orcid=orcid, label=label)
    fundings = activities.get("fundings")
    if fundings is not None and not isinstance(fundings, dict):
        result.error(where, "'fundings' is not an object")
        fundings = None
    for g, group in enumerate(_list(result, where, fundings, "group", "fundings.group"), start=1):
        summaries = _list(
            result, where, group, "funding-summary", f"fundings.group[{g}].funding-summary"
        )
        for s, summary in enumerate(summaries, start=1):
            label = f"fundings[{g}].funding-summary[{s}]"
            _row(result, where, summary, kind=Evidence.Kind.FUNDING, orcid=orcid, label=label)
    if len(result.rows) == rows_before and result.error_count == errors_before:
        result.skipped += 1  # a record with no employment, position or funding


def parse_orcid(source: Any) -> ParseResult:
    """Parse ORCID v3.0 record JSON into Evidence rows (employment, invited position,
    funding)."""
    result = ParseResult()
    for where, record in json_records(source, result):
        _record(result, where, record)
    return result
