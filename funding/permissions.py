"""Who may see or change which application, declaration and document.

This module is the one place that decides. Selectors scope querysets with
``application_scope``; views fetch through those selectors, so an outsider gets a
404 and learns nothing, not even that the object exists.
"""

from django.db.models import Q

from .models import Application


def application_scope(user) -> Q:
    """The applications ``user`` may see: their own (researcher), their institution's
    (research office), their agency's programmes' (officer), all (administrator)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_administrator:
        return Q()
    if user.is_research_office:
        return Q(institution_id=user.institution_id)
    if user.is_agency_officer:
        return Q(programme__agency_id=user.agency_id)
    return Q(researcher_id=user.pk)


def can_view_application(user, application: Application) -> bool:
    return Application.objects.filter(application_scope(user), pk=application.pk).exists()


def can_edit_application(user, application: Application) -> bool:
    """Only the researcher files, edits and certifies; offices and officers review."""
    return user.is_authenticated and user.is_researcher and application.researcher_id == user.pk


def can_start_application(user) -> bool:
    return user.is_authenticated and user.is_researcher
