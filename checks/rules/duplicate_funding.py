from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, as_date, period_overlaps, register
from .text import (
    is_this_application,
    shared_coverage_bound,
    shared_passages,
    title_similarity,
)

TITLE_THRESHOLD = 90.0
COVERAGE_THRESHOLD = 0.5


def _compare(filing, title: str, objectives: str) -> tuple[float, dict] | None:
    title_score = title_similarity(filing.title, title)
    ours, theirs = f"{filing.title}. {filing.objectives}", f"{title}. {objectives}"
    if title_score < TITLE_THRESHOLD and shared_coverage_bound(ours, theirs) < COVERAGE_THRESHOLD:
        return None  # cannot reach the threshold: spare the full comparison
    coverage, passages = shared_passages(ours, theirs)
    if title_score < TITLE_THRESHOLD and coverage < COVERAGE_THRESHOLD:
        return None
    score = max(title_score, coverage * 100)
    return score, {
        "title_similarity": round(title_score, 1),
        "shared_text": round(coverage, 3),
        "passages": passages,
    }


@register
class DuplicateFunding(Rule):
    """e-Rad's "unreasonable duplication" (不合理な重複)."""

    code = "duplicate_funding"
    severity = "medium"
    title = _("Duplicate funding")
    explanation = _(
        "This application is substantially the same as “%(other)s” (%(where)s): title "
        "similarity %(title_similarity)s %%, %(shared_percent)s %% of the text shared."
    )

    def localise(self, params: dict) -> dict:
        params["where"] = params["where"] or _("another of your applications")
        return params

    def evaluate(self, context: CheckContext) -> list[Finding]:
        filing = context.filing
        findings = []
        for other in context.other_filings:
            if not period_overlaps(filing.start, filing.end, other.start, other.end):
                continue
            compared = _compare(filing, other.title, other.objectives)
            if compared:
                score, detail = compared
                findings.append(
                    Finding(
                        subject=f"application:{other.application_id}",
                        params={
                            "other": other.title,
                            "where": "",
                            "title_similarity": detail["title_similarity"],
                            "shared_percent": round(detail["shared_text"] * 100),
                        },
                        evidence=[
                            {"type": "similar_application", **detail, "filing": other.reference()}
                        ],
                        score=score,
                    )
                )
        for item in filing.items("support"):
            if item["status"] not in ("current", "pending") or is_this_application(item, filing):
                continue
            if not period_overlaps(
                as_date(item["start_date"]), as_date(item["end_date"]), filing.start, filing.end
            ):
                continue
            compared = _compare(filing, item["title"], item["objectives"])
            if compared:
                score, detail = compared
                findings.append(
                    Finding(
                        subject=f"support:{item['key']}",
                        params={
                            "other": item["title"],
                            "where": item["organisation_name"],
                            "title_similarity": detail["title_similarity"],
                            "shared_percent": round(detail["shared_text"] * 100),
                        },
                        evidence=[
                            {
                                "type": "similar_support",
                                **detail,
                                "item": {
                                    k: item.get(k)
                                    for k in (
                                        "key",
                                        "title",
                                        "organisation_name",
                                        "status",
                                        "award_number",
                                        "start_date",
                                        "end_date",
                                    )
                                },
                            }
                        ],
                        score=score,
                    )
                )
        return findings
