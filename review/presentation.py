"""Audit events in words for the review page."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from disclosures.models import DeclarationVersion
from funding.models import Application

ACTIONS = {
    "application.status": _("Status changed"),
    "declaration.certify": _("Declaration certified"),
    "declaration.amend": _("Amendment started"),
    "flag.status": _("Flag status changed"),
    "case.open": _("Case opened"),
    "case.status": _("Case status changed"),
    "finding.record": _("Finding recorded"),
    "restriction.impose": _("Restriction imposed"),
    "restriction.lift": _("Restriction lifted"),
    "appeal.file": _("Appeal filed"),
    "appeal.decide": _("Appeal decided"),
}
_STATUS_LABELS = {
    "funding.Application": dict(Application.Status.choices),
    "disclosures.DeclarationVersion": dict(DeclarationVersion.Status.choices),
}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditRow:
    event: object
    label: str
    changes: list[Change]


def _value(event, key, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "status":
        return str(_STATUS_LABELS.get(event.object_type, {}).get(value, value))
    return str(value)


def present_audit(events) -> list[AuditRow]:
    rows = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        rows.append(
            AuditRow(
                event=event,
                label=str(ACTIONS.get(event.action, event.action)),
                changes=[
                    Change(
                        key, _value(event, key, before.get(key)), _value(event, key, after.get(key))
                    )
                    for key in keys
                ],
            )
        )
    return rows
