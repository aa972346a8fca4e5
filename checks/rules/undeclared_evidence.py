from django.utils.translation import gettext_lazy as _

from .base import CheckContext, Finding, Rule, period_overlaps, register
from .text import organisation_key, same_organisation

POSITION_KINDS = {"employment", "invited_position", "outside_post"}
SUPPORT_KINDS = {"funding", "acknowledged_funding"}


def _declared_organisations(filing, kind: str) -> list[str]:
    if kind in POSITION_KINDS:
        sections = ("appointments", "outside_activities", "talent_programmes")
        names = [filing.home_institution]
    else:
        sections = ("support", "in_kind", "talent_programmes", "contracts")
        names = []
    for section in sections:
        names += [item["organisation_name"] for item in filing.items(section)]
    return [n for n in names if n]


@register
class UndeclaredEvidence(Rule):
    code = "undeclared_evidence"
    severity = "medium"
    title = _("Undeclared evidence")
    explanation = _(
        "%(source)s names %(kind)s with “%(organisation)s”%(detail)s, which this declaration "
        "does not list."
    )

    def localise(self, params: dict) -> dict:
        from checks.models import Evidence, Snapshot

        params["source"] = Snapshot.Kind(params["source"]).label
        params["kind"] = str(Evidence.Kind(params["kind"]).label)
        return params

    def evaluate(self, context: CheckContext) -> list[Finding]:
        filing = context.filing
        certified_on = filing.certified_at.date()
        findings = {}
        for fact in context.evidence:
            if fact.kind in POSITION_KINDS:
                # A position counts while it lasts at the time of certification.
                if fact.start_date and not period_overlaps(
                    fact.start_date, fact.end_date, certified_on, certified_on
                ):
                    continue
            elif fact.kind == "funding" and fact.end_date and fact.end_date < certified_on:
                continue  # funding that ended before this filing is not current support
            if any(
                same_organisation(fact.organisation_name, declared)
                for declared in _declared_organisations(filing, fact.kind)
            ):
                continue
            subject = f"{fact.kind}:{organisation_key(fact.organisation_name)}:{fact.award_id}"
            finding = findings.get(subject)
            if finding is None:
                detail = f" ({fact.title})" if fact.title else ""
                findings[subject] = Finding(
                    subject=subject[:300],
                    params={
                        "source": fact.source,
                        "kind": fact.kind,
                        "organisation": fact.organisation_name,
                        "detail": detail,
                    },
                    evidence=[fact.as_evidence()],
                )
            else:
                finding.evidence.append(fact.as_evidence())
        return list(findings.values())
