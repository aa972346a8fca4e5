"""Screening one organisation by name, for due diligence before a partnership."""

from .engine import screen_names
from .selectors import current_list_snapshots


def screen_organisation(name: str, *, country: str = "") -> dict:
    """Matching list entries, best first; an entry in the given country ranks above an
    equal score elsewhere (organisations only: the country is where the entity is)."""
    country = (country or "").strip().upper()
    matches = screen_names([name]).get(name, [])
    for match in matches:
        match["country_matches"] = bool(country) and match["entity_country"] == country
    matches.sort(key=lambda m: (-m["score"], not m["country_matches"], m["entity_name"]))
    return {
        "query": {"name": name, "country": country or None},
        "lists": [
            {
                "list": s.kind,
                "published_on": s.published_on.isoformat(),
                "sha256": s.sha256,
                "rows": s.row_count,
            }
            for s in current_list_snapshots()
        ],
        "matches": matches,
    }
