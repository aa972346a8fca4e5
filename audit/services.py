from django.db.models import Model

from .models import AuditEvent


def _scope(application, institution, agency) -> dict:
    if application is not None:
        institution = institution or application.institution
        agency = agency or application.programme.agency
    return {"application": application, "institution": institution, "agency": agency}


def audit_record(
    *,
    actor,
    action: str,
    obj: Model,
    before: dict,
    after: dict,
    application=None,
    institution=None,
    agency=None,
) -> AuditEvent:
    """Record one state change. Called by the function that makes the change, in the same
    transaction, so a change and its audit event exist together or not at all."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        **_scope(application, institution, agency),
    )


def audit_record_many(
    *, actor, action: str, objects: list[Model], before: dict, after: dict, application_of
) -> None:
    """The same change to many objects (flags resolved by a re-check, say), in bulk."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            before=before,
            after=after,
            **_scope(application_of(obj), None, None),
        )
        for obj in objects
    )
