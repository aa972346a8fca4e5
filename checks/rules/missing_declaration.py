import datetime

from django.utils.translation import gettext_lazy as _

from .base import Finding, Rule, register


@register
class MissingDeclaration(Rule):
    code = "missing_declaration"
    severity = "high"
    application_level = True
    title = _("Missing declaration")
    explanation = _(
        "The deadline of %(programme)s passed on %(deadline)s and this application has no "
        "certified declaration."
    )

    def evaluate_application(
        self,
        *,
        programme: str,
        deadline: datetime.date,
        has_certified: bool,
        today: datetime.date,
    ) -> list[Finding]:
        if has_certified or deadline >= today:
            return []
        return [
            Finding(
                subject="declaration",
                params={"programme": programme, "deadline": deadline.isoformat()},
                evidence=[
                    {
                        "type": "deadline",
                        "programme": programme,
                        "closes_on": deadline.isoformat(),
                        "days_overdue": (today - deadline).days,
                    }
                ],
            )
        ]
