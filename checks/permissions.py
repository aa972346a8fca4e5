"""Who sees flags and may screen organisations. Researchers see nothing of open flags."""

from funding.permissions import can_view_application


def can_view_flags(user, application) -> bool:
    return (
        user.is_authenticated and not user.is_researcher and can_view_application(user, application)
    )


def can_screen_organisations(user) -> bool:
    return user.is_authenticated and (
        user.is_research_office or user.is_agency_officer or user.is_administrator
    )
