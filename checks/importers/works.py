"""Funding acknowledged in publications: Crossref and OpenAlex work records.

One ACKNOWLEDGED_FUNDING row per (author with an ORCID iD × funder) of each work: the
funder named in the work's metadata, with the award numbers given for it. Authors without
an ORCID iD give no rows (the portal never matches people by name).
"""

from __future__ import annotations

from typing import Any

from checks.models import Evidence

from .base import (
    Location,
    ParseResult,
    clean_doi,
    clean_orcid,
    fit,
    json_records,
    shorten,
    unique,
)


def _published(parts: Any) -> str:
    """'2021-03-05', '2021-03' or '2021' from Crossref's ``date-parts`` [[2021, 3, 5]]."""
    try:
        first = parts[0]
        return "-".join(f"{int(p):02d}" if i else f"{int(p):04d}" for i, p in enumerate(first))
    except (TypeError, IndexError, ValueError):
        return ""


def _orcids(
    result: ParseResult, where: Location, authors: Any, key: str, label: str
) -> list[str] | None:
    """The valid ORCID iDs of a work's authors, once each; None after an error."""
    if authors is None:
        return []
    if not isinstance(authors, list):
        result.error(where, f"'{label}' is not a list")
        return None
    found = []
    ok = True
    for index, author in enumerate(authors, start=1):
        if not isinstance(author, dict):
            result.error(where, f"{label} {index} is not an object")
            ok = False
            continue
        raw = author.get(key)
        if key == "orcid" and isinstance(author.get("author"), dict):  # OpenAlex authorship
            raw = author["author"].get("orcid")
        if raw in (None, ""):
            continue
        orcid = clean_orcid(raw)
        if orcid is None:
            result.error(where, f"{label} {index}: {raw!r} is not a valid ORCID iD")
            ok = False
        elif orcid not in found:
            found.append(orcid)
    return found if ok else None


def _add_rows(
    result: ParseResult,
    where: Location,
    *,
    orcids: list[str],
    funders: list[dict],
    doi: str,
    details: dict,
) -> None:
    if not orcids or not funders:
        result.skipped += 1
        return
    for funder in funders:
        name = fit(result, where, funder["name"], 500, f"funder {funder['name'][:40]!r}")
        if name is None:
            return
        for orcid in orcids:
            result.add(
                {
                    "kind": Evidence.Kind.ACKNOWLEDGED_FUNDING,
                    "orcid": orcid,
                    "researcher_number": "",
                    "organisation_name": name,
                    "organisation_country": "",
                    "title": "",
                    "award_id": shorten(", ".join(funder["awards"]), 200),
                    "doi": doi,
                    "start_date": None,
                    "end_date": None,
                    "line": where.number,
                    "details": {**details, **funder["details"]},
                }
            )


# --- Crossref -------------------------------------------------------------------------


def _crossref_unwrap(document: dict) -> list | None:
    message = document.get("message")
    if isinstance(message, dict):
        items = message.get("items")
        return items if isinstance(items, list) else [message]
    return None


def _crossref_work(result: ParseResult, where: Location, work: Any) -> None:
    if isinstance(work, dict) and isinstance(work.get("message"), dict):
        work = work["message"]  # a JSON Lines file of whole API responses
    if not isinstance(work, dict):
        result.error(where, "the record is not a JSON object")
        return
    doi = clean_doi(work.get("DOI"))
    if not doi:
        result.error(where, "'DOI' is missing")
        return
    where.ident = doi
    errors_before = result.error_count
    orcids = _orcids(result, where, work.get("author"), "ORCID", "author")
    funders = []
    raw_funders = work.get("funder") or []
    if not isinstance(raw_funders, list):
        result.error(where, "'funder' is not a list")
        raw_funders = []
    for index, funder in enumerate(raw_funders, start=1):
        if not isinstance(funder, dict):
            result.error(where, f"funder {index} is not an object")
            continue
        name = " ".join(str(funder.get("name") or "").split())
        if not name:
            result.error(where, f"funder {index} has no name")
            continue
        awards = funder.get("award") or []
        if not isinstance(awards, list):
            result.error(where, f"funder {index}: 'award' is not a list")
            continue
        funders.append(
            {
                "name": name,
                "awards": unique(str(a) for a in awards),
                "details": {"funder_doi": clean_doi(funder.get("DOI"))},
            }
        )
    if orcids is None or result.error_count > errors_before:
        return
    titles = work.get("title")
    title = titles[0] if isinstance(titles, list) and titles else titles
    details = {"work_title": " ".join(title.split()) if isinstance(title, str) else ""}
    published = _published(_crossref_date(work))
    if published:
        details["published"] = published
    _add_rows(result, where, orcids=orcids, funders=funders, doi=doi, details=details)


