from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, as_date, period_overlaps, register
from .text import is_this_application


@register
class OverCommitment(Rule):
    """e-Rad's "excessive concentration" (過度の集中): effort above 100 %."""

    code = "over_commitment"
    severity = "medium"
    title = _("Over-commitment")
    explanation = _(
        "Effort on current and pending support overlapping this project (%(support)s %%) plus "
        "the effort of this application (%(application)s %%) comes to %(total)s %%, above 100 %%."
    )

    def evaluate(self, context: CheckContext) -> list[Finding]:
        filing = context.filing
        counted = [
            item
            for item in filing.items("support")
            if item["status"] in ("current", "pending")
            and period_overlaps(
                as_date(item["start_date"]), as_date(item["end_date"]), filing.start, filing.end
            )
            and not is_this_application(item, filing)
        ]
        support = sum((Decimal(item["effort_percent"]) for item in counted), Decimal(0))
        total = support + filing.effort
        if total <= 100:
            return []
        evidence = [
            {
                "type": "declared_effort",
                "section": "support",
                "key": item["key"],
                "title": item["title"],
                "status": item["status"],
                "organisation": item["organisation_name"],
                "effort_percent": item["effort_percent"],
                "start_date": item["start_date"],
                "end_date": item["end_date"],
            }
            for item in counted
        ]
        evidence.append(
            {
                "type": "application_effort",
                "effort_percent": str(filing.effort),
                "title": filing.title,
            }
        )
        return [
            Finding(
                subject="effort",
                params={
                    "support": str(support),
                    "application": str(filing.effort),
                    "total": str(total),
                },
                evidence=evidence,
                score=float(total),
            )
        ]
