"""OpenSanctions entities in FollowTheMoney form, one JSON object a line
(``entities.ftm.json``). Organisations are kept; people and every other schema (sanctions,
addresses, ownership links...) are skipped and counted."""

from __future__ import annotations

from typing import Any

from .base import Location, ParseResult, fit, json_records, shorten, unique

KEPT_SCHEMAS = ("Company", "Organization", "LegalEntity", "PublicBody")
ALIAS_PROPERTIES = ("alias", "weakAlias", "previousName")


def _values(result: ParseResult, where: Location, properties: dict, name: str) -> list[str]:
    values = properties.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        result.error(where, f"property '{name}' is not a list of strings")
        return []
    return values


def _country(values: list[str]) -> str:
    for value in values:
        code = value.strip().upper()
        if len(code) == 2 and code.isalpha():
            return code
    return ""


def parse_opensanctions(source: Any) -> ParseResult:
    """Parse FollowTheMoney entities (JSON Lines, or a JSON array) into ListedEntity rows."""
    result = ParseResult()
    for where, record in json_records(source, result):
        if not isinstance(record, dict):
            result.error(where, "the record is not a JSON object")
            continue
        entity_id = record.get("id")
        if isinstance(entity_id, str):
            where.ident = entity_id
        schema = record.get("schema")
        if not isinstance(schema, str) or not schema:
            result.error(where, "'schema' is missing")
            continue
        if schema not in KEPT_SCHEMAS:
            result.skipped += 1
            continue
        if not isinstance(entity_id, str) or not entity_id:
            result.error(where, "'id' is missing")
            continue
        properties = record.get("properties")
        if not isinstance(properties, dict):
            result.error(where, "'properties' is not an object")
            continue
        errors_before = result.error_count
        names = unique(_values(result, where, properties, "name"))
        others = [v for p in ALIAS_PROPERTIES for v in _values(result, where, properties, p)]
        countries = _values(result, where, properties, "country") + _values(
            result, where, properties, "jurisdiction"
        )
        programs = unique(
            _values(result, where, properties, "topics")
            + _values(result, where, properties, "program")
        )
        datasets = record.get("datasets", [])
        if not isinstance(datasets, list):
            result.error(where, "'datasets' is not a list")
        if result.error_count > errors_before:
            continue
        if not names:
            result.error(where, "the entity has no name")
            continue
        name = fit(result, where, names[0], 500, "the name")
        source_id = fit(result, where, entity_id, 200, "'id'")
        if name is None or source_id is None:
            continue
        details: dict[str, Any] = {"datasets": datasets}
        for key in ("first_seen", "last_seen"):
            if isinstance(record.get(key), str):
                details[key] = record[key]
        result.add(
            {
                "source_id": source_id,
                "name": name,
                "aliases": unique([*names[1:], *others], exclude=[name]),
                "country": _country(countries),
                "entity_type": schema,
                "programs": shorten(", ".join(programs), 500),
                "line": where.number,
                "details": details,
            }
        )
    return result
