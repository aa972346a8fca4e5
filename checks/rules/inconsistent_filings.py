from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, as_date, period_overlaps, register
from .text import same_organisation, title_similarity

# What must appear in every filing while it lasts, and the field that names it.
COMPARED = {
    "support": "title",
    "appointments": "position_title",
    "talent_programmes": "programme_name",
}


def _declared_in(filing, section: str, item: dict) -> bool:
    """The same row (its key carries over from filing to filing), or a row naming the same
    organisation with a similar title."""
    name_field = COMPARED[section]
    if item["key"] in filing.row_keys(section):
        return True  # the usual case, decided without comparing names
    for candidate in filing.items(section):
        if same_organisation(candidate["organisation_name"], item["organisation_name"]) and (
            title_similarity(candidate[name_field], item[name_field]) >= 80
        ):
            return True
    return False


@register
class InconsistentFilings(Rule):
    code = "inconsistent_filings"
    severity = "medium"
    title = _("Inconsistent filings")
    explanation = _(
        "“%(name)s” (%(organisation)s) is declared in your filing for “%(other_title)s” "
        "(version %(other_version)s) and was running when this declaration was certified, "
        "but this declaration does not list it."
    )

    def evaluate(self, context: CheckContext) -> list[Finding]:
        filing = context.filing
        certified_on = filing.certified_at.date()
        findings = {}
        for other in context.other_filings:
            if not period_overlaps(filing.start, filing.end, other.start, other.end):
                continue
            for section, name_field in COMPARED.items():
                for item in other.items(section):
                    if section == "support" and item["status"] == "planned":
                        continue
                    start, end = as_date(item["start_date"]), as_date(item.get("end_date"))
                    if not period_overlaps(start, end, certified_on, certified_on):
                        continue
                    if _declared_in(filing, section, item):
                        continue
                    subject = f"{section}:{item['key']}"
                    findings.setdefault(
                        subject,
                        Finding(
                            subject=subject,
                            params={
                                "name": item[name_field],
                                "organisation": item["organisation_name"],
                                "other_title": other.title,
                                "other_version": other.number,
                            },
                            evidence=[
                                {
                                    "type": "other_filing",
                                    "section": section,
                                    "item": {
                                        k: item.get(k)
                                        for k in (
                                            "key",
                                            name_field,
                                            "organisation_name",
                                            "organisation_country",
                                            "start_date",
                                            "end_date",
                                        )
                                    },
                                    "filing": other.reference(),
                                }
                            ],
                        ),
                    )
        return list(findings.values())
