from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for(user) -> QuerySet[AuditEvent]:
    """Audit events a user may read: an office its institution's, an officer their
    agency's, an administrator all. Researchers read none."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    if user.is_administrator:
        return AuditEvent.objects.all()
    if user.is_research_office:
        return AuditEvent.objects.filter(institution_id=user.institution_id)
    if user.is_agency_officer:
        return AuditEvent.objects.filter(agency_id=user.agency_id)
    return AuditEvent.objects.none()