def _crossref_date(work: dict) -> Any:
    for key in ("issued", "published", "published-print", "published-online"):
        parts = work.get(key, {}).get("date-parts") if isinstance(work.get(key), dict) else None
        if parts and parts[0] and parts[0][0] is not None:
            return parts
    return None


def parse_crossref(source: Any) -> ParseResult:
    """Parse Crossref works (a work's ``message``, a whole API response, a list response or
    JSON Lines of either) into ACKNOWLEDGED_FUNDING Evidence rows."""
    result = ParseResult()
    for where, work in json_records(source, result, unwrap=_crossref_unwrap):
        _crossref_work(result, where, work)
    return result


# --- OpenAlex -------------------------------------------------------------------------


def _openalex_unwrap(document: dict) -> list | None:
    results = document.get("results")
    return results if isinstance(results, list) else None


def _openalex_funders(result: ParseResult, where: Location, work: dict) -> list[dict]:
    """Funders of a work from ``funders`` and ``awards`` (the current schema) or ``grants``
    (works fetched before OpenAlex replaced it), with their award numbers."""
    funders: dict[str, dict] = {}

    def funder(key: Any, name: Any, ror: Any = None) -> dict | None:
        name = " ".join(str(name or "").split())
        key = str(key or "").strip() or name.casefold()
        if not key:
            return None
        entry = funders.setdefault(key, {"name": name, "awards": [], "details": {}})
        if name and not entry["name"]:
            entry["name"] = name
        if key.startswith("https://openalex.org/"):
            entry["details"]["funder_openalex_id"] = key
        if ror and "funder_ror" not in entry["details"]:
            entry["details"]["funder_ror"] = str(ror)
        return entry

    for field, id_key, award_key in (
        ("funders", "id", None),
        ("awards", "funder_id", "funder_award_id"),
        ("grants", "funder", "award_id"),
    ):
        items = work.get(field) or []
        if not isinstance(items, list):
            result.error(where, f"'{field}' is not a list")
            continue
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                result.error(where, f"{field} {index} is not an object")
                continue
            name = item.get("display_name") if field == "funders" else None
            entry = funder(
                item.get(id_key), name or item.get("funder_display_name"), item.get("ror")
            )
            if entry is None:
                result.error(where, f"{field} {index} names no funder")
                continue
            award = item.get(award_key) if award_key else None
            if award and str(award) not in entry["awards"]:
                entry["awards"].append(str(award))
    out = []
    for key, entry in funders.items():
        if not entry["name"]:
            result.error(where, f"funder {key} has no display name")
            continue
        out.append(entry)
    return out


def _openalex_work(result: ParseResult, where: Location, work: Any) -> None:
    if not isinstance(work, dict):
        result.error(where, "the record is not a JSON object")
        return
    doi = clean_doi(work.get("doi"))
    work_id = work.get("id") if isinstance(work.get("id"), str) else ""
    where.ident = doi or work_id
    if not doi and not work_id:
        result.error(where, "the work has neither 'doi' nor 'id'")
        return
    errors_before = result.error_count
    orcids = _orcids(result, where, work.get("authorships"), "orcid", "authorships")
    funders = _openalex_funders(result, where, work)
    if orcids is None or result.error_count > errors_before:
        return
    title = work.get("title") or work.get("display_name")
    details = {"work_title": " ".join(title.split()) if isinstance(title, str) else ""}
    if work_id:
        details["openalex_id"] = work_id
    if isinstance(work.get("publication_date"), str):
        details["published"] = work["publication_date"]
    _add_rows(result, where, orcids=orcids, funders=funders, doi=doi, details=details)


def parse_openalex(source: Any) -> ParseResult:
    """Parse OpenAlex works (one work, a list response or JSON Lines) into
    ACKNOWLEDGED_FUNDING Evidence rows."""
    result = ParseResult()
    for where, work in json_records(source, result, unwrap=_openalex_unwrap):
        _openalex_work(result, where, work)
    return result
