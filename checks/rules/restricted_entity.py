from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, register

SCREENED_SECTIONS = (
    "support",
    "in_kind",
    "appointments",
    "talent_programmes",
    "outside_activities",
    "contracts",
)


def screened_names(filing) -> list[tuple[str, dict, str]]:
    """(section, row, name) for every organisation a filing names, and each talent
    programme's own name."""
    names = filing.memo.get("screened_names")
    if names is not None:
        return names  # the engine asked first, to screen a chunk's names at once
    names = filing.memo["screened_names"] = []
    for section in SCREENED_SECTIONS:
        for item in filing.items(section):
            if item.get("organisation_name"):
                names.append((section, item, item["organisation_name"]))
            if section == "talent_programmes" and item.get("programme_name"):
                names.append((section, item, item["programme_name"]))
    return names


@register
class RestrictedEntity(Rule):
    code = "restricted_entity"
    severity = "high"
    title = _("Restricted entity")
    explanation = _(
        "“%(declared)s” matches “%(entity)s” on %(list)s (published %(published_on)s), "
        "score %(score)s."
    )

    def localise(self, params: dict) -> dict:
        from checks.models import Snapshot

        params["list"] = Snapshot.Kind(params["list"]).label
        return params

    def evaluate(self, context: CheckContext) -> list[Finding]:
        findings = {}
        for section, item, name in screened_names(context.filing):
            for match in context.list_matches.get(name, []):
                subject = f"{section}:{item['key']}:{match['list_kind']}:{match['source_id']}"
                if subject in findings and findings[subject].score >= match["score"]:
                    continue
                findings[subject] = Finding(
                    subject=subject,
                    params={
                        "declared": name,
                        "entity": match["entity_name"],
                        "list": match["list_kind"],
                        "published_on": match["published_on"],
                        "score": round(match["score"], 1),
                    },
                    evidence=[
                        {
                            "type": "list_entry",
                            "section": section,
                            "key": item["key"],
                            "declared_name": name,
                            "declared_country": item.get("organisation_country"),
                            **match,
                        }
                    ],
                    score=match["score"],
                )
        return list(findings.values())
