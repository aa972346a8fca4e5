"""Audit events in words for the review page."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.text import list_join

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
# Keys that some audit entries record beside the audited model's own fields.
_KEY_LABELS = {
    "latest": _("latest version"),
    "draft": _("new draft version"),
    "fingerprint": _("fingerprint"),
    "held_applications": _("applications held"),
    "lifted": _("lifted"),
}


def _model_field(event, key):
    """The field ``key`` of the audited model, if the model has one by that name."""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(event, key) -> str:
    """What the entry changed, in words: the field's verbose name, not its code name."""
    model_field = _model_field(event, key)
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return capfirst(str(model_field.verbose_name))
    return capfirst(str(_KEY_LABELS.get(key, key)))


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
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    model_field = _model_field(event, key)
    choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else {}
    if isinstance(value, list):
        return list_join(str(choices.get(item, item)) for item in value) or "—"
    return str(choices.get(value, value))


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
                        _label(event, key),
                        _value(event, key, before.get(key)),
                        _value(event, key, after.get(key)),
                    )
                    for key in keys
                ],
            )
        )
    return rows
